package dev.mp4j.internal.managers;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.threads.ConditionWaits;
import dev.mp4j.internal.threads.UnfinishedTasks;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Full;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The referent of a manager's queue (Python's {@code queue.Queue}, which its {@code SyncManager.Queue} and
 * {@code JoinableQueue} hold): a FIFO of items, bounded when {@code maxsize > 0}, with a count of unfinished
 * items for {@code taskDone}/{@code join}. Everything is guarded by {@code lock}; {@code notEmpty} and
 * {@code notFull} are its conditions, {@code unfinished} holds the third. Null is a valid item.
 */
public final class ServerQueue {
    private final int maxsize;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final ArrayDeque<Object[]> items = new ArrayDeque<>(); // boxed in arrays: ArrayDeque refuses null
    private final UnfinishedTasks unfinished = new UnfinishedTasks(lock, "task_done()");

    /** @param maxsize the most items held; 0 or less for no bound */
    public ServerQueue(int maxsize) {
        this.maxsize = maxsize;
    }

    /** @param item put it, waiting for room */
    public void put(Object item) {
        put(item, null);
    }

    /**
     * @param item the item
     * @param timeout how long to wait for room; null for no limit
     * @throws Full if there was no room in time
     */
    public void put(Object item, Duration timeout) {
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        lockInterruptibly();
        try {
            while (maxsize > 0 && items.size() >= maxsize) {
                if (!ConditionWaits.await(notFull, deadline)) {
                    throw new Full("the queue is full");
                }
            }
            items.add(new Object[] {item});
            unfinished.added();
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param item the item
     * @throws Full if the queue is full now
     */
    public void putNowait(Object item) {
        put(item, Duration.ZERO);
    }

    /** @return the next item, waiting for one */
    public Object get() {
        return get(null);
    }

    /**
     * @param timeout how long to wait; null for no limit
     * @return the next item
     * @throws Empty if none came in time
     */
    public Object get(Duration timeout) {
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        lockInterruptibly();
        try {
            while (items.isEmpty()) {
                if (!ConditionWaits.await(notEmpty, deadline)) {
                    throw new Empty("the queue is empty");
                }
            }
            Object item = items.poll()[0];
            notFull.signal();
            return item;
        } finally {
            lock.unlock();
        }
    }

    /**
     * @return the next item
     * @throws Empty if there is none now
     */
    public Object getNowait() {
        return get(Duration.ZERO);
    }

    /** @return the number of items */
    public int qsize() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** @return whether there are no items */
    public boolean empty() {
        return qsize() == 0;
    }

    /** @return whether a bounded queue is full */
    public boolean full() {
        return maxsize > 0 && qsize() >= maxsize;
    }

    /** An item taken is processed. @throws IllegalStateException if called more often than items were put */
    public void taskDone() {
        unfinished.done();
    }

    /** Waits until every item put was taken and marked done. */
    public void join() {
        lockInterruptibly();
        try {
            unfinished.awaitNone();
        } finally {
            lock.unlock();
        }
    }

    private void lockInterruptibly() {
        try {
            lock.lockInterruptibly();
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        }
    }

    @Override
    public String toString() {
        lock.lock();
        try {
            var list = new ArrayList<Object>(items.size());
            for (Object[] box : items) {
                list.add(box[0]);
            }
            return "Queue(maxsize=" + maxsize + ", items=" + list + ")";
        } finally {
            lock.unlock();
        }
    }
}
