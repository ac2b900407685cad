package dev.mp4j.futures;

import dev.mp4j.InterruptedError;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.util.SingleUseIterator;
import dev.mp4j.internal.util.Timeouts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/** Executor-independent pieces of {@link Executor}: the JDK's invoke methods and small adapters. */
final class Tasks {
    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.futures");

    private Tasks() {}

    static <T> SerializableCallable<T> withResult(Runnable task, T result) {
        return () -> {
            task.run();
            return result;
        };
    }

    static void logFailure(Future<?> f) {
        if (!f.cancelled()) {
            Throwable t = f.rawException();
            if (t != null) {
                LOG.log(System.Logger.Level.WARNING, "exception in a task passed to execute()", t);
            }
        }
    }

    /** JDK invokeAll; {@code nanos < 0}: no timeout. Unfinished tasks are cancelled at the deadline. */
    static <T> List<java.util.concurrent.Future<T>> invokeAll(Executor executor,
                                                              Collection<? extends Callable<T>> tasks,
                                                              long nanos) throws InterruptedException {
        List<java.util.concurrent.Future<T>> futures = submitAll(executor, tasks);
        try {
            Futures.wait(futures, nanos < 0 ? null : Duration.ofNanos(nanos), ReturnWhen.ALL_COMPLETED);
        } catch (InterruptedError e) {
            cancelAll(futures);
            Thread.interrupted();
            throw new InterruptedException("interrupted in invokeAll");
        }
        cancelAll(futures);
        return futures;
    }

    /** JDK invokeAny; {@code nanos < 0}: no timeout. */
    static <T> T invokeAny(Executor executor, Collection<? extends Callable<T>> tasks, long nanos)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("tasks is empty: invokeAny needs at least one task");
        }
        List<java.util.concurrent.Future<T>> futures = submitAll(executor, tasks);
        Throwable last = null;
        try {
            ResultIterator<java.util.concurrent.Future<T>> it =
                    Futures.asCompleted(futures, nanos < 0 ? null : Duration.ofNanos(nanos));
            while (it.hasNext()) {
                java.util.concurrent.Future<T> f = it.next();
                if (f.isCancelled()) {
                    continue;
                }
                try {
                    return f.get();
                } catch (ExecutionException e) {
                    last = e.getCause();
                }
            }
        } catch (TimeoutError e) {
            throw new java.util.concurrent.TimeoutException("no task completed in time: " + e.getMessage());
        } catch (InterruptedError e) {
            Thread.interrupted();
            throw new InterruptedException("interrupted in invokeAny");
        } finally {
            cancelAll(futures);
        }
        throw new ExecutionException("no task completed successfully", last);
    }

    private static <T> List<java.util.concurrent.Future<T>> submitAll(Executor executor,
                                                                      Collection<? extends Callable<T>> tasks) {
        List<java.util.concurrent.Future<T>> futures = new ArrayList<>(tasks.size());
        try {
            for (Callable<T> task : tasks) {
                futures.add(executor.submit(task));
            }
        } catch (RuntimeException | Error e) {
            cancelAll(futures);
            throw e;
        }
        return futures;
    }

    private static void cancelAll(List<? extends java.util.concurrent.Future<?>> futures) {
        for (java.util.concurrent.Future<?> f : futures) {
            if (!f.isDone()) {
                f.cancel(true);
            }
        }
    }

    /**
     * Python's map result iterator: results in order, the deadline counted from the call to map. Closing it
     * cancels the calls not yet started.
     */
    static final class MapResults<R> extends SingleUseIterator<R> {
        private final List<? extends Future<? extends R>> futures;
        private final long deadline;
        private int next;
        private boolean ended;

        MapResults(List<? extends Future<? extends R>> futures, Duration timeout, long startNanos) {
            this.futures = futures;
            long nanos = Timeouts.toNanos(timeout);
            long d = nanos == Timeouts.FOREVER ? Timeouts.FOREVER : startNanos + nanos;
            this.deadline = nanos != Timeouts.FOREVER && d - startNanos < 0 ? Timeouts.FOREVER : d;
        }

        @Override
        protected boolean more() {
            return !ended && next < futures.size();
        }

        @Override
        public OptionalInt total() {
            return OptionalInt.of(futures.size());
        }

        @Override
        protected R take(Duration timeout) {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            long left = Math.min(Timeouts.remaining(deadline), Timeouts.toNanos(timeout));
            Future<? extends R> f = futures.get(next);
            try {
                R r = f.result(Timeouts.toDuration(left));
                next++;
                if (next == futures.size()) {
                    ended = true;
                }
                delivered();
                return r;
            } catch (TimeoutError e) {
                if (Timeouts.remaining(deadline) > 0) {
                    throw e; // only this call's own timeout ran out: the iteration goes on
                }
                end();
                throw e;
            } catch (RuntimeException | Error e) {
                if (f.done() && !f.cancelled()) {
                    delivered();
                }
                end();
                throw e;
            }
        }

        @Override
        protected void cancelRest() {
            end();
        }

        private void end() {
            ended = true;
            for (int i = next; i < futures.size(); i++) {
                futures.get(i).cancel();
            }
        }
    }
}
