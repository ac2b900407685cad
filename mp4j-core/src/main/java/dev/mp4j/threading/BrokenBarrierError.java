package dev.mp4j.threading;

import java.io.Serial;

/**
 * A barrier is broken, or was reset or aborted while a thread waited (Python's {@code BrokenBarrierError}).
 *
 * @since 0.1
 */
public class BrokenBarrierError extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public BrokenBarrierError() {
        super();
    }

    /** @param message the detail message */
    public BrokenBarrierError(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public BrokenBarrierError(String message, Throwable cause) {
        super(message, cause);
    }
}
