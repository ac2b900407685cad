package dev.mp4j.threading;

import dev.mp4j.internal.threads.ThreadBarrier;
import dev.mp4j.internal.util.MainThread;
import dev.mp4j.internal.threads.ThreadCondition;
import dev.mp4j.internal.threads.ThreadEvent;
import dev.mp4j.internal.threads.ThreadLock;
import dev.mp4j.internal.threads.ThreadRLock;
import dev.mp4j.internal.threads.ThreadSemaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Python's {@code threading} module functions: factories of the thread-backed synchronization objects and
 * the questions about threads. Every object made here is for the threads of this JVM; a multiprocessing
 * {@code Context} makes ones with the same interfaces that work across processes.
 *
 * <p>For example:
 * {@snippet :
 * Lock lock = Threading.lock();
 * Condition ready = Threading.condition(lock);
 * Event done = Threading.event();
 * try (var _ = lock.enter()) {                                 // Python's "with lock:"
 *     ready.signalAll();
 * }
 * done.await(Duration.ofSeconds(1));
 * }
 *
 * @since 0.1
 */
public final class Threading {
    private static final ThreadGroup ROOT = rootGroup();
    private static final Thread MAIN = MainThread.find();

    private Threading() {}

    /** @return a new, unlocked {@link Lock} (Python's {@code threading.Lock()}) */
    public static Lock lock() {
        return new ThreadLock();
    }

    /** @return a new, unlocked {@link RLock} (Python's {@code threading.RLock()}) */
    public static RLock rlock() {
        return new ThreadRLock();
    }

    /** @return a new {@link Condition} over a new {@link RLock}, as Python's {@code Condition()} */
    public static Condition condition() {
        return new ThreadCondition(new ThreadRLock());
    }

    /**
     * A condition over a given lock: one of these factories' locks, a multiprocessing one, or any other
     * {@link Lock} implementation (whose ownership is then tested by a trial acquisition, as CPython does).
     *
     * @param lock the lock to wait on
     * @return a new {@link Condition} over {@code lock}
     * @throws NullPointerException if {@code lock} is null
     */
    public static Condition condition(Lock lock) {
        return new ThreadCondition(lock);
    }

    /** @return a new {@link Semaphore} whose count is 1 (Python's {@code threading.Semaphore()}) */
    public static Semaphore semaphore() {
        return semaphore(1);
    }

    /**
     * @return a new bounded {@link Semaphore} whose count and bound are 1 (Python's
     *         {@code threading.BoundedSemaphore()})
     */
    public static Semaphore boundedSemaphore() {
        return boundedSemaphore(1);
    }

    /**
     * @param value the initial count
     * @return a new {@link Semaphore} (Python's {@code threading.Semaphore(value)})
     * @throws IllegalArgumentException if {@code value < 0}
     */
    public static Semaphore semaphore(int value) {
        return new ThreadSemaphore(value, false);
    }

    /**
     * @param value the initial count, which is also the most the count may reach
     * @return a new bounded {@link Semaphore} (Python's {@code threading.BoundedSemaphore(value)})
     * @throws IllegalArgumentException if {@code value < 0}
     */
    public static Semaphore boundedSemaphore(int value) {
        return new ThreadSemaphore(value, true);
    }

    /** @return a new {@link Event} whose flag is clear */
    public static Event event() {
        return new ThreadEvent();
    }

    /**
     * @param parties how many threads pass together
     * @return a new {@link Barrier} without action or default timeout
     * @throws IllegalArgumentException if {@code parties < 1}
     */
    public static Barrier barrier(int parties) {
        return new ThreadBarrier(parties, null, null);
    }

    /**
     * @param parties how many threads pass together
     * @param action run by the last thread to arrive, before the others are released; or null
     * @param timeout the default timeout of {@link Barrier#await()}; or null for none
     * @return a new {@link Barrier}
     * @throws IllegalArgumentException if {@code parties < 1}, or {@code timeout} is zero or negative
     */
    public static Barrier barrier(int parties, Runnable action, Duration timeout) {
        return new ThreadBarrier(parties, action, timeout);
    }

    /** @return how many threads are alive: the size of {@link #enumerate()} */
    public static int activeCount() {
        return enumerate().size();
    }

    /**
     * The live threads: every platform thread of the JVM (system threads included), plus the calling thread
     * when it is a virtual thread. Other virtual threads are not listed.
     *
     * @return a snapshot, unmodifiable
     */
    public static List<Thread> enumerate() {
        Thread[] threads = new Thread[ROOT.activeCount() + 16];
        int n;
        while ((n = ROOT.enumerate(threads, true)) == threads.length) {
            threads = new Thread[threads.length * 2];
        }
        List<Thread> live = new ArrayList<>(n + 1);
        for (int i = 0; i < n; i++) {
            if (threads[i].isAlive()) {
                live.add(threads[i]);
            }
        }
        Thread current = Thread.currentThread();
        if (current.isVirtual()) {
            live.add(current);
        }
        return Collections.unmodifiableList(live);
    }

    /** @return the calling thread */
    public static Thread currentThread() {
        return Thread.currentThread();
    }

    /**
     * The thread the JVM launcher started {@code main} in. It is found among the live threads the first time
     * mp4j looks (the thread named {@code main} in the {@code main} thread group, or else the oldest thread
     * of that group) and remembered, so it is returned even after it has ended.
     *
     * @return the main thread, or null if it had already ended when mp4j first looked
     */
    public static Thread mainThread() {
        return MAIN;
    }

    private static ThreadGroup rootGroup() {
        ThreadGroup g = Thread.currentThread().getThreadGroup();
        while (g.getParent() != null) {
            g = g.getParent();
        }
        return g;
    }
}
