package dev.mp4j.multiprocessing;

import java.io.Serial;

/**
 * A queue is empty (Python's {@code queue.Empty}).
 *
 * @since 0.1
 */
public class Empty extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public Empty() {
        super();
    }

    /** @param message the detail message */
    public Empty(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public Empty(String message, Throwable cause) {
        super(message, cause);
    }
}
