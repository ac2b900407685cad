package dev.mp4j.faults;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mp4j.function.SerializableCallable;
import dev.mp4j.futures.Future;
import dev.mp4j.futures.ProcessPoolExecutor;
import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/** The three pools under test behind one face: ProcessPoolExecutor with each WorkerDeath policy, and Pool. */
enum Pools {
    /** ProcessPoolExecutor, WorkerDeath.BREAK (Python's behaviour, the default). */
    EXECUTOR_BREAK,
    /** ProcessPoolExecutor, WorkerDeath.REPLACE. */
    EXECUTOR_REPLACE,
    /** multiprocessing Pool (replaces a dead worker). */
    POOL;

    /** Whether a dead worker breaks the whole pool (else only its task fails, with WorkerLostError). */
    boolean breaks() {
        return this == EXECUTOR_BREAK;
    }

    /**
     * A pool of {@code workers} spawned worker JVMs that compile with C1 only (they boot faster on a small
     * machine) and keep their temporary files in {@code workerTmp}.
     */
    Target make(int workers, Path workerTmp) {
        Context ctx = Multiprocessing.getContext("spawn")
                .withJvmOptions(List.of("-XX:TieredStopAtLevel=1", "-Djava.io.tmpdir=" + workerTmp));
        return switch (this) {
            case EXECUTOR_BREAK, EXECUTOR_REPLACE -> new ExecutorTarget(ProcessPoolExecutor.builder().maxWorkers(workers)
                    .context(ctx).workerDeath(this == EXECUTOR_BREAK ? WorkerDeath.BREAK : WorkerDeath.REPLACE).build());
            case POOL -> new PoolTarget(Pool.builder().processes(workers).context(ctx).build());
        };
    }

    /** A pool. */
    interface Target extends AutoCloseable {
        /** Submits; a submit refused at once (a broken pool) gives an outcome holding that exception. */
        <R> Outcome<R> submit(SerializableCallable<R> fn);

        /** The live workers. */
        List<ProcessHandle> processes();

        /** Stops the pool now and waits until its workers are gone. */
        @Override
        void close();
    }

    /** A task's outcome. */
    interface Outcome<R> {
        /**
         * Waits for the outcome; returns its exception, or null when the task returned a value.
         *
         * @throws AssertionError if it is not there within {@code timeout}
         */
        Throwable error(Duration timeout);

        /** The value (after {@link #error} said there was one). */
        R value();

        /** Whether the outcome is there. */
        boolean done();

        /** The same outcome, its value mapped by {@code fn}. */
        default <S> Outcome<S> map(java.util.function.Function<R, S> fn) {
            Outcome<R> self = this;
            return new Outcome<>() {
                @Override
                public Throwable error(Duration timeout) {
                    return self.error(timeout);
                }

                @Override
                public S value() {
                    return fn.apply(self.value());
                }

                @Override
                public boolean done() {
                    return self.done();
                }
            };
        }

        /** Whether the outcome is not there yet. */
        default boolean notDone() {
            return !done();
        }
    }

    /** An outcome known at once. */
    record Failed<R>(Throwable error) implements Outcome<R> {
        @Override
        public Throwable error(Duration timeout) {
            return error;
        }

        @Override
        public R value() {
            throw new AssertionError("failed: " + error, error);
        }

        @Override
        public boolean done() {
            return true;
        }
    }

    private record ExecutorTarget(ProcessPoolExecutor e) implements Target {
        @Override
        public <R> Outcome<R> submit(SerializableCallable<R> fn) {
            Future<R> f;
            try {
                f = e.submit(fn);
            } catch (RuntimeException refused) {
                return new Failed<>(refused);
            }
            return new Outcome<>() {
                @Override
                public Throwable error(Duration timeout) {
                    try {
                        return f.exception(timeout);
                    } catch (dev.mp4j.futures.TimeoutError t) {
                        throw new AssertionError("no outcome within " + timeout + ": " + f, t);
                    }
                }

                @Override
                public R value() {
                    return f.result(Duration.ZERO);
                }

                @Override
                public boolean done() {
                    return f.done();
                }
            };
        }

        @Override
        public List<ProcessHandle> processes() {
            return e.processes();
        }

        @Override
        public void close() {
            e.shutdownNow();
            try {
                assertTrue(e.awaitTermination(30, TimeUnit.SECONDS), "the executor did not terminate: " + e);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    private record PoolTarget(Pool p) implements Target {
        @Override
        public <R> Outcome<R> submit(SerializableCallable<R> fn) {
            AsyncResult<R> r;
            try {
                r = p.applyAsync(fn);
            } catch (RuntimeException refused) {
                return new Failed<>(refused);
            }
            return new Outcome<>() {
                @Override
                public Throwable error(Duration timeout) {
                    if (!r.await(timeout)) {
                        throw new AssertionError("no outcome within " + timeout + ": " + r);
                    }
                    try {
                        r.get();
                        return null;
                    } catch (CompletionException c) {
                        return c.getCause();
                    } catch (RuntimeException x) {
                        return x;
                    }
                }

                @Override
                public R value() {
                    return r.get(Duration.ZERO);
                }

                @Override
                public boolean done() {
                    return r.ready();
                }
            };
        }

        @Override
        public List<ProcessHandle> processes() {
            return p.processes();
        }

        @Override
        public void close() {
            p.terminate();
            p.join();
        }
    }
}
