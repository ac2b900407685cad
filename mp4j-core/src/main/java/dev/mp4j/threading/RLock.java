package dev.mp4j.threading;

/**
 * A re-entrant lock (Python's {@code threading.RLock}): owned by the thread that acquired it, which may
 * acquire it again without blocking; each {@code acquire} needs a matching {@code release}, and the lock
 * is free again when the outermost one is released.
 *
 * <p>{@link #release()} by a thread that does not own the lock (also when nobody owns it) throws
 * {@link IllegalMonitorStateException}.
 *
 * @since 0.1
 */
public interface RLock extends Lock {}
