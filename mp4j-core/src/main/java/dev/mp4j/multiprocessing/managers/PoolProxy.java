package dev.mp4j.multiprocessing.managers;

import dev.mp4j.InterruptedError;
import dev.mp4j.function.SerializableBiFunction;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.multiprocessing.AsyncResult;
import dev.mp4j.multiprocessing.Pool;

import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A {@link Pool} living in a manager's server (Python's {@code manager.Pool()}): every method is a call of
 * the server's pool, whose workers are children of the server process. Functions and items are serialized
 * to the server; results come back as copies. {@code applyAsync}, {@code mapAsync} and {@code starmapAsync}
 * return proxies of results kept in the server, and {@code imap}/{@code imapUnordered} a proxy of the
 * server's iterator. Callbacks run in this JVM, each on a thread of its own that waits for its result; the
 * result becomes ready after its callback has run, as with a local pool. {@link #processes()} lists the
 * workers this machine can see (all of them when the server runs here). {@link #close()} closes the server's
 * pool and waits for its workers; the referent leaves the server when this proxy is unreachable.
 * Serializable: it may be passed to other processes.
 */
final class PoolProxy extends Pool implements Serializable, BaseProxy.Proxied {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String[] APPLY = BaseProxy.sig(SerializableCallable.class);
    private static final String[] APPLY_ASYNC = BaseProxy.sig(SerializableCallable.class, Duration.class);
    private static final String[] MAP = BaseProxy.sig(SerializableFunction.class, List.class, int.class);
    private static final String[] STARMAP = BaseProxy.sig(SerializableBiFunction.class, List.class, int.class);
    private static final String[] IMAP = BaseProxy.sig(SerializableFunction.class, List.class, int.class,
            boolean.class);
    private static final String[] NONE = BaseProxy.NO_PARAMS;

    @SuppressWarnings("serial") // written through writeReplace
    private final BaseProxy proxy;

    PoolProxy(BaseProxy proxy) {
        super((Void) null);
        this.proxy = proxy;
    }

    @Override
    public BaseProxy baseProxy() {
        return proxy;
    }

    // ---------------------------------------------------------------- apply

    @Override
    @SuppressWarnings("unchecked")
    public <R> R apply(SerializableCallable<R> fn) {
        return (R) proxy.call("apply", APPLY, Objects.requireNonNull(fn, "fn"));
    }

    @Override
    public <R> AsyncResult<R> applyAsync(SerializableCallable<R> fn) {
        return applyAsync(fn, (Duration) null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> AsyncResult<R> applyAsync(SerializableCallable<R> fn, Duration timeout) {
        return (AsyncResult<R>) proxy.call("applyAsync", APPLY_ASYNC, Objects.requireNonNull(fn, "fn"), timeout);
    }

    @Override
    public <R> AsyncResult<R> applyAsync(SerializableCallable<R> fn, Consumer<? super R> callback,
                                         Consumer<? super Throwable> errorCallback) {
        return withCallbacks(applyAsync(fn), callback, errorCallback);
    }

    // ---------------------------------------------------------------- map

    @Override
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return mapCall(fn, items, 0);
    }

    @Override
    public <T, R> List<R> map(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                              int chunksize) {
        return mapCall(fn, items, checkChunksize(chunksize));
    }

    @Override
    public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> fn,
                                                Iterable<? extends T> items) {
        return mapAsyncCall(fn, items, 0);
    }

    @Override
    public <T, R> AsyncResult<List<R>> mapAsync(SerializableFunction<? super T, ? extends R> fn,
                                                Iterable<? extends T> items, int chunksize,
                                                Consumer<? super List<R>> callback,
                                                Consumer<? super Throwable> errorCallback) {
        return withCallbacks(mapAsyncCall(fn, items, checkChunksize(chunksize)), callback, errorCallback);
    }

    @Override
    public <A, B, R> List<R> starmap(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                     Iterable<? extends Map.Entry<? extends A, ? extends B>> items) {
        return starCall("starmap", fn, items, 0);
    }

    @Override
    public <A, B, R> List<R> starmap(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                     Iterable<? extends Map.Entry<? extends A, ? extends B>> items, int chunksize) {
        return starCall("starmap", fn, items, checkChunksize(chunksize));
    }

    @Override
    public <A, B, R> AsyncResult<List<R>> starmapAsync(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                                       Iterable<? extends Map.Entry<? extends A, ? extends B>> items) {
        return starCall("starmapAsync", fn, items, 0);
    }

    @Override
    public <A, B, R> AsyncResult<List<R>> starmapAsync(SerializableBiFunction<? super A, ? super B, ? extends R> fn,
                                                       Iterable<? extends Map.Entry<? extends A, ? extends B>> items,
                                                       int chunksize, Consumer<? super List<R>> callback,
                                                       Consumer<? super Throwable> errorCallback) {
        return withCallbacks(starCall("starmapAsync", fn, items, checkChunksize(chunksize)), callback,
                errorCallback);
    }

    @SuppressWarnings("unchecked")
    private <T, R> List<R> mapCall(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                   int chunksize) {
        return (List<R>) proxy.call("map", MAP, Objects.requireNonNull(fn, "fn"), copy(items), chunksize);
    }

    @SuppressWarnings("unchecked")
    private <T, R> AsyncResult<List<R>> mapAsyncCall(SerializableFunction<? super T, ? extends R> fn,
                                                     Iterable<? extends T> items, int chunksize) {
        return (AsyncResult<List<R>>) proxy.call("mapAsync", MAP, Objects.requireNonNull(fn, "fn"), copy(items),
                chunksize);
    }

    @SuppressWarnings("unchecked")
    private <T> T starCall(String name, SerializableBiFunction<?, ?, ?> fn,
                           Iterable<? extends Map.Entry<?, ?>> items, int chunksize) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        List<Object> pairs = new ArrayList<>();
        for (Map.Entry<?, ?> e : items) {
            Objects.requireNonNull(e, "an entry in items is null");
            pairs.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
        }
        return (T) proxy.call(name, STARMAP, fn, pairs, chunksize);
    }

    // ---------------------------------------------------------------- imap

    @Override
    public <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items) {
        return imap(fn, items, 1);
    }

    @Override
    public <T, R> ResultIterator<R> imap(SerializableFunction<? super T, ? extends R> fn, Iterable<? extends T> items,
                                         int chunksize) {
        return iterate(fn, items, chunksize, true);
    }

    @Override
    public <T, R> ResultIterator<R> imapUnordered(SerializableFunction<? super T, ? extends R> fn,
                                                  Iterable<? extends T> items) {
        return imapUnordered(fn, items, 1);
    }

    @Override
    public <T, R> ResultIterator<R> imapUnordered(SerializableFunction<? super T, ? extends R> fn,
                                                  Iterable<? extends T> items, int chunksize) {
        return iterate(fn, items, chunksize, false);
    }

    private <T, R> ResultIterator<R> iterate(SerializableFunction<? super T, ? extends R> fn,
                                             Iterable<? extends T> items, int chunksize, boolean ordered) {
        Object it = proxy.call("imap", IMAP, Objects.requireNonNull(fn, "fn"), copy(items), checkChunksize(chunksize),
                ordered);
        return new RemoteIterator<>(BaseProxy.of(it));
    }

    // ---------------------------------------------------------------- lifecycle

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
        return (Integer) proxy.call("size", NONE);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof PoolProxy p && p.proxy.equals(proxy);
    }

    @Override
    public int hashCode() {
        return proxy.hashCode();
    }

    /** @return the server's pool's text, as a local pool's */
    @Override
    public String toString() {
        return proxy.referentToString();
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return new Handle(proxy);
    }

    /** What a pool proxy is serialized as. */
    private record Handle(BaseProxy proxy) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private Object readResolve() throws ObjectStreamException {
            return new PoolProxy(proxy);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static int checkChunksize(int chunksize) {
        if (chunksize < 1) {
            throw new IllegalArgumentException("chunksize must be >= 1, got " + chunksize);
        }
        return chunksize;
    }

    private static List<Object> copy(Iterable<?> items) {
        Objects.requireNonNull(items, "items");
        List<Object> out = new ArrayList<>();
        for (Object o : items) {
            out.add(o);
        }
        return out;
    }

    private static <R> AsyncResult<R> withCallbacks(AsyncResult<R> remote, Consumer<? super R> callback,
                                                    Consumer<? super Throwable> errorCallback) {
        return callback == null && errorCallback == null ? remote
                : new CallbackResult<>(remote, callback, errorCallback);
    }

    /**
     * A result of the server's pool with callbacks run here: a daemon thread waits for the result, runs the
     * callback, then makes the result ready. {@code get} gives what the server's result gave.
     */
    private static final class CallbackResult<R> implements AsyncResult<R>, Runnable {
        private final AsyncResult<R> remote;
        private final Consumer<? super R> callback;
        private final Consumer<? super Throwable> errorCallback;
        private final CountDownLatch done = new CountDownLatch(1);
        private R value;              // written before done counts down
        private RuntimeException error;

        CallbackResult(AsyncResult<R> remote, Consumer<? super R> callback, Consumer<? super Throwable> errorCallback) {
            this.remote = remote;
            this.callback = callback;
            this.errorCallback = errorCallback;
            Thread.ofPlatform().daemon().name("mp4j-manager-pool-callback").start(this);
        }

        @Override
        public void run() {
            try {
                R v;
                try {
                    v = remote.get();
                } catch (RuntimeException e) {
                    error = e;
                    if (errorCallback != null) {
                        errorCallback.accept(e instanceof CompletionException c && c.getCause() != null
                                ? c.getCause() : e);
                    }
                    return;
                }
                value = v;
                if (callback != null) {
                    callback.accept(v);
                }
            } catch (RuntimeException | Error e) {
                System.getLogger("dev.mp4j.multiprocessing.managers").log(System.Logger.Level.WARNING,
                        "a callback of a manager's pool result failed", e);
            } finally {
                done.countDown();
            }
        }

        @Override
        public R get() {
            return get(null);
        }

        @Override
        public R get(Duration timeout) {
            if (!await(timeout)) {
                throw new TimeoutError("the result is not ready after " + timeout);
            }
            if (error != null) {
                throw error;
            }
            return value;
        }

        @Override
        public boolean await(Duration timeout) {
            try {
                if (timeout == null) {
                    done.await();
                    return true;
                }
                return done.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            }
        }

        @Override
        public boolean ready() {
            return done.getCount() == 0;
        }

        @Override
        public boolean successful() {
            if (!ready()) {
                throw new IllegalStateException("the result is not ready");
            }
            return error == null;
        }
    }

    /** An iterator of the server's pool's results. */
    private static final class RemoteIterator<R> implements ResultIterator<R> {
        private static final String[] TIMEOUT = BaseProxy.sig(Duration.class);
        private final BaseProxy it;

        RemoteIterator(BaseProxy it) {
            this.it = it;
        }

        @Override
        public boolean hasNext() {
            return (Boolean) it.call("hasNext", NONE);
        }

        @Override
        @SuppressWarnings("unchecked")
        public R next() {
            return (R) it.call("next", NONE);
        }

        @Override
        @SuppressWarnings("unchecked")
        public R next(Duration timeout) {
            return (R) it.call("next", TIMEOUT, timeout);
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<R> toList() {
            return (List<R>) it.call("toList", NONE);
        }

        @Override
        public Stream<R> stream() {
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED), false);
        }

        @Override
        public Iterator<R> iterator() {
            return this;
        }
    }
}
