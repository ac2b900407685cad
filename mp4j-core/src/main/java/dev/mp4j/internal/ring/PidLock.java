package dev.mp4j.internal.ring;

import static dev.mp4j.internal.ring.RingDescriptor.addInt;
import static dev.mp4j.internal.ring.RingDescriptor.casInt;
import static dev.mp4j.internal.ring.RingDescriptor.getInt;
import static dev.mp4j.internal.ring.RingDescriptor.setInt;

import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.util.Timeouts;

import java.lang.foreign.MemorySegment;

/**
 * One of a ring's two locks (write, read): an int field in shared memory holding the owner's pid, 0 when
 * free, a count of the threads waiting for it and a semaphore (the bell) that an unlocker posts when that
 * count is non-zero.
 * <pre>
 *   free (0) --CAS 0→SELF--&gt; held by SELF --unlock: store 0, post if waiters--&gt; free
 *   held by a dead pid --CAS pid→SELF (a waiter that checked the pid after a slice without a post)--&gt; held by SELF
 * </pre>
 * Threads of one JVM share a pid; the lock still excludes them (it is taken by a CAS from 0), and a JVM never
 * takes it over from its own pid. A waiter sleeps in slices of {@link Posix#SLICE_NANOS}, so a lost or spare
 * post costs at most one slice; whether the owner is alive (which reads {@code /proc}) is asked only after a
 * slice passed without a post, since a live owner posts when it unlocks and a dead one cannot.
 */
final class PidLock {
    private static final int SPINS = 200;

    private final MemorySegment mem;
    private final long owner;
    private final long waiters;
    private final Posix.Sem bell;

    /**
     * @param mem the ring's segment
     * @param owner the offset of the owner's pid
     * @param waiters the offset of the count of waiters
     * @param bell posted on unlock when someone waits
     */
    PidLock(MemorySegment mem, long owner, long waiters, Posix.Sem bell) {
        this.mem = mem;
        this.owner = owner;
        this.waiters = waiters;
        this.bell = bell;
    }

    /**
     * Takes the lock, spinning a little, then sleeping on the bell in slices.
     *
     * @param deadline a {@link Timeouts} deadline
     * @param watch checked on every wake-up
     * @return whether it was taken before the deadline
     */
    boolean lock(long deadline, Ring.Watch watch) {
        if (casInt(mem, owner, 0, Pids.SELF)) {
            return true;
        }
        for (int i = 0; i < SPINS; i++) {
            Thread.onSpinWait();
            if (getInt(mem, owner) == 0 && casInt(mem, owner, 0, Pids.SELF)) {
                return true;
            }
        }
        addInt(mem, waiters, 1);
        try {
            boolean checkOwner = deadline != Timeouts.FOREVER && Timeouts.remaining(deadline) == 0;
            for (;;) {
                int held = getInt(mem, owner);
                if (held == 0) {
                    if (casInt(mem, owner, 0, Pids.SELF)) {
                        return true;
                    }
                    continue;
                }
                if (checkOwner && held != Pids.SELF && !Pids.alive(held)) {
                    if (casInt(mem, owner, held, Pids.SELF)) {
                        return true;
                    }
                    continue;
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
            addInt(mem, waiters, -1);
        }
    }

    /** @return whether the lock was free and is now this process's */
    boolean tryLock() {
        return casInt(mem, owner, 0, Pids.SELF);
    }

    /**
     * @param from the owner seen (0 or a dead pid)
     * @return whether the lock went from {@code from} to this process
     */
    boolean takeOver(int from) {
        return casInt(mem, owner, from, Pids.SELF);
    }

    /** @return the owner's pid, 0 when free */
    int owner() {
        return getInt(mem, owner);
    }

    /** Frees the lock and posts the bell if someone waits. */
    void unlock() {
        setInt(mem, owner, 0);
        if (getInt(mem, waiters) > 0) {
            Posix.semPost(bell);
        }
    }
}
