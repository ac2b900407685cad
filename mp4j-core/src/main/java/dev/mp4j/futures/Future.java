package dev.mp4j.futures;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Exceptions;
import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.util.Timeouts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The result of an asynchronous computation: Python's {@code concurrent.futures.Future}, and also a JDK
 * {@link java.util.concurrent.Future}.
 *
 * <p>States and legal transitions (guarded by {@code lock}; {@code state} is also volatile so the query
 * methods need no lock):
 * <pre>
 *   PENDING --setRunningOrNotifyCancel--> RUNNING --setResult/setException--> FINISHED
 *   PENDING --setResult/setException----> FINISHED
 *   PENDING --cancel--> CANCELLED --setRunningOrNotifyCancel--> CANCELLED_AND_NOTIFIED
 *   RUNNING --cancel(true), where the executor can stop the task--> CANCELLED_AND_NOTIFIED
 * </pre>
 * An executor calls {@link #setRunningOrNotifyCancel()} just before it runs the task: that is when waiters
 * ({@link Futures#wait}, {@link Futures#asCompleted}) learn of a cancellation, exactly as in CPython; done
 * callbacks and {@link #result()} see a cancellation at once.
 *
 * <p>Memory effects: everything the completing thread did before {@code setResult}/{@code setException}
 * happens-before a successful return from {@code result}, {@code exception}, {@code get} and before the
 * done callbacks run.
 *
 * @param <V> the result type
 * @since 0.1
 */
public class Future<V> implements java.util.concurrent.Future<V> {
    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.futures");

    enum Status { PENDING, RUNNING, CANCELLED, CANCELLED_AND_NOTIFIED, FINISHED }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private volatile Status state = Status.PENDING;
    private V result;                                  // guarded by lock; published by the state write
    private Throwable exception;                       // guarded by lock
    private List<Consumer<? super Future<V>>> callbacks; // guarded by lock; null once invoked
    private List<Futures.Waiter> waiters;              // guarded by lock
    private CompletableFuture<V> completable;          // guarded by lock; made on first request

    /** A new future in the PENDING state; for executor implementations and tests. */
    public Future() {}

    // ---------------------------------------------------------------- Python's API

    /**
     * Attempts to cancel the call (Python's {@code cancel()}).
     *
     * @return false if the call is running or finished; true if it is (now) cancelled
     */
    public boolean cancel() {
        List<Consumer<? super Future<V>>> toCall;
        lock.lock();
        try {
            Status s = state;
            if (s == Status.RUNNING || s == Status.FINISHED) {
                return false;
            }
            if (s == Status.CANCELLED || s == Status.CANCELLED_AND_NOTIFIED) {
                return true;
            }
            state = Status.CANCELLED;
            changed.signalAll();
            toCall = takeCallbacks();
        } finally {
            lock.unlock();
        }
        invokeCallbacks(toCall);
        return true;
    }

    /** @return true if the call was cancelled */
    public boolean cancelled() {
        Status s = state;
        return s == Status.CANCELLED || s == Status.CANCELLED_AND_NOTIFIED;
    }

    /** @return true if the call is running and cannot be cancelled */
    public boolean running() {
        return state == Status.RUNNING;
    }

    /** @return true if the call finished or was cancelled */
    public boolean done() {
        Status s = state;
        return s == Status.CANCELLED || s == Status.CANCELLED_AND_NOTIFIED || s == Status.FINISHED;
    }

    /**
     * Waits for the call and returns its result.
     *
     * @return the call's result
     * @throws CancelledError if the future was cancelled
     * @throws CompletionException wrapping the call's exception when it is a checked one; an unchecked one
     *     is thrown as it is
     * @throws InterruptedError if the waiting thread is interrupted
     */
    public V result() {
        return result(null);
    }

    /**
     * Waits at most {@code timeout} for the call and returns its result.
     *
     * @param timeout the longest wait; null for none; negative counts as zero
     * @return the call's result
     * @throws TimeoutError if the call did not finish in time
     * @throws CancelledError if the future was cancelled
     * @throws CompletionException wrapping a checked exception of the call; an unchecked one is thrown as
     *     it is
     */
    public V result(Duration timeout) {
        awaitDone(Timeouts.toNanos(timeout));
        return report();
    }

    /**
     * Waits for the call and returns the exception it raised.
     *
     * @return the call's exception itself (checked or not), or null if it succeeded
     * @throws CancelledError if the future was cancelled
     */
    public Throwable exception() {
        return exception(null);
    }

    /**
     * Waits at most {@code timeout} for the call and returns the exception it raised.
     *
     * @param timeout the longest wait; null for none; negative counts as zero
     * @return the call's exception itself, or null if it succeeded
     * @throws TimeoutError if the call did not finish in time
     * @throws CancelledError if the future was cancelled
     */
    public Throwable exception(Duration timeout) {
        awaitDone(Timeouts.toNanos(timeout));
        if (cancelled()) {
            throw new CancelledError();
        }
        lock.lock();
        try {
            return exception;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Attaches a callable that is called with this future when it is cancelled or finishes, in the order
     * callbacks were added; at once (in this thread) when the future is already done. A callback that
     * throws is logged ({@code System.Logger} "dev.mp4j.futures") and the others still run.
     *
     * @param fn the callback
     */
    public void addDoneCallback(Consumer<? super Future<V>> fn) {
        Objects.requireNonNull(fn, "fn");
        lock.lock();
        try {
            if (!done()) {
                if (callbacks == null) {
                    callbacks = new ArrayList<>(2);
                }
                callbacks.add(fn);
                return;
            }
        } finally {
            lock.unlock();
        }
        invokeCallback(fn);
    }

    /**
     * Called by an executor before it runs the call: moves PENDING to RUNNING, or, for a cancelled future,
     * notifies the waiters of the cancellation.
     *
     * @return true if the call should run; false if the future was cancelled
     * @throws IllegalStateException if the future is already running or finished
     */
    public boolean setRunningOrNotifyCancel() {
        lock.lock();
        try {
            Status s = state;
            if (s == Status.CANCELLED) {
                state = Status.CANCELLED_AND_NOTIFIED;
                notifyWaiters(Outcome.CANCELLED);
                return false;
            }
            if (s == Status.PENDING) {
                state = Status.RUNNING;
                return true;
            }
            throw new IllegalStateException("Future in unexpected state: " + this);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sets the call's result (for executors and tests).
     *
     * @param result the result
     * @throws InvalidStateError if the future is already done
     */
    public void setResult(V result) {
        if (!complete(result, null)) {
            throw new InvalidStateError(stateName() + ": " + this);
        }
    }

    /**
     * Sets the call's exception (for executors and tests).
     *
     * @param exception the exception the call raised
     * @throws InvalidStateError if the future is already done
     */
    public void setException(Throwable exception) {
        Objects.requireNonNull(exception, "exception");
        if (!complete(null, exception)) {
            throw new InvalidStateError(stateName() + ": " + this);
        }
    }

    /**
     * A {@link CompletableFuture} that completes with this future: with its result, its exception, or
     * cancelled. Cancelling the returned stage cancels this future as {@link #cancel(boolean) cancel(true)}
     * does: a task not yet started never runs, and a running one is stopped where its executor can stop it
     * (a thread pool interrupts its thread; a process pool kills its worker, which is replaced).
     *
     * @return the same stage on every call
     */
    public CompletableFuture<V> toCompletableFuture() {
        CompletableFuture<V> cf;
        lock.lock();
        try {
            if (completable != null) {
                return completable;
            }
            cf = new CompletableFuture<>();
            completable = cf;
        } finally {
            lock.unlock();
        }
        addDoneCallback(f -> {
            if (f.cancelled()) {
                cf.cancel(false);
                return;
            }
            Throwable t = f.rawException();
            if (t != null) {
                cf.completeExceptionally(t);
            } else {
                cf.complete(f.rawResult());
            }
        });
        cf.whenComplete((v, t) -> {
            if (cf.isCancelled()) {
                cancel(true);
            }
        });
        return cf;
    }

    @Override
    public String toString() {
        String where = "<Future at 0x" + Integer.toHexString(System.identityHashCode(this)) + " state=";
        lock.lock();
        try {
            return switch (state) {
                case PENDING -> where + "pending>";
                case RUNNING -> where + "running>";
                case CANCELLED, CANCELLED_AND_NOTIFIED -> where + "cancelled>";
                case FINISHED -> exception != null
                        ? where + "finished raised " + exception.getClass().getSimpleName() + ">"
                        : where + "finished returned " + (result == null ? "null" : result.getClass().getSimpleName()) + ">";
            };
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- java.util.concurrent.Future

    /**
     * The JDK's cancel. With {@code mayInterruptIfRunning} false it is Python's {@link #cancel()}. With
     * true, a running call is also stopped when its executor can stop it (a thread pool interrupts the
     * worker thread; a process pool kills the worker process), and the future becomes cancelled.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (!mayInterruptIfRunning) {
            return cancel();
        }
        List<Consumer<? super Future<V>>> toCall;
        lock.lock();
        try {
            if (state != Status.RUNNING) {
                toCall = null;
            } else if (!canStopRunning()) {
                return false;
            } else {
                state = Status.CANCELLED_AND_NOTIFIED;
                changed.signalAll();
                notifyWaiters(Outcome.CANCELLED);
                toCall = takeCallbacks();
                if (toCall == null) {
                    toCall = List.of();
                }
            }
        } finally {
            lock.unlock();
        }
        if (toCall == null) {
            return cancel(); // not running: Python's cancel decides
        }
        stopRunning();
        invokeCallbacks(toCall);
        return true;
    }

    @Override
    public boolean isCancelled() {
        return cancelled();
    }

    @Override
    public boolean isDone() {
        return done();
    }

    @Override
    public V get() throws InterruptedException, ExecutionException {
        lock.lockInterruptibly();
        try {
            while (!done()) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
        return reportForGet();
    }

    @Override
    public V get(long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (!done()) {
                if (nanos <= 0) {
                    throw new java.util.concurrent.TimeoutException("Future not done after " + timeout + " " + unit);
                }
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
        return reportForGet();
    }

    @Override
    public State state() {
        return switch (state) {
            case PENDING, RUNNING -> State.RUNNING;
            case CANCELLED, CANCELLED_AND_NOTIFIED -> State.CANCELLED;
            case FINISHED -> rawException() == null ? State.SUCCESS : State.FAILED;
        };
    }

    @Override
    public V resultNow() {
        if (state != Status.FINISHED || rawException() != null) {
            throw new IllegalStateException("Future has no result: " + this);
        }
        return rawResult();
    }

    @Override
    public Throwable exceptionNow() {
        if (state != Status.FINISHED || rawException() == null) {
            throw new IllegalStateException("Future has no exception: " + this);
        }
        return rawException();
    }

    // ---------------------------------------------------------------- for executors in this package

    /** @return whether {@link #stopRunning()} can stop the running call; called with the lock held */
    boolean canStopRunning() {
        return false;
    }

    /** Stops the running call after {@code cancel(true)} moved the future to cancelled; no lock held. */
    void stopRunning() {}

    /**
     * Completes the future unless it is already done.
     *
     * @return false if it was already done (nothing changed)
     */
    boolean complete(V value, Throwable failure) {
        List<Consumer<? super Future<V>>> toCall;
        lock.lock();
        try {
            Status s = state;
            if (s == Status.CANCELLED || s == Status.CANCELLED_AND_NOTIFIED || s == Status.FINISHED) {
                return false;
            }
            result = value;
            exception = failure;
            state = Status.FINISHED;
            changed.signalAll();
            notifyWaiters(failure == null ? Outcome.RESULT : Outcome.EXCEPTION);
            toCall = takeCallbacks();
        } finally {
            lock.unlock();
        }
        invokeCallbacks(toCall);
        return true;
    }

    Status status() {
        return state;
    }

    /** The exception without waiting or unwrapping; null when none (or not finished). */
    Throwable rawException() {
        lock.lock();
        try {
            return exception;
        } finally {
            lock.unlock();
        }
    }

    V rawResult() {
        lock.lock();
        try {
            return result;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers a waiter, or reports this future's outcome to it at once when the future is already done
     * for waiting purposes (FINISHED or CANCELLED_AND_NOTIFIED). Atomic with respect to state changes.
     *
     * @return true if the waiter was installed (and must be removed later)
     */
    boolean installWaiter(Futures.Waiter w) {
        lock.lock();
        try {
            Status s = state;
            if (s == Status.FINISHED) {
                w.add(this, exception == null ? Outcome.RESULT : Outcome.EXCEPTION);
                return false;
            }
            if (s == Status.CANCELLED_AND_NOTIFIED) {
                w.add(this, Outcome.CANCELLED);
                return false;
            }
            if (waiters == null) {
                waiters = new ArrayList<>(2);
            }
            waiters.add(w);
            return true;
        } finally {
            lock.unlock();
        }
    }

    void removeWaiter(Futures.Waiter w) {
        lock.lock();
        try {
            if (waiters != null) {
                waiters.remove(w);
            }
        } finally {
            lock.unlock();
        }
    }

    /** @return true when {@link Futures#wait} and {@link Futures#asCompleted} count this future as done */
    boolean doneForWaiting() {
        Status s = state;
        return s == Status.FINISHED || s == Status.CANCELLED_AND_NOTIFIED;
    }

    enum Outcome { RESULT, EXCEPTION, CANCELLED }

    // ---------------------------------------------------------------- internals

    private void notifyWaiters(Outcome outcome) {
        if (waiters != null) {
            for (Futures.Waiter w : waiters) {
                w.add(this, outcome);
            }
            waiters = null; // a future reaches a waited-for state once: nothing more to tell them
        }
    }

    private List<Consumer<? super Future<V>>> takeCallbacks() {
        List<Consumer<? super Future<V>>> c = callbacks;
        callbacks = null;
        return c;
    }

    private void invokeCallbacks(List<Consumer<? super Future<V>>> toCall) {
        if (toCall != null) {
            for (Consumer<? super Future<V>> fn : toCall) {
                invokeCallback(fn);
            }
        }
    }

    private void invokeCallback(Consumer<? super Future<V>> fn) {
        try {
            fn.accept(this);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "exception calling callback for " + this, t);
        }
    }

    private void awaitDone(long nanos) {
        if (done()) {
            return;
        }
        lock.lock();
        try {
            while (!done()) {
                if (nanos <= 0) {
                    throw new TimeoutError("Future not done in time: " + this);
                }
                nanos = nanos == Timeouts.FOREVER ? awaitForever() : changed.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        } finally {
            lock.unlock();
        }
    }

    private long awaitForever() throws InterruptedException {
        changed.await();
        return Timeouts.FOREVER;
    }

    private V report() {
        if (cancelled()) {
            throw new CancelledError();
        }
        lock.lock();
        try {
            if (exception != null) {
                throw Exceptions.rethrow(exception);
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    private V reportForGet() throws ExecutionException {
        if (cancelled()) {
            throw new CancelledError();
        }
        lock.lock();
        try {
            if (exception != null) {
                throw new ExecutionException(exception);
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    private String stateName() {
        return state.name();
    }
}
