package dev.mp4j.internal.conn;

import java.nio.channels.SelectableChannel;

/**
 * Something {@link Waiter} can wait on: a socket connection, a process's end, later a shared-memory pipe's
 * end. An implementation offers the waiter ways to learn that it became ready, best first:
 * <ol>
 *   <li>a {@linkplain #channel() channel} that the waiter's selector watches for reading;</li>
 *   <li>a {@linkplain #onReady(Runnable) callback} that wakes the waiter (also offered next to a channel,
 *   for what the channel does not show, such as being closed by another thread);</li>
 *   <li>neither: the waiter then calls {@link #ready()} again with a short backoff (1 ms doubling to 10 ms).</li>
 * </ol>
 * In every case {@link #ready()} is asked too, so that bytes a connection has already pulled into its own
 * buffer count.
 */
public interface Waitable {
    /**
     * Never blocks.
     *
     * @return whether a wait on this should return it now
     */
    boolean ready();

    /**
     * @return a channel that is readable whenever this may be ready (data, or the peer's end), or null
     * @throws IllegalStateException if this is closed
     */
    default SelectableChannel channel() {
        return null;
    }

    /**
     * Asks to run {@code wake} (from any thread, perhaps more than once, perhaps at once) when this may have
     * become ready.
     *
     * @param wake what to run
     * @return what withdraws the request, run when the wait ends; null if this cannot notify
     */
    default Runnable onReady(Runnable wake) {
        return null;
    }
}
