package dev.mp4j.futures;

import java.io.Serial;

/**
 * A process pool broken by a worker that died abruptly (Python's {@code BrokenProcessPool}).
 *
 * @since 0.1
 */
public class BrokenProcessPool extends BrokenExecutor {
    @Serial
    private static final long serialVersionUID = 1L;

    /** With no detail message. */
    public BrokenProcessPool() {
        super();
    }

    /** @param message the detail message */
    public BrokenProcessPool(String message) {
        super(message);
    }

    /**
     * @param message the detail message
     * @param cause the cause
     */
    public BrokenProcessPool(String message, Throwable cause) {
        super(message, cause);
    }
}
