package dev.mp4j.multiprocessing;

import java.io.Serial;

/**
 * Nothing left to receive and the other end is closed (Python's {@code EOFError}).
 *
 * @since 0.1
 */
public class EOFError extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public EOFError() {
        super();
    }

    /** @param message the detail message */
    public EOFError(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public EOFError(String message, Throwable cause) {
        super(message, cause);
    }
}
