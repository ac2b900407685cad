package dev.mp4j.internal.spawn;

import java.io.Serializable;

/**
 * What a child JVM is for: sent by the parent once the child has connected (said hello), and run on
 * the child's main thread by {@link Bootstrap}.
 */
public interface Job extends Serializable {
    /**
     * Runs in the child.
     *
     * @param child the child's connection to its parent and what it knows about itself
     * @return the exit code the child ends with
     * @throws Exception anything; reported as exit code 1 with the trace on stderr
     */
    int run(Child child) throws Exception;
}
