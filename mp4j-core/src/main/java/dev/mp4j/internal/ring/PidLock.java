package dev.mp4j.internal.ring;

import static dev.mp4j.internal.shm.Words.addInt;
import static dev.mp4j.internal.shm.Words.casInt;
import static dev.mp4j.internal.shm.Words.getInt;
import static dev.mp4j.internal.shm.Words.setInt;

import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.util.Timeouts;

import java.nio.ByteBuffer;
import java.util.function.IntFunction;

/**
 * A lock in shared memory that a process dying while it holds it does not wedge: an int field holding the
 * owner's pid, 0 when free, beside it the owner's start time ({@link Pids#startTime}), a count of the threads
 * waiting for it and a semaphore (the bell) that an unlocker posts when that count is non-zero. A ring's two
 * locks (write, read) are PidLocks, and so are the internal locks of the cross-process primitives.
 * <pre>
 *   free (0) --CAS 0→SELF, then store SELF's start--&gt; held by SELF --unlock: clear start, store 0, post if waiters--&gt; free
 *   held by a dead owner --CAS pid→SELF (a waiter that checked the owner after a slice without a post)--&gt; held by SELF
 * </pre>
 * The owner is dead when its pid no longer runs (or is a zombie), or when the process now running under that
 * pid started at another time than the one recorded (the pid was reused). The start word is 0 for an instant
 * after the CAS that takes the lock; a waiter that reads 0 judges by the pid alone. The unlocker clears the
 * start word before the pid, so a waiter never pairs a pid with an older owner's start time.
 *
 * <p>Threads of one JVM share a pid; the lock still excludes them (it is taken by a CAS from 0), and a JVM
 * never takes it over from itself. A waiter sleeps in slices of {@link Posix#SLICE_NANOS}, so a lost or spare
 * post costs at most one slice; whether the owner is alive (which reads {@code /proc}) is asked only after a
 * slice passed without a post, since a live owner posts when it unlocks and a dead one cannot. So a waiter
 * takes the lock over from a dead owner within about one slice. A takeover is logged at WARNING (logger
 * {@code dev.mp4j.multiprocessing}) with the lock's name and the dead owner, and the {@code recovered} function
 * given to the constructor, called by the new owner, repairs what the lock guards and says what it did.
 */
public final class PidLock {
    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.multiprocessing");
    private static final int SPINS = 200;

    private final ByteBuffer buf;
    private final long owner;
    private final long start;
    private final long waiters;
    private final Posix.Sem bell;
    private final String name;
    private final IntFunction<String> recovered;

    /**
     * @param buf a view of the segment the lock lives in ({@link dev.mp4j.internal.shm.Words#view})
     * @param owner the offset of the owner's pid (an int)
     * @param start the offset of the owner's start time (an int)
     * @param waiters the offset of the count of waiters (an int)
     * @param bell posted on unlock when someone waits
     * @param name what the lock is, for the takeover's log record
     * @param recovered called by the new owner after a takeover, with the dead owner's pid: repairs what the
     *     lock guards and returns what was recovered (for the log record)
     */
    public PidLock(ByteBuffer buf, long owner, long start, long waiters, Posix.Sem bell, String name,
            IntFunction<String> recovered) {
        this.buf = buf;
        this.owner = owner;
        this.start = start;
        this.waiters = waiters;
        this.bell = bell;
        this.name = name;
        this.recovered = recovered;
    }

    /**
     * Takes the lock, spinning a little, then sleeping on the bell in slices; takes it over from a dead owner.
     *
     * @param deadline a {@link Timeouts} deadline
     * @param watch checked on every wake-up
     * @return whether it was taken before the deadline
     * @throws dev.mp4j.InterruptedError if the thread is interrupted while it waits (flag set)
     */
    public boolean lock(long deadline, Ring.Watch watch) {
        if (tryLock()) {
            return true;
        }
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (getInt(buf, owner) == 0 && tryLock()) {
                return true;
            }
        }
        addInt(buf, waiters, 1);
        try {
            boolean checkOwner = deadline != Timeouts.FOREVER && Timeouts.remaining(deadline) == 0;
            for (;;) {
                int held = getInt(buf, owner);
                if (held == 0) {
                    if (tryLock()) {
                        return true;
                    }
                    continue;
                }
                if (checkOwner && !ownerAlive(held) && takeOver(held)) {
                    return true;
                }
                watch.check();
                Ring.checkInterrupt();
                long left = Timeouts.remaining(deadline);
                if (left == 0) {
                    return false;
                }
                checkOwner = !Posix.semWaitSlice(bell, Math.min(left, Posix.SLICE_NANOS));
            }
        } finally {
            addInt(buf, waiters, -1);
        }
    }

    /** @return whether the lock was free and is now this process's */
    public boolean tryLock() {
        if (casInt(buf, owner, 0, Pids.SELF)) {
            setInt(buf, start, Pids.SELF_START);
            return true;
        }
        return false;
    }

    /**
     * @param pid an owner seen by {@link #owner()}, not 0
     * @return whether that owner still runs (reads {@code /proc}); this JVM counts as alive
     */
    boolean ownerAlive(int pid) {
        return Pids.alive(pid, getInt(buf, start));
    }

    /**
     * Takes the lock from a dead owner, then has the lock's contents repaired and logs what was recovered.
     *
     * @param from the owner seen, found dead
     * @return whether the lock went from {@code from} to this process
     */
    boolean takeOver(int from) {
        int was = getInt(buf, start);
        if (!casInt(buf, owner, from, Pids.SELF)) {
            return false;
        }
        setInt(buf, start, Pids.SELF_START);
        String what;
        try {
            what = recovered.apply(from);
        } catch (RuntimeException | Error e) {
            unlock();
            throw e;
        }
        LOG.log(System.Logger.Level.WARNING, () -> "took over " + name + " from process " + from
                + (was == 0 ? "" : " (started at " + Integer.toUnsignedString(was) + ")")
                + ", which died holding it: " + what);
        return true;
    }

    /** @return the owner's pid, 0 when free */
    int owner() {
        return getInt(buf, owner);
    }

    /** @return whether the lock is held (by any process) */
    public boolean locked() {
        return getInt(buf, owner) != 0;
    }

    /** Frees the lock and posts the bell if someone waits. */
    public void unlock() {
        setInt(buf, start, 0);
        setInt(buf, owner, 0);
        if (getInt(buf, waiters) > 0) {
            Posix.semPost(bell);
        }
    }
}
