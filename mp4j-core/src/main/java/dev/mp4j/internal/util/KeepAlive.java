package dev.mp4j.internal.util;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Python's exit rule for executors: the program does not end while submitted work is pending, even when
 * the main thread has returned. Workers are daemon threads (so an idle pool never holds the JVM open);
 * while any work is pending, one non-daemon <em>keeper</em> thread exists and holds the JVM open.
 *
 * <p>States of the keeper, guarded by {@code LOCK}: none ({@code keeper == null}) → running (parked while
 * {@code pending > 0}) → lingering ({@code pending == 0}: it waits up to {@link #LINGER_NANOS} for new work
 * so bursts reuse it, but leaves at once if the main thread has ended) → none. {@code pending} itself is a
 * lock-free counter; the lock is only taken on a 0 → 1 transition and when the keeper leaves.
 */
public final class KeepAlive {
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final AtomicLong PENDING = new AtomicLong();
    private static final Object LOCK = new Object();
    private static Thread keeper; // guarded by LOCK
    private static final Thread MAIN = MainThread.find();
    private static volatile boolean linger = true;

    private KeepAlive() {}

    /** One more unit of pending work: the JVM stays up until a matching {@link #end()}. */
    public static void begin() {
        if (PENDING.getAndIncrement() == 0) {
            synchronized (LOCK) {
                if (keeper == null) {
                    keeper = Thread.ofPlatform().name("mp4j-keepalive").daemon(false).unstarted(new Keeper());
                    keeper.start();
                } else {
                    LockSupport.unpark(keeper);
                }
            }
        }
    }

    /** One unit of pending work is over (finished, failed or cancelled). */
    public static void end() {
        long left = PENDING.decrementAndGet();
        if (left == 0) {
            Thread k;
            synchronized (LOCK) {
                k = keeper;
            }
            if (k != null) {
                LockSupport.unpark(k);
            }
        } else if (left < 0) {
            PENDING.incrementAndGet();
            throw new IllegalStateException("KeepAlive.end() without begin()");
        }
    }

    /**
     * Makes the keeper leave as soon as no work is pending. A child JVM uses this: its main thread waits
     * for non-daemon threads (the keeper among them) before exiting, so lingering would only delay it.
     */
    public static void lingerOff() {
        linger = false;
        Thread k;
        synchronized (LOCK) {
            k = keeper;
        }
        if (k != null) {
            LockSupport.unpark(k);
        }
    }

    /** @return the units of work now pending (for tests and diagnostics) */
    public static long pending() {
        return PENDING.get();
    }

    /** The keeper thread's body: a class, not a method reference, which would spin one at a program's first task. */
    private static final class Keeper implements Runnable {
        @Override
        public void run() {
            keep();
        }
    }

    private static void keep() {
        while (true) {
            while (PENDING.get() > 0) {
                LockSupport.park(KeepAlive.class);
            }
            long idleSince = System.nanoTime();
            while (PENDING.get() == 0
                    && linger
                    && mainAlive()
                    && System.nanoTime() - idleSince < LINGER_NANOS) {
                awaitMainEnd();
            }
            synchronized (LOCK) {
                if (PENDING.get() == 0) {
                    keeper = null;
                    return;
                }
            }
        }
    }

    /**
     * Waits at most {@link #CHECK_NANOS} for the main thread to end, woken as it ends: a program whose main
     * thread returns just after its last work ended (a process joined, a pool closed) exits then, not at the
     * keeper's next check. New work is seen at the next check (the keeper holds the JVM up meanwhile).
     */
    private static void awaitMainEnd() {
        try {
            MAIN.join(TimeUnit.NANOSECONDS.toMillis(CHECK_NANOS));
        } catch (InterruptedException e) {
            // nobody interrupts the keeper; it checks again
        }
    }

    private static boolean mainAlive() {
        return MAIN != null && MAIN.isAlive();
    }
}
