package dev.mp4j.internal.threads;

import dev.mp4j.threading.Semaphore;
import java.io.Serial;
import java.time.Duration;

/**
 * The thread-backed {@link Semaphore}, plain or bounded. The synchronizer state is the count, moved by
 * compare-and-set loops: acquire takes one when it is positive; release adds {@code n} unless that would pass
 * the bound (the initial value for a bounded semaphore, {@code Integer.MAX_VALUE} otherwise), in which case it
 * throws and the count stays as it was. Waiting threads queue in the synchronizer (not fair, as CPython).
 */
public final class ThreadSemaphore implements Semaphore {
    private static final class Sync extends TimedSync {
        @Serial
        private static final long serialVersionUID = 1L;
        private final int bound;

        Sync(int value, int bound) {
            super(true);
            this.bound = bound;
            setState(value);
        }

        @Override
        protected int tryAcquireShared(int n) {
            while (true) {
                int c = getState();
                int left = c - n;
                if (left < 0 || compareAndSetState(c, left)) {
                    return left;
                }
            }
        }

        @Override
        protected boolean tryReleaseShared(int n) {
            while (true) {
                int c = getState();
                long next = (long) c + n;
                if (next > bound) {
                    throw new IllegalStateException(bound == Integer.MAX_VALUE
                            ? "semaphore value would overflow an int"
                            : "Semaphore released too many times");
                }
                if (compareAndSetState(c, (int) next)) {
                    return true;
                }
            }
        }

        int value() {
            return getState();
        }
    }

    private final Sync sync;
    private final boolean bounded;

    /**
     * @param value the initial count
     * @param bounded whether a release may not raise the count above {@code value}
     * @throws IllegalArgumentException if {@code value < 0}
     */
    public ThreadSemaphore(int value, boolean bounded) {
        if (value < 0) {
            throw new IllegalArgumentException("semaphore initial value must be >= 0, not " + value);
        }
        this.sync = new Sync(value, bounded ? value : Integer.MAX_VALUE);
        this.bounded = bounded;
    }

    @Override
    public boolean acquire(Duration timeout) {
        return sync.acquire(timeout);
    }

    @Override
    public void release(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be one or more, not " + n);
        }
        sync.releaseShared(n);
    }

    @Override
    public int value() {
        return sync.value();
    }

    @Override
    public String toString() {
        return Reprs.semaphore(this, value(), bounded, sync.bound);
    }
}
