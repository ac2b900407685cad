package dev.mp4j.futures;

import java.io.Serial;
import java.util.concurrent.CancellationException;

/**
 * The future was cancelled (Python's {@code CancelledError}); also a JDK {@link CancellationException}.
 *
 * @since 0.1
 */
public class CancelledError extends CancellationException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public CancelledError() {
        super();
    }

    /** @param message the detail message */
    public CancelledError(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    @SuppressWarnings("this-escape")
    public CancelledError(String message, Throwable cause) {
        super(message);
        initCause(cause);
    }
}
