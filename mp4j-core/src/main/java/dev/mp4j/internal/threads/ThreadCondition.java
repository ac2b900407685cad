package dev.mp4j.internal.threads;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Lock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * The thread-backed {@link Condition}, over any {@link Lock}. As CPython's, it keeps a FIFO of waiters, each
 * with its own one-shot wake-up; {@code signal(n)} hands wake-ups to the first {@code n} live waiters.
 *
 * <p>A waiter goes {@code WAITING -> SIGNALLED} (by a signaller) or {@code WAITING -> CANCELLED} (by itself,
 * on timeout or interrupt), by compare-and-set, so a wake-up is never spent on a waiter that has already
 * given up: the signaller moves on to the next one. The queue is guarded by its own monitor rather than by
 * the user's lock, since a lock without owners cannot prove that the caller is the one holding it.
 * A waiter enqueues itself before it releases the lock, so a signal sent once the lock is free finds it;
 * a signaller removes the waiters it wakes, a cancelled waiter removes itself.
 */
public final class ThreadCondition extends AbstractCondition<ThreadCondition.Waiter> {
    private static final int WAITING = 0;
    private static final int SIGNALLED = 1;
    private static final int CANCELLED = 2;

    /** One waiting thread and its one-shot wake-up; {@code state} moves as the class comment says. */
    static final class Waiter {
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Thread thread = Thread.currentThread();
        volatile int state; // WAITING, SIGNALLED or CANCELLED

        boolean signal() {
            if (STATE.compareAndSet(this, WAITING, SIGNALLED)) {
                LockSupport.unpark(thread);
                return true;
            }
            return false;
        }

        boolean cancel() {
            return STATE.compareAndSet(this, WAITING, CANCELLED);
        }
    }

    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>(); // guarded by itself

    /** @param lock the lock the condition waits on; a {@link OwnershipLock} is waited on exactly */
    public ThreadCondition(Lock lock) {
        super(Objects.requireNonNull(lock, "lock"), lock instanceof OwnershipLock o ? o : new ForeignLock(lock));
    }

    @Override
    protected Waiter enqueue() {
        Waiter w = new Waiter();
        synchronized (waiters) {
            waiters.addLast(w);
        }
        return w;
    }

    @Override
    protected void dequeue(Waiter w) {
        synchronized (waiters) {
            waiters.remove(w);
        }
    }

    /** Parks until signalled or cancelled (by timeout or interrupt); a cancelled waiter removes itself. */
    @Override
    protected Woken waitFor(Waiter w, long deadline) {
        while (true) {
            if (w.state == SIGNALLED) {
                return Woken.SIGNALLED;
            }
            if (Thread.interrupted()) {
                if (w.cancel()) {
                    dequeue(w);
                    return Woken.INTERRUPTED;
                }
                Thread.currentThread().interrupt(); // signalled meanwhile: keep the flag, take the signal
                return Woken.SIGNALLED;
            }
            if (deadline == Timeouts.FOREVER) {
                LockSupport.park(this);
            } else {
                long left = Timeouts.remaining(deadline);
                if (left <= 0) {
                    if (w.cancel()) {
                        dequeue(w);
                        return Woken.TIMED_OUT;
                    }
                    return Woken.SIGNALLED;
                }
                LockSupport.parkNanos(this, left);
            }
        }
    }

    /** Hands wake-ups to the first {@code n} live waiters, removing every waiter it passes. */
    @Override
    protected void wake(int n) {
        synchronized (waiters) {
            while (n > 0) {
                Waiter w = waiters.pollFirst();
                if (w == null) {
                    break;
                }
                if (w.signal()) {
                    n--;
                }
            }
        }
    }

    @Override
    public int waiting() {
        synchronized (waiters) {
            return waiters.size();
        }
    }

    /** CPython's fallback for a lock it knows nothing about: a trial acquisition tests ownership. */
    private record ForeignLock(Lock lock) implements OwnershipLock {
        @Override
        public boolean isOwned() {
            if (lock.acquire(false)) {
                lock.release();
                return false;
            }
            return true;
        }

        @Override
        public long releaseSave() {
            lock.release();
            return 1;
        }

        @Override
        public void acquireRestore(long state) {
            boolean interrupted = false;
            while (true) {
                try {
                    lock.acquire();
                    break;
                } catch (InterruptedError e) {
                    interrupted = true;
                    Thread.interrupted(); // clear it to retry; set again below
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean acquire(Duration timeout) {
            return lock.acquire(timeout);
        }

        @Override
        public void release() {
            lock.release();
        }

        @Override
        public boolean locked() {
            return lock.locked();
        }
    }
}
