package dev.mp4j.internal.spawn;

/**
 * What a child JVM is for: the parent sends its form once the child has connected (said hello), the child's
 * main class decodes it by the form's first byte ({@link JobForm}) and runs it on the child's main thread.
 */
public interface Job {
    /**
     * Runs in the child.
     *
     * @param child the child's connection to its parent, and how it becomes the process the job names
     * @return the exit code the child ends with
     * @throws Exception anything; reported as exit code 1 with the trace on stderr
     */
    int run(Child child) throws Exception;
}
