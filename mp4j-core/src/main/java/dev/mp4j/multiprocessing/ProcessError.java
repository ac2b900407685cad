package dev.mp4j.multiprocessing;

import java.io.Serial;

/**
 * The base of multiprocessing's errors (Python's {@code ProcessError}).
 *
 * @since 0.1
 */
public class ProcessError extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public ProcessError() {
        super();
    }

    /** @param message the detail message */
    public ProcessError(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public ProcessError(String message, Throwable cause) {
        super(message, cause);
    }
}
