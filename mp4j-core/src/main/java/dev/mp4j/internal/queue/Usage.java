package dev.mp4j.internal.queue;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the calls in flight on one process's attachment of a shared object, so that closing it frees the
 * mapping only once the last of them has left. States: OPEN(n users) -> CLOSED(n users) -> CLOSED(0), at
 * which point exactly one caller (the closer, or the last user to leave) is told to release.
 */
final class Usage {
    private static final int CLOSED = 1 << 30;
    private final AtomicInteger state = new AtomicInteger();

    /** @return false if closed (the caller must not touch the resources) */
    boolean enter() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** @return true if the caller must release the resources now */
    boolean exit() {
        return state.decrementAndGet() == CLOSED;
    }

    /** @return true if the caller must release the resources now (nobody is using them) */
    boolean close() {
        for (;;) {
            int s = state.get();
            if ((s & CLOSED) != 0) {
                return false;
            }
            if (state.compareAndSet(s, s | CLOSED)) {
                return s == 0;
            }
        }
    }

    boolean closed() {
        return (state.get() & CLOSED) != 0;
    }
}
