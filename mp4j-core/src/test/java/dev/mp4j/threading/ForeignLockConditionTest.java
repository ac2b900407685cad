package dev.mp4j.threading;

import dev.mp4j.InterruptedError;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@link ConditionTests} on {@link Threading#condition(Lock)} over a {@link Lock} written outside mp4j, which
 * the condition knows nothing about: ownership is tested by a trial acquisition, as in CPython.
 */
class ForeignLockConditionTest extends ConditionTests {
    /** A plain lock on a JDK semaphore. */
    static final class ForeignLock implements Lock {
        private final java.util.concurrent.Semaphore sem = new java.util.concurrent.Semaphore(1);

        @Override
        public boolean acquire() {
            try {
                sem.acquire();
                return true;
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            }
        }

        @Override
        public boolean acquire(boolean block) {
            return block ? acquire() : sem.tryAcquire();
        }

        @Override
        public boolean acquire(Duration timeout) {
            if (timeout == null) {
                return acquire();
            }
            try {
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
        public Guard enter() {
            acquire();
            return this::release;
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
