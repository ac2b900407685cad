package dev.mp4j.multiprocessing;

import java.io.Serial;

/**
 * Attached as a suppressed exception to an exception raised in another JVM: names the process and pid where it was raised.
 *
 * @since 0.1
 */
public class RemoteTraceback extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public RemoteTraceback() {
        super();
    }

    /** @param message the detail message */
    public RemoteTraceback(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public RemoteTraceback(String message, Throwable cause) {
        super(message, cause);
    }
}
