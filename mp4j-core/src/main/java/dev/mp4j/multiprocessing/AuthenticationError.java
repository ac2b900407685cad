package dev.mp4j.multiprocessing;

import java.io.Serial;

/**
 * A peer failed the authkey challenge, or this side failed the peer's (Python's {@code AuthenticationError}).
 *
 * @since 0.1
 */
public class AuthenticationError extends ProcessError {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public AuthenticationError() {
        super();
    }

    /** @param message the detail message */
    public AuthenticationError(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public AuthenticationError(String message, Throwable cause) {
        super(message, cause);
    }
}
