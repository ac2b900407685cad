package dev.mp4j.internal.spi;

import dev.mp4j.InterruptedError;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.internal.util.Exceptions;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.multiprocessing.AsyncResult;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An {@link AsyncResult} that a strategy makes ready once, with a value or an exception: the common part of
 * a local pool's results and of a manager's pool results whose callbacks run here. A subclass decides when
 * (after the result's callback has run) and calls {@link #ready(Object, Throwable)}.
 *
 * <p>States: pending --{@code ready(value, error)}--&gt; ready. {@code value} and {@code error} are written
 * before the latch opens, so everything the readying thread did before happens-before {@code get} returns
 * and {@code ready()} answers true.
 *
 * @param <R> the result type
 */
public class SettableResult<R> implements AsyncResult<R> {
    private final CountDownLatch done = new CountDownLatch(1);
    private R value;             // written once, before done opens
    private Throwable error;     // likewise
    private CompletableFuture<R> completable; // guarded by this; made by the first toCompletableFuture

    /**
     * Makes the result ready. Called at most once.
     *
     * @param v the value, when {@code e} is null
     * @param e the exception, or null
     */
    protected final void ready(R v, Throwable e) {
        value = v;
        error = e;
        done.countDown();
        CompletableFuture<R> cf;
        synchronized (this) {
            cf = completable;
        }
        if (cf != null) {
            completeStage(cf);
        }
    }

    /**
     * Cancels the task behind this result, as {@code cancel(true)} would, when the stage of
     * {@link #toCompletableFuture()} is cancelled. Does nothing here: a subclass that can cancel overrides it.
     */
    protected void cancelTask() {}

    @Override
    public final CompletableFuture<R> toCompletableFuture() {
        CompletableFuture<R> cf;
        synchronized (this) {
            if (completable != null) {
                return completable;
            }
            cf = new CompletableFuture<>();
            completable = cf;
        }
        cf.whenComplete((v, t) -> {
            if (cf.isCancelled() && !ready()) {
                cancelTask();
            }
        });
        if (ready()) {
            completeStage(cf);
        }
        return cf;
    }

    private void completeStage(CompletableFuture<R> cf) {
        if (error != null) {
            cf.completeExceptionally(error);
        } else {
            cf.complete(value);
        }
    }

    @Override
    public final R get() {
        return get(null);
    }

    @Override
    public final R get(Duration timeout) {
        if (!await(timeout)) {
            throw new TimeoutError("the result was not ready within " + timeout);
        }
        if (error != null) {
            throw Exceptions.rethrow(error);
        }
        return value;
    }

    @Override
    public final boolean await(Duration timeout) {
        long nanos = Timeouts.toNanos(timeout);
        try {
            if (nanos == Timeouts.FOREVER) {
                done.await();
                return true;
            }
            return done.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        }
    }

    @Override
    public final boolean ready() {
        return done.getCount() == 0;
    }

    @Override
    public final boolean successful() {
        if (!ready()) {
            throw new IllegalStateException("the result is not ready");
        }
        return error == null;
    }

    @Override
    public String toString() {
        return "<AsyncResult " + (!ready() ? "pending" : error == null ? "ready" : "failed " + error) + ">";
    }
}
