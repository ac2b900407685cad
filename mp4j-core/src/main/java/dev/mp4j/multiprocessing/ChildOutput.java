package dev.mp4j.multiprocessing;

/**
 * Where the stdout and stderr of child JVMs go ({@link Context#withOutput}).
 *
 * @since 0.1
 */
public enum ChildOutput {
    /** The parent's own streams, as Python does (the default): a child writes to them directly. */
    INHERIT,
    /** The parent's streams, each line prefixed with {@code "[ProcessName pid] "}. */
    PREFIXED,
    /**
     * The {@link System.Logger} {@code "dev.mp4j.child"}: each stdout line at INFO, each stderr line at WARNING,
     * as the message {@code "[ProcessName pid] line"}.
     */
    LOGGER
}
