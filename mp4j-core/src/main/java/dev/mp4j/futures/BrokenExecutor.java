package dev.mp4j.futures;

import java.io.Serial;

/**
 * The executor is broken and cannot run tasks any more (Python's {@code BrokenExecutor}).
 *
 * @since 0.1
 */
public class BrokenExecutor extends java.util.concurrent.RejectedExecutionException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public BrokenExecutor() {
        super();
    }

    /** @param message the detail message */
    public BrokenExecutor(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public BrokenExecutor(String message, Throwable cause) {
        super(message, cause);
    }
}
