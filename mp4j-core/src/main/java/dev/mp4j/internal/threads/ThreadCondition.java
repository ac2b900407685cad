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
public final class ThreadCondition implements Condition, OwnershipLock {
    private static final int WAITING = 0;
    private static final int SIGNALLED = 1;
    private static final int CANCELLED = 2;

    /** One waiting thread and its one-shot wake-up; {@code state} moves as the class comment says. */
    private static final class Waiter {
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

    private final Lock lock;
    private final OwnershipLock owner;
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>(); // guarded by itself

    /** @param lock the lock the condition waits on; a {@link OwnershipLock} is waited on exactly */
    public ThreadCondition(Lock lock) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.owner = lock instanceof OwnershipLock o ? o : new ForeignLock(lock);
    }

    /** @return the underlying lock */
    public Lock lock() {
        return lock;
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

    @Override
    public boolean isOwned() {
        return owner.isOwned();
    }

    @Override
    public long releaseSave() {
        return owner.releaseSave();
    }

    @Override
    public void acquireRestore(long state) {
        owner.acquireRestore(state);
    }

    @Override
    public boolean await(Duration timeout) {
        return awaitNanos(Timeouts.toNanos(timeout));
    }

    @Override
    public void signal(int n) {
        checkOwned("cannot notify on un-acquired lock");
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

    private void checkOwned(String message) {
        if (!owner.isOwned()) {
            throw new IllegalMonitorStateException(message);
        }
    }

    /**
     * The wait itself: enqueue, release the lock fully, park until signalled or cancelled (by timeout or
     * interrupt), dequeue if cancelled, and re-acquire the lock as it was.
     *
     * @param nanos the longest wait, {@link Timeouts#FOREVER} for none
     * @return whether a signal ended the wait
     */
    private boolean awaitNanos(long nanos) {
        checkOwned("cannot wait on un-acquired lock");
        if (Thread.interrupted()) {
            throw InterruptedError.restore(null);
        }
        long deadline = Timeouts.deadline(nanos);
        Waiter w = new Waiter();
        synchronized (waiters) {
            waiters.addLast(w);
        }
        long saved;
        try {
            saved = owner.releaseSave();
        } catch (RuntimeException | Error e) {
            synchronized (waiters) {
                waiters.remove(w);
            }
            throw e;
        }
        boolean interrupted = false;
        boolean signalled;
        try {
            while (true) {
                if (w.state == SIGNALLED) {
                    signalled = true;
                    break;
                }
                if (Thread.interrupted()) {
                    if (w.cancel()) {
                        interrupted = true;
                        signalled = false;
                        break;
                    }
                    Thread.currentThread().interrupt(); // signalled meanwhile: keep the flag, take the signal
                    signalled = true;
                    break;
                }
                if (deadline == Timeouts.FOREVER) {
                    LockSupport.park(this);
                } else {
                    long left = Timeouts.remaining(deadline);
                    if (left <= 0) {
                        signalled = !w.cancel();
                        break;
                    }
                    LockSupport.parkNanos(this, left);
                }
            }
            if (!signalled) {
                synchronized (waiters) {
                    waiters.remove(w); // cancelled: no signaller took it off the queue
                }
            }
        } finally {
            owner.acquireRestore(saved);
        }
        if (interrupted) {
            throw InterruptedError.restore(null);
        }
        return signalled;
    }

    /** @return how many threads wait (a snapshot) */
    public int waiting() {
        synchronized (waiters) {
            return waiters.size();
        }
    }

    @Override
    public String toString() {
        return "<Condition(" + lock + ", " + waiting() + ")>";
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
