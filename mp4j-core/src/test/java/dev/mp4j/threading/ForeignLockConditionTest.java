package dev.mp4j.threading;

import dev.mp4j.InterruptedError;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@link ConditionTests} on {@link Threading#condition(Lock)} over a {@link Lock} written outside mp4j, which
 * the condition knows nothing about: ownership is tested by a trial acquisition, as in CPython.
 */
class ForeignLockConditionTest extends ConditionTests {
    /**
     * A plain lock on a JDK semaphore, written as a user would: only the timed {@code acquire}, {@code release}
     * and {@code locked}; the other acquisitions and {@code enter()} are {@link Lock}'s defaults.
     */
    static final class ForeignLock implements Lock {
        private final java.util.concurrent.Semaphore sem = new java.util.concurrent.Semaphore(1);

        @Override
        public boolean acquire(Duration timeout) {
            if (sem.tryAcquire()) {
                return true; // no wait: whatever the interrupt flag says, as the Lock contract asks
            }
            try {
                if (timeout == null) {
                    sem.acquire();
                    return true;
                }
                return sem.tryAcquire(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            }
        }

        @Override
        public void release() {
            if (sem.availablePermits() > 0) {
                throw new IllegalStateException("release unlocked lock");
            }
            sem.release();
        }

        @Override
        public boolean locked() {
            return sem.availablePermits() == 0;
        }

        @Override
        public String toString() {
            return "<" + (locked() ? "locked" : "unlocked") + " ForeignLock>";
        }
    }

    @Override
    protected Condition newCondition() {
        return Threading.condition(new ForeignLock());
    }

    @Override
    protected Condition newCondition(Lock lock) {
        return Threading.condition(lock);
    }

    @Override
    protected Lock newLock() {
        return new ForeignLock();
    }

    @Override
    protected boolean reentrant() {
        return false;
    }
}
