package dev.mp4j.hazelcast;

import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.futures.Future;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.futures.WorkerDeath;
import dev.mp4j.internal.spi.PoolStrategy;
import dev.mp4j.internal.spi.SettableResult;
import dev.mp4j.multiprocessing.AsyncResult;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The strategy of a {@code cluster.context().pool(n)}: every call runs on the cluster through a
 * {@link ClusterExecutor} of its own name (under {@link WorkerDeath#REPLACE}: a lost member fails its own calls
 * with {@code WorkerLostError}). {@code n} is what the default chunk size is counted from, as for a local pool
 * (ceil(items / (4 × n))); the members' executor threads decide how many calls run at once. Sent to a member inside
 * a task, the pool is one over the same cluster executor.
 */
final class ClusterPool implements PoolStrategy, Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String cluster;
    private final String executor;
    private final int processes;
    private transient ClusterExecutor ex;

    ClusterPool(Cluster cluster, String executor, int processes) {
        if (processes < 1) {
            throw new IllegalArgumentException("processes must be at least 1, not " + processes);
        }
        this.cluster = cluster.name();
        this.executor = executor;
        this.processes = processes;
        this.ex = build(cluster);
    }

    private ClusterExecutor build(Cluster c) {
        return ClusterExecutor.builder(c, executor).workerDeath(WorkerDeath.REPLACE).build();
    }

    private synchronized ClusterExecutor ex() {
        if (ex == null) {
            ex = build(Cluster.attached(MemberKeys.named(cluster)));
        }
        return ex;
    }

    /** A result made ready when its futures are, after its callback. */
    private static final class Result<R> extends SettableResult<R> {
        void finish(R value, Throwable error, Consumer<? super R> callback, Consumer<? super Throwable> errorCallback) {
            try {
                if (error == null && callback != null) {
                    callback.accept(value);
                } else if (error != null && errorCallback != null) {
                    errorCallback.accept(error);
                }
            } finally {
                ready(value, error);
            }
        }
    }

    @Override
    public <R> AsyncResult<R> applyAsync(SerializableCallable<R> fn, Duration timeout, Consumer<? super R> callback,
                                         Consumer<? super Throwable> errorCallback) {
        ClusterExecutor e = timeout == null ? ex()
                : ClusterExecutor.builder(Cluster.attached(MemberKeys.named(cluster)), executor)
                        .workerDeath(WorkerDeath.REPLACE).timeLimit(timeout).build();
        Result<R> r = new Result<>();
        Future<R> f = e.submit(fn);
        f.addDoneCallback(x -> {
            Throwable err = x.cancelled() ? new dev.mp4j.futures.CancelledError() : x.exception();
            r.finish(err == null ? x.result() : null, err, callback, errorCallback);
            if (e != ex) {
                e.shutdown(false);
            }
        });
        return r;
    }

    @Override
    public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> fn, List<T> items,
                                                int chunksize, Consumer<? super List<R>> callback,
                                                Consumer<? super Throwable> errorCallback) {
        int size = chunksize > 0 ? chunksize : Math.max(1, (items.size() + 4 * processes - 1) / (4 * processes));
        List<Future<MapChunk.Values>> chunks = ex().submitChunks(fn, items, size).futures();
        Result<List<R>> r = new Result<>();
        if (chunks.isEmpty()) {
            r.finish(new ArrayList<>(), null, callback, errorCallback);
            return r;
        }
        AtomicInteger left = new AtomicInteger(chunks.size());
        for (Future<MapChunk.Values> c : chunks) {
            c.addDoneCallback(x -> {
                if (left.decrementAndGet() == 0) {
                    collect(chunks, r, callback, errorCallback);
                }
            });
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    private static <R> void collect(List<Future<MapChunk.Values>> chunks, Result<List<R>> r,
                                    Consumer<? super List<R>> callback, Consumer<? super Throwable> errorCallback) {
        List<R> out = new ArrayList<>();
        for (Future<MapChunk.Values> c : chunks) {
            Throwable err = c.cancelled() ? new dev.mp4j.futures.CancelledError() : c.exception();
            if (err == null) {
                err = c.result().error();
            }
            if (err != null) {
                r.finish(null, err, callback, errorCallback);
                return;
            }
            c.result().values().forEach(v -> out.add((R) v));
        }
        r.finish(out, null, callback, errorCallback);
    }


    /** {@inheritDoc} On a cluster, {@code imapUnordered} gives the results in order too (one order it may give). */
    @Override
    public <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                         int chunksize, boolean ordered) {
        return ex().map(fn, items, null, chunksize);
    }

    @Override
    public void close() {
        ex().shutdown(true, false);
    }

    @Override
    public void terminate() {
        ex().shutdown(false, true);
    }

    @Override
    public void join() {
        try {
            ex().awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw dev.mp4j.InterruptedError.restore(e);
        }
    }

    /** @return none: the members' processes are not this JVM's to see */
    @Override
    public List<ProcessHandle> processes() {
        return List.of();
    }

    @Override
    public int size() {
        return processes;
    }

    @Override
    public String toString() {
        return "<Pool on cluster " + cluster + " executor=" + executor + " processes=" + processes + ">";
    }
}
