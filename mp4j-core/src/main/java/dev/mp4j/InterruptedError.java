package dev.mp4j;

import java.io.Serial;

/**
 * Thrown by a blocking mp4j method when the waiting thread is interrupted: the analog of Python's
 * {@code KeyboardInterrupt} breaking a blocking call. The thread's interrupt flag is set again before this
 * is thrown, so code further up still sees the interrupt.
 *
 * @since 0.1
 */
public class InterruptedError extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** An interrupt with no further detail. */
    public InterruptedError() {
        super("interrupted");
    }

    /** @param message what was interrupted */
    public InterruptedError(String message) {
        super(message);
    }

    /**
     * @param message what was interrupted
     * @param cause the {@link InterruptedException}, when there was one
     */
    public InterruptedError(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Restores the current thread's interrupt flag and returns an {@code InterruptedError} to throw.
     *
     * @param cause the interrupt caught, or null
     * @return the error, for {@code throw InterruptedError.restore(e)}
     */
    public static InterruptedError restore(InterruptedException cause) {
        Thread.currentThread().interrupt();
        return new InterruptedError("interrupted while waiting", cause);
    }
}
