package dev.mp4j.futures;

import java.io.Serial;

/**
 * Python's {@code TimeoutError}: a wait with a timeout ran out. Also used by multiprocessing.
 *
 * @since 0.1
 */
public class TimeoutError extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public TimeoutError() {
        super();
    }

    /** @param message the detail message */
    public TimeoutError(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public TimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
