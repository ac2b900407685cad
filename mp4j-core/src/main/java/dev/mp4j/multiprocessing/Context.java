package dev.mp4j.multiprocessing;

import dev.mp4j.function.SerializableRunnable;

import java.nio.file.Path;
import java.util.List;

/**
 * A start method and the settings its child JVMs start with (Python's context objects from
 * {@code multiprocessing.get_context}). Contexts are immutable: the {@code with...} methods return a new one.
 *
 * <p>The factories for queues, locks, shared memory, pools and managers join this interface as they are
 * built (see API.md); today a context makes processes.
 */
public interface Context {
    /** @return "spawn" or "forkserver" */
    String startMethod();

    /**
     * @param options extra options for child JVMs (heap size, system properties ...); they replace any
     *     given before and come after the options mp4j itself passes
     * @return a context like this one with those options
     */
    Context withJvmOptions(List<String> options);

    /**
     * Python's {@code set_executable}.
     *
     * @param java the java binary children are started with (a JDK 25 or newer)
     * @return a context like this one with that binary
     */
    Context withExecutable(Path java);

    /**
     * @param target what the process runs
     * @return a new, unstarted process that this context starts
     */
    Process process(SerializableRunnable target);
}
