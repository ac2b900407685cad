package dev.mp4j.internal.threads;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The count of a joinable queue's items put and not yet marked done, guarded by the queue's lock, with the
 * condition its {@code join()} waits on.
 */
public final class UnfinishedTasks {
    private final Lock lock;
    private final Condition allDone;
    private final String doneCall;
    private int count;

    /**
     * @param lock the queue's lock
     * @param doneCall how the message of an extra {@link #done()} names the call, e.g. {@code "taskDone()"}
     */
    public UnfinishedTasks(Lock lock, String doneCall) {
        this.lock = lock;
        this.allDone = lock.newCondition();
        this.doneCall = doneCall;
    }

    /** One more item was put; the caller holds the lock. */
    public void added() {
        count++;
    }

    /**
     * Marks one item done, taking the lock, and wakes the joiners when none is left.
     *
     * @throws IllegalStateException if called more often than items were put
     */
    public void done() {
        lock.lock();
        try {
            if (count <= 0) {
                throw new IllegalStateException(doneCall + " called too many times");
            }
            if (--count == 0) {
                allDone.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until every item put was marked done; the caller holds the lock.
     *
     * @throws InterruptedError if interrupted (flag set again)
     */
    public void awaitNone() {
        while (count > 0) {
            ConditionWaits.await(allDone, Timeouts.FOREVER);
        }
    }
}
