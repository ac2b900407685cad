package dev.mp4j.multiprocessing;

import java.io.Serial;

/**
 * A pool worker died while it held a task: the task's result fails with this.
 *
 * @since 0.1
 */
public class WorkerLostError extends ProcessError {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public WorkerLostError() {
        super();
    }

    /** @param message the detail message */
    public WorkerLostError(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public WorkerLostError(String message, Throwable cause) {
        super(message, cause);
    }
}
