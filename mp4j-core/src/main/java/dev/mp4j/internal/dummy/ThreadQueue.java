package dev.mp4j.internal.dummy;

import dev.mp4j.internal.threads.ConditionWaits;
import dev.mp4j.internal.threads.UnfinishedTasks;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Full;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.SimpleQueue;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The queue of {@code Multiprocessing.dummy()}: a thread-safe FIFO queue for the threads of this JVM, all
 * of {@link Queue}, {@link JoinableQueue} and {@link SimpleQueue} (Python's dummy module uses
 * {@code queue.Queue} for all three). Items are handed over as they are, not copied; null is a valid item.
 *
 * <p>Fields guarded by {@code lock}. States: open --close()--&gt; closed (put and get throw
 * {@link IllegalStateException}, and threads waiting in them wake up with it). There is no feeder thread:
 * {@link #joinThread()} returns at once once closed.
 *
 * @param <E> the item type
 */
final class ThreadQueue<E> implements JoinableQueue<E>, SimpleQueue<E> {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final Object NULL = new Object();

    private final int maxsize;
    private final transient ReentrantLock lock = new ReentrantLock();
    private final transient Condition notEmpty = lock.newCondition();
    private final transient Condition notFull = lock.newCondition();
    private final transient ArrayDeque<Object> items = new ArrayDeque<>();
    private final transient UnfinishedTasks unfinished = new UnfinishedTasks(lock, "taskDone()");
    private transient boolean closed;

    /** @param maxsize the most items it holds; 0 or less for unbounded */
    ThreadQueue(int maxsize) {
        this.maxsize = Math.max(0, maxsize);
    }

    /** Both interfaces declare it: a joinable queue's default applies. */
    @Override
    public void put(E item) {
        JoinableQueue.super.put(item);
    }

    @Override
    public void put(E item, Duration timeout) {
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        lock.lock();
        try {
            checkOpen();
            while (maxsize > 0 && items.size() >= maxsize) {
                if (!await(notFull, deadline)) {
                    throw new Full("the queue is full (maxsize " + maxsize + ")");
                }
            }
            items.add(item == null ? NULL : item);
            unfinished.added();
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Both interfaces declare it: a joinable queue's default applies. */
    @Override
    public E get() {
        return JoinableQueue.super.get();
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(Duration timeout) {
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        lock.lock();
        try {
            checkOpen();
            while (items.isEmpty()) {
                if (!await(notEmpty, deadline)) {
                    throw new Empty("the queue is empty");
                }
            }
            Object o = items.poll();
            notFull.signal();
            return o == NULL ? null : (E) o;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int qsize() {
        lock.lock();
        try {
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean empty() {
        return qsize() == 0;
    }

    @Override
    public boolean full() {
        return maxsize > 0 && qsize() >= maxsize;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @throws IllegalStateException if the queue is not closed */
    @Override
    public void joinThread() {
        lock.lock();
        try {
            if (!closed) {
                throw new IllegalStateException("the queue is not closed");
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void cancelJoinThread() {
        // no feeder thread to wait for
    }

    @Override
    public void taskDone() {
        unfinished.done();
    }

    @Override
    public void join() {
        lock.lock();
        try {
            unfinished.awaitNone();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "<dummy Queue maxsize=" + maxsize + " qsize=" + qsize() + ">";
    }

    /**
     * Waits on {@code c} once, {@code lock} held.
     *
     * @return false, without waiting, once the deadline has passed
     * @throws IllegalStateException if the queue was closed meanwhile
     */
    private boolean await(Condition c, long deadline) {
        if (!ConditionWaits.await(c, deadline)) {
            return false;
        }
        checkOpen();
        return true;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the queue is closed");
        }
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        throw new NotSerializableException("a dummy (thread-backed) queue cannot be sent to another process");
    }
}
