package dev.mp4j.multiprocessing.managers;

import dev.mp4j.function.SerializableBiFunction;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.internal.spi.PoolStrategy;
import dev.mp4j.internal.spi.Pools;
import dev.mp4j.internal.spi.SettableResult;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Pool;

import java.io.Serial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The strategy of a {@link Pool} living in a manager's server (Python's {@code manager.Pool()}): every
 * method is a call of the server's pool, whose workers are children of the server process. Functions and
 * items are serialized to the server; results come back as copies. {@code applyAsync}, {@code mapAsync} and
 * {@code starmapAsync} return proxies of results kept in the server, and {@code imap}/{@code imapUnordered} a
 * proxy of the server's iterator; {@code apply}, {@code map} and {@code starmap} are one call each. Callbacks
 * run in this JVM, each on a thread of its own that waits for its result; the result becomes ready after its
 * callback has run, as with a local pool. {@link #processes()} lists the workers this machine can see (all of
 * them when the server runs here). {@link #close()} closes the server's pool and waits for its workers; the
 * referent leaves the server when this proxy is unreachable. Its text is the server pool's, as a local pool's.
 *
 * <p>{@link SyncManager#pool(int)} returns it inside a {@link Pool} ({@link Pools#forwardingTo}), which may be
 * passed to other processes.
 */
final class PoolProxy extends ForwardingProxy implements PoolStrategy {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String[] APPLY = BaseProxy.sig(SerializableCallable.class);
    private static final String[] APPLY_ASYNC = BaseProxy.sig(SerializableCallable.class, Duration.class);
    private static final String[] MAP = BaseProxy.sig(SerializableFunction.class, List.class, int.class);
    private static final String[] STARMAP = BaseProxy.sig(SerializableBiFunction.class, List.class, int.class);
    private static final String[] IMAP = BaseProxy.sig(SerializableFunction.class, List.class, int.class,
            boolean.class);
    private static final String[] NONE = BaseProxy.NO_PARAMS;

    PoolProxy(BaseProxy proxy) {
        super(proxy);
    }

    /** @return the server pool's own text, as a local pool's */
    @Override
    public String toString() {
        return proxy.referentToString();
    }

    @Override
    public <R> R apply(SerializableCallable<R> fn) {
        return proxy.callAs("apply", APPLY, fn);
    }

    @Override
    public <R> AsyncResult<R> applyAsync(SerializableCallable<R> fn, Duration timeout, Consumer<? super R> callback,
                                         Consumer<? super Throwable> errorCallback) {
        return withCallbacks(proxy.callAs("applyAsync", APPLY_ASYNC, fn, timeout), callback,
                errorCallback);
    }

    @Override
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, List<T> items, int chunksize) {
        return proxy.callAs("map", MAP, fn, items, chunksize);
    }

    @Override
    public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> fn, List<T> items,
                                                int chunksize, Consumer<? super List<R>> callback,
                                                Consumer<? super Throwable> errorCallback) {
        return withCallbacks(proxy.callAs("mapAsync", MAP, fn, items, chunksize), callback,
                errorCallback);
    }

    @Override
    public <A, B, R> List<R> starmap(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                     List<Map.Entry<A, B>> pairs, int chunksize) {
        return proxy.callAs("starmap", STARMAP, fn, pairs, chunksize);
    }

    @Override
    public <A, B, R> AsyncResult<List<R>> starmapAsync(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                                       List<Map.Entry<A, B>> pairs, int chunksize,
                                                       Consumer<? super List<R>> callback,
                                                       Consumer<? super Throwable> errorCallback) {
        return withCallbacks(proxy.callAs("starmapAsync", STARMAP, fn, pairs, chunksize),
                callback, errorCallback);
    }

    @Override
    public <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                         int chunksize, boolean ordered) {
        List<Object> copy = new ArrayList<>();
        items.forEach(copy::add);
        return new RemoteIterator<>(BaseProxy.of(proxy.call("imap", IMAP, fn, copy, chunksize, ordered)));
    }

    @Override
    public void close() {
        proxy.call("close", NONE);
    }

    @Override
    public void terminate() {
        proxy.call("terminate", NONE);
    }

    @Override
    public void join() {
        proxy.call("join", NONE);
    }

    @Override
    public List<ProcessHandle> processes() {
        List<ProcessHandle> out = new ArrayList<>();
        for (long pid : (long[]) proxy.call("pids", NONE)) {
            ProcessHandle.of(pid).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public int size() {
        return proxy.callAs("size", NONE);
    }

    // ---------------------------------------------------------------- helpers

    private static <R> AsyncResult<R> withCallbacks(AsyncResult<R> remote, Consumer<? super R> callback,
                                                    Consumer<? super Throwable> errorCallback) {
        return callback == null && errorCallback == null ? remote
                : new CallbackResult<>(remote, callback, errorCallback);
    }

    /**
     * A result of the server's pool with callbacks run here: a daemon thread waits for the result, runs the
     * callback, then makes the result ready. {@code get} gives what the server's result gave.
     */
    private static final class CallbackResult<R> extends SettableResult<R> implements Runnable {
        private final AsyncResult<R> remote;
        private final Consumer<? super R> callback;
        private final Consumer<? super Throwable> errorCallback;

        CallbackResult(AsyncResult<R> remote, Consumer<? super R> callback, Consumer<? super Throwable> errorCallback) {
            this.remote = remote;
            this.callback = callback;
            this.errorCallback = errorCallback;
            Thread.ofPlatform().daemon().name("mp4j-manager-pool-callback").start(this);
        }

        @Override
        public void run() {
            R value = null;
            RuntimeException error = null;
            try {
                try {
                    value = remote.get();
                } catch (RuntimeException e) {
                    error = e;
                    if (errorCallback != null) {
                        errorCallback.accept(e instanceof CompletionException c && c.getCause() != null
                                ? c.getCause() : e);
                    }
                    return;
                }
                if (callback != null) {
                    callback.accept(value);
                }
            } catch (RuntimeException | Error e) {
                System.getLogger("dev.mp4j.multiprocessing.managers").log(System.Logger.Level.WARNING,
                        "a callback of a manager's pool result failed", e);
            } finally {
                ready(value, error);
            }
        }
    }

    /**
     * An iterator of the server's pool's results. {@link #done()} counts what this side received;
     * {@link #total()} is not known here; {@link #close()} closes the server's iterator.
     */
    private static final class RemoteIterator<R> implements ResultIterator<R> {
        private static final String[] TIMEOUT = BaseProxy.sig(Duration.class);
        private final BaseProxy it;
        private volatile int done;
        private volatile boolean closed;

        RemoteIterator(BaseProxy it) {
            this.it = it;
        }

        @Override
        public boolean hasNext() {
            return !closed && it.<Boolean>callAs("hasNext", NONE);
        }

        @Override
        public R next() {
            checkOpen();
            R r = it.callAs("next", NONE);
            done = done + 1;
            return r;
        }

        @Override
        public R next(Duration timeout) {
            checkOpen();
            R r = it.callAs("next", TIMEOUT, timeout);
            done = done + 1;
            return r;
        }

        private void checkOpen() {
            if (closed) {
                throw new IllegalStateException("the ResultIterator is closed");
            }
        }

        @Override
        public List<R> toList() {
            checkOpen();
            List<R> out = it.callAs("toList", NONE);
            done = done + out.size();
            return out;
        }

        @Override
        public Stream<R> stream() {
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED), false);
        }

        @Override
        public Iterator<R> iterator() {
            return this;
        }

        @Override
        public int done() {
            return done;
        }

        @Override
        public OptionalInt total() {
            return OptionalInt.empty();
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                it.callAs("close", NONE);
            }
        }
    }
}
