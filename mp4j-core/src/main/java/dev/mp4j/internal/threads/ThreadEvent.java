package dev.mp4j.internal.threads;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.threading.Event;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The thread-backed {@link Event}. States: the flag ({@code false -> true} by {@code set}, back by
 * {@code clear}), and a generation counter that each {@code set} of an unset flag advances. A waiter returns
 * {@code true} once the generation it saw has passed, so a {@code set} quickly followed by {@code clear}
 * still releases every thread that was waiting (as CPython). {@code lock} guards the generation, the changes
 * to the flag made by {@code set}, and the wait; {@code isSet} and the fast paths read the volatile flag.
 */
public final class ThreadEvent implements Event {
    private final ReentrantLock lock = new ReentrantLock();
    private final java.util.concurrent.locks.Condition changed = lock.newCondition();
    private volatile boolean flag;
    private volatile long generation; // written under lock; read before it by waiters (see await)

    /** An event whose flag is clear. */
    public ThreadEvent() {}

    @Override
    public boolean isSet() {
        return flag;
    }

    @Override
    public void set() {
        if (flag) {
            return; // nobody waits on a set flag: every waiter of the set that raised it was woken then
        }
        lock.lock();
        try {
            if (!flag) {
                flag = true;
                generation++;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void clear() {
        flag = false;
    }

    @Override
    public boolean await(Duration timeout) {
        // Read before contending for the lock: a set() that wins the lock from this thread (and is cleared
        // again at once) has then still released it, as it would a thread already waiting.
        long seen = generation;
        if (flag) {
            return true;
        }
        long nanos = Timeouts.toNanos(timeout);
        if (nanos == 0) {
            return false;
        }
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        }
        try {
            if (flag) {
                return true;
            }
            long deadline = Timeouts.deadline(nanos);
            while (generation == seen) {
                if (!ConditionWaits.await(changed, deadline)) {
                    return false;
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return Reprs.event(this, flag);
    }
}
