package dev.mp4j.futures;

import java.io.Serial;

/**
 * A thread pool broken by a failing initializer (Python's {@code BrokenThreadPool}).
 *
 * @since 0.1
 */
public class BrokenThreadPool extends BrokenExecutor {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public BrokenThreadPool() {
        super();
    }

    /** @param message the detail message */
    public BrokenThreadPool(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public BrokenThreadPool(String message, Throwable cause) {
        super(message, cause);
    }
}
