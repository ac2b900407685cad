package dev.mp4j.python;

/**
 * Malformed, truncated or refused pickle data (Python's {@code pickle.UnpicklingError}): the only exception
 * {@link Pickle#loads} and {@link Pickle.Loader#loads} throw for what their input holds.
 */
public class PickleError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what was wrong, and where */
    public PickleError(String message) {
        super(message);
    }

    /**
     * @param message what was wrong, and where
     * @param cause what failed
     */
    public PickleError(String message, Throwable cause) {
        super(message, cause);
    }
}
