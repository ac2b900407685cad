package dev.mp4j.futures;

/**
 * When {@link Futures#wait} returns (Python's {@code FIRST_COMPLETED} and friends).
 *
 * @since 0.1
 */
public enum ReturnWhen {
    /** When any future finishes or is cancelled. */
    FIRST_COMPLETED,
    /** When any future finishes by raising an exception; if none does, like {@link #ALL_COMPLETED}. */
    FIRST_EXCEPTION,
    /** When all futures finish or are cancelled. */
    ALL_COMPLETED
}
