package dev.mp4j.internal.spawn;

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
     * @return the serial filter the children and the parent's decoders apply (serializable), or null for
     *     mp4j's default
     */
    default ObjectInputFilter serialFilter() {
        return null;
    }
}
