package dev.mp4j.threading;

/**
 * What {@code enter()} returns: closing it releases what {@code enter()} acquired, so that
 * {@code try (var g = lock.enter()) { ... }} plays the part of Python's {@code with lock:}.
 *
 * <p>A guard releases at most once: a second {@link #close()} does nothing. A guard is meant to be closed by
 * the thread that entered.
 *
 * @since 0.1
 */
public interface Guard extends AutoCloseable {
    /** Releases what {@code enter()} acquired; does nothing when called again. */
    @Override
    void close();
}
