package dev.mp4j.multiprocessing;

import java.io.Serial;

/**
 * A bounded queue is full (Python's {@code queue.Full}).
 *
 * @since 0.1
 */
public class Full extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public Full() {
        super();
    }

    /** @param message the detail message */
    public Full(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public Full(String message, Throwable cause) {
        super(message, cause);
    }
}
