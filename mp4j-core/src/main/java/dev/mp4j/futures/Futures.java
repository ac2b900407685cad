package dev.mp4j.futures;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.SingleUseIterator;
import dev.mp4j.internal.util.Timeouts;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The module functions of {@code concurrent.futures}: {@link #wait} and {@link #asCompleted}.
 *
 * <p>They accept any {@link java.util.concurrent.Future}. An mp4j {@link Future} counts as done when it
 * finished or its cancellation was notified (as in CPython: a cancelled future that its executor has not yet
 * seen is not done for these functions). A {@link CompletableFuture} counts as done when it completes;
 * any other JDK future, which offers no completion hook, is polled every few milliseconds while waiting.
 *
 * <p>For example:
 * {@snippet :
 * List<Future<Integer>> fs = List.of(executor.submit(() -> slow()), executor.submit(() -> fast()));
 * for (java.util.concurrent.Future<Integer> f : Futures.asCompleted(fs)) {
 *     System.out.println(f.get());                             // fast() first
 * }
 * DoneAndNotDone<Future<Integer>> r = Futures.wait(fs, Duration.ofSeconds(1), ReturnWhen.FIRST_COMPLETED);
 * }
 *
 * @since 0.1
 */
public final class Futures {
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Futures() {}

    /**
     * Waits for all the futures to complete.
     *
     * @param fs the futures (duplicates count once)
     * @param <F> the future type
     * @return the futures that completed and those that did not
     */
    public static <F extends java.util.concurrent.Future<?>> DoneAndNotDone<F> wait(Collection<F> fs) {
        return wait(fs, null, ReturnWhen.ALL_COMPLETED);
    }

    /**
     * Waits until {@code when} is met.
     *
     * @param fs the futures (duplicates count once)
     * @param when when to return
     * @param <F> the future type
     * @return the futures that completed and those that did not
     */
    public static <F extends java.util.concurrent.Future<?>> DoneAndNotDone<F> wait(Collection<F> fs, ReturnWhen when) {
        return wait(fs, null, when);
    }

    /**
     * Waits at most {@code timeout} for all the futures to complete.
     *
     * @param fs the futures (duplicates count once)
     * @param timeout the longest wait; null for none; negative counts as zero
     * @param <F> the future type
     * @return the futures that completed and those that did not
     */
    public static <F extends java.util.concurrent.Future<?>> DoneAndNotDone<F> wait(Collection<F> fs, Duration timeout) {
        return wait(fs, timeout, ReturnWhen.ALL_COMPLETED);
    }

    /**
     * Waits until {@code when} is met or {@code timeout} passes, whichever comes first (Python's
     * {@code concurrent.futures.wait}). Returns at once when the condition already holds.
     *
     * @param fs the futures (duplicates count once)
     * @param timeout the longest wait; null for none; negative counts as zero
     * @param when when to return
     * @param <F> the future type
     * @return the futures that completed and those that did not, as of the return
     * @throws InterruptedError if the waiting thread is interrupted
     */
    public static <F extends java.util.concurrent.Future<?>> DoneAndNotDone<F> wait(
            Collection<F> fs, Duration timeout, ReturnWhen when) {
        Objects.requireNonNull(fs, "fs");
        Objects.requireNonNull(when, "when");
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        Set<F> all = new LinkedHashSet<>(fs);
        Waiter w = new Waiter(when, all.size());
        List<Future<?>> installed = new ArrayList<>();
        List<java.util.concurrent.Future<?>> polled = new ArrayList<>();
        try {
            for (F f : all) {
                register(Objects.requireNonNull(f, "a future in fs is null"), w, installed, polled);
            }
            w.await(deadline, polled);
        } finally {
            for (Future<?> f : installed) {
                f.removeWaiter(w);
            }
        }
        Set<F> done = new LinkedHashSet<>();
        Set<F> notDone = new LinkedHashSet<>();
        for (F f : all) {
            (isDoneForWaiting(f) ? done : notDone).add(f);
        }
        return new DoneAndNotDone<>(done, notDone);
    }

    /**
     * An iterator over the futures that yields each as it completes: those already done first, then in
     * order of completion. Duplicates are yielded once.
     *
     * @param fs the futures
     * @param <F> the future type
     * @return the iterator
     */
    public static <F extends java.util.concurrent.Future<?>> ResultIterator<F> asCompleted(Collection<F> fs) {
        return asCompleted(fs, null);
    }

    /**
     * Like {@link #asCompleted(Collection)}; {@code next()} throws {@link TimeoutError} (whose message says
     * how many futures are unfinished) if {@code timeout}, counted from this call, passes first. The
     * iteration ends after that error.
     *
     * @param fs the futures
     * @param timeout the longest wait, counted from this call; null for none; negative counts as zero
     * @param <F> the future type
     * @return the iterator
     */
    public static <F extends java.util.concurrent.Future<?>> ResultIterator<F> asCompleted(
            Collection<F> fs, Duration timeout) {
        Objects.requireNonNull(fs, "fs");
        return new AsCompleted<>(new LinkedHashSet<>(fs), Timeouts.deadline(Timeouts.toNanos(timeout)));
    }

    // ---------------------------------------------------------------- machinery

    static boolean isDoneForWaiting(java.util.concurrent.Future<?> f) {
        return f instanceof Future<?> m ? m.doneForWaiting() : f.isDone();
    }

    private static Future.Outcome outcomeOf(java.util.concurrent.Future<?> f) {
        return switch (f.state()) {
            case SUCCESS -> Future.Outcome.RESULT;
            case FAILED -> Future.Outcome.EXCEPTION;
            case CANCELLED -> Future.Outcome.CANCELLED;
            case RUNNING -> throw new IllegalStateException("not done: " + f);
        };
    }

    private static void register(java.util.concurrent.Future<?> f, Waiter w, List<Future<?>> installed,
                                 List<java.util.concurrent.Future<?>> polled) {
        if (f instanceof Future<?> m) {
            if (m.installWaiter(w)) {
                installed.add(m);
            }
        } else if (f instanceof CompletableFuture<?> cf) {
            cf.whenComplete((v, t) -> w.add(cf, outcomeOf(cf)));
        } else if (f.isDone()) {
            w.add(f, outcomeOf(f));
        } else {
            polled.add(f);
        }
    }

    /**
     * Collects completions reported by futures (CPython's {@code _Waiter} family in one class).
     * {@code when == null} is the as-completed waiter: satisfied whenever something is in {@code finished}.
     * All fields are guarded by {@code lock}; futures call {@link #add} while holding their own lock, so the
     * lock order is future, then waiter.
     */
    static final class Waiter {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final ReturnWhen when;
        private final int total;
        private int reported;
        private int failures;
        private final ArrayDeque<java.util.concurrent.Future<?>> finished = new ArrayDeque<>();

        Waiter(ReturnWhen when, int total) {
            this.when = when;
            this.total = total;
        }

        void add(java.util.concurrent.Future<?> f, Future.Outcome outcome) {
            lock.lock();
            try {
                reported++;
                if (outcome == Future.Outcome.EXCEPTION) {
                    failures++;
                }
                finished.add(f);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private boolean satisfied() {
            if (reported >= total) {
                return true;
            }
            if (when == null) {
                return !finished.isEmpty();
            }
            return switch (when) {
                case FIRST_COMPLETED -> reported > 0;
                case FIRST_EXCEPTION -> failures > 0;
                case ALL_COMPLETED -> false;
            };
        }

        /** Waits until satisfied or the deadline; polls the futures that have no completion hook. */
        boolean await(long deadline, List<java.util.concurrent.Future<?>> polled) {
            lock.lock();
            try {
                while (true) {
                    for (Iterator<java.util.concurrent.Future<?>> it = polled.iterator(); it.hasNext(); ) {
                        java.util.concurrent.Future<?> f = it.next();
                        if (f.isDone()) {
                            it.remove();
                            add(f, outcomeOf(f));
                        }
                    }
                    if (satisfied()) {
                        return true;
                    }
                    long left = Timeouts.remaining(deadline);
                    if (left <= 0) {
                        return false;
                    }
                    if (!polled.isEmpty()) {
                        left = Math.min(left, POLL_NANOS);
                    }
                    if (left == Timeouts.FOREVER) {
                        changed.await();
                    } else {
                        changed.awaitNanos(left);
                    }
                }
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            } finally {
                lock.unlock();
            }
        }

        /** Moves what has finished since the last call into {@code out}, in completion order. */
        void drainTo(Collection<java.util.concurrent.Future<?>> out) {
            lock.lock();
            try {
                out.addAll(finished);
                finished.clear();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * CPython's {@code as_completed} generator as an iterator. Single consumer: not thread-safe.
     * {@code pending} holds the futures not yet yielded or ready; {@code ready} those to yield next.
     */
    private static final class AsCompleted<F extends java.util.concurrent.Future<?>> extends SingleUseIterator<F> {
        private final int total;
        private final long deadline;
        private final ArrayDeque<F> ready = new ArrayDeque<>();
        private final Set<F> pending = Collections.newSetFromMap(new IdentityHashMap<>());
        private final Waiter waiter;
        private final List<Future<?>> installed = new ArrayList<>();
        private final List<java.util.concurrent.Future<?>> polled = new ArrayList<>();
        private boolean ended;

        AsCompleted(Set<F> fs, long deadline) {
            this.total = fs.size();
            this.deadline = deadline;
            for (F f : fs) {
                Objects.requireNonNull(f, "a future in fs is null");
                if (isDoneForWaiting(f)) {
                    ready.add(f);
                } else {
                    pending.add(f);
                }
            }
            waiter = new Waiter(null, pending.size());
            for (F f : pending) {
                register(f, waiter, installed, polled);
            }
        }

        @Override
        protected boolean more() {
            return !ended && (!ready.isEmpty() || !pending.isEmpty());
        }

        @Override
        public OptionalInt total() {
            return OptionalInt.of(total);
        }

        /** Only the iteration ends: the futures are the caller's, and stay as they are. */
        @Override
        protected void cancelRest() {
            ended = true;
            removeWaiters();
        }

        @Override
        protected F take(Duration timeout) {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            long callDeadline = Math.min(deadline, Timeouts.deadline(Timeouts.toNanos(timeout)));
            while (ready.isEmpty()) {
                boolean got = waiter.await(callDeadline, polled);
                collect();
                if (!got && ready.isEmpty()) {
                    if (Timeouts.remaining(deadline) <= 0) {
                        ended = true;
                        removeWaiters();
                        throw new TimeoutError(pending.size() + " (of " + total + ") futures unfinished");
                    }
                    throw new TimeoutError("no future completed within " + timeout + "; "
                            + pending.size() + " (of " + total + ") futures unfinished");
                }
            }
            F f = ready.poll();
            if (ready.isEmpty() && pending.isEmpty()) {
                removeWaiters();
            }
            delivered();
            return f;
        }

        @SuppressWarnings("unchecked")
        private void collect() {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            waiter.drainTo(done);
            for (java.util.concurrent.Future<?> f : done) {
                if (pending.remove(f)) {
                    ready.add((F) f);
                }
            }
        }

        private void removeWaiters() {
            for (Future<?> f : installed) {
                f.removeWaiter(waiter);
            }
            installed.clear();
        }



    }
}
