package dev.mp4j.futures;

import java.io.Serial;

/**
 * Python's {@code InvalidStateError}: an operation on a {@code Future} that its state does not allow.
 *
 * @since 0.1
 */
public class InvalidStateError extends IllegalStateException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public InvalidStateError() {
        super();
    }

    /** @param message the detail message */
    public InvalidStateError(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public InvalidStateError(String message, Throwable cause) {
        super(message, cause);
    }
}
