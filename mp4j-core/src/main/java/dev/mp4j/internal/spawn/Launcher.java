package dev.mp4j.internal.spawn;

import dev.mp4j.multiprocessing.ProcessError;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.function.Consumer;

/**
 * What a multiprocessing context offers the pools: booting children by its start method. The contexts that
 * {@code Multiprocessing} makes implement it; pools accept only those.
 */
public interface Launcher {
    /** @return the start method's name */
    String startMethod();

    /**
     * Obtains a connected child: boots one (spawn) or takes a warm spare (forkserver).
     *
     * @param started told the OS process as soon as it exists, before the child has connected
     * @return the connected child, waiting for its job
     * @throws IOException if no child could be started
     */
    ChildJvm obtain(Consumer<java.lang.Process> started) throws IOException;

    /**
     * Obtains a connected child, as {@link #obtain(Consumer)}, for a ProcessPoolExecutor's worker or any child.
     * A launcher that does not size its children's heaps (a cluster's) obtains as {@link #obtain(Consumer)}.
     *
     * @param started told the OS process as soon as it exists, before the child has connected
     * @param executorWorker whether the child will be a ProcessPoolExecutor's worker: one booted for it starts
     *     with a smaller heap ({@link JvmOptions#WORKER_INITIAL_HEAP}); a warm spare or a child booted before
     *     (to check the context's options) is taken as it is
     * @return the connected child, waiting for its job
     * @throws IOException if no child could be started
     */
    default ChildJvm obtain(Consumer<java.lang.Process> started, boolean executorWorker) throws IOException {
        return obtain(started);
    }

    /**
     * Fails, starting nothing, when no child could be started at all (a native image, no java binary,
     * mp4j's classes out of the children's reach), naming the case and the remedy.
     *
     * @throws IOException saying why
     */
    default void check() throws IOException {}

    /**
     * {@link #check}, failing as the public API does.
     *
     * @param what what would be started, for the message ("the pool's workers")
     * @throws ProcessError naming the case and the remedy
     */
    default void checkStartable(String what) {
        try {
            check();
        } catch (IOException e) {
            throw new ProcessError("cannot start " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * @return the serial filter the children and the parent's decoders apply (serializable), or null for
     *     mp4j's default
     */
    default ObjectInputFilter serialFilter() {
        return null;
    }
}
