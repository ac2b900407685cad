package dev.mp4j.internal.util;

import java.io.Closeable;
import java.io.IOException;

/** Closing what may have failed already, where an error on close has nothing left to report. */
public final class Quietly {
    private Quietly() {}

    /** @param c closed, ignoring an {@link IOException}; null does nothing */
    public static void close(Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // a socket, stream or channel that failed already: nothing left to release
        }
    }
}
