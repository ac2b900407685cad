package dev.mp4j.multiprocessing.managers;

import java.io.Serial;

/**
 * Python's {@code managers.RemoteError}: the manager's server could not make a proxy's call (the method is
 * not exposed or does not exist, the referent was released, the arguments or the result could not be
 * sent ...). An exception raised by the referent's method itself is not wrapped: it reaches the caller as
 * it was raised.
 *
 * @since 0.1
 */
public class RemoteError extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public RemoteError() {
        super();
    }

    /** @param message the detail message */
    public RemoteError(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public RemoteError(String message, Throwable cause) {
        super(message, cause);
    }
}
