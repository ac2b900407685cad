package dev.mp4j.multiprocessing;

import dev.mp4j.InterruptedError;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.futures.CancelledError;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.internal.pool.Completion;
import dev.mp4j.internal.pool.PoolEngine;
import dev.mp4j.internal.pool.Chunks;
import dev.mp4j.internal.spi.SettableResult;
import dev.mp4j.internal.util.Exceptions;
import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.util.SingleUseIterator;
import dev.mp4j.internal.util.Timeouts;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The results of a {@link Pool} whose workers this JVM runs ({@link EngineStrategy}): its result-handler thread,
 * {@link AsyncResult}s and the imap iterators.
 */
final class PoolResults {
    static final System.Logger LOG = LazyLogger.of("dev.mp4j.multiprocessing");

    private PoolResults() {}

    /**
     * A pool's result-handler thread (Python's {@code _handle_results}): runs callbacks and makes results
     * ready, one at a time, in the order the results arrived. A map's own result (only the map call waits
     * for it) that arrives while nothing waits for the handler is made ready in the thread it arrived on
     * instead ({@link #runIfIdle}), still in that order. States: running --stop--&gt; stopping (runs what
     * was posted before, then ends) --&gt; stopped (posted work runs in the posting thread).
     */
    static final class Handler {
        private static final AtomicInteger COUNTER = new AtomicInteger(1);
        private static final Runnable STOP = new Stop();

        private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
        private final Thread thread;
        private final Object stateLock = new Object(); // notified when an inline run ends
        private boolean stopping; // guarded by stateLock
        private int unfinished;   // guarded by stateLock: posted and not yet run (or running)
        private boolean inline;   // guarded by stateLock: a runIfIdle runs in its caller's thread

        Handler(String owner) {
            // String.concat, not +: a + links a call site on its first run, a pool's start in a fresh JVM
            thread = Thread.ofPlatform().daemon(true)
                    .name(owner.concat("-").concat(Integer.toString(COUNTER.getAndIncrement())).concat("-results"))
                    .unstarted(new Loop(this));
            thread.start();
        }

        // Classes, not lambdas: a lambda's first use spins a class, which a fresh JVM's first pool pays for.

        /** What {@link #stop} posts: the handler ends once it takes it. */
        private static final class Stop implements Runnable {
            @Override
            public void run() {}
        }

        /** The handler thread's {@link #loop}. */
        private static final class Loop implements Runnable {
            private final Handler handler;

            Loop(Handler handler) {
                this.handler = handler;
            }

            @Override
            public void run() {
                handler.loop();
            }
        }

        private void loop() {
            while (true) {
                Runnable r;
                try {
                    r = queue.take();
                } catch (InterruptedException e) {
                    continue; // only stop() ends the handler
                }
                if (r == STOP) {
                    return;
                }
                awaitNoInline();
                runSafely(r);
                synchronized (stateLock) {
                    unfinished--;
                }
            }
        }

        /** Waits while a {@link #runIfIdle} runs: what was posted after it runs after it. */
        private void awaitNoInline() {
            synchronized (stateLock) {
                while (inline) {
                    try {
                        stateLock.wait();
                    } catch (InterruptedException e) {
                        // only stop() ends the handler
                    }
                }
            }
        }

        private static void runSafely(Runnable r) {
            try {
                r.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "pool: a result callback raised an exception", t);
            }
        }

        /** Runs {@code r} on the handler thread after what was posted before; in this thread once stopped. */
        void post(Runnable r) {
            synchronized (stateLock) {
                if (!stopping) {
                    unfinished++;
                    queue.add(r);
                    return;
                }
            }
            runSafely(r);
        }

        /**
         * Runs {@code r} in this thread, now, when the handler has nothing posted still to run (nor another
         * such run under way): it would be next on the handler thread, and what is posted meanwhile waits for
         * it there. Saves a map's own result the hand-off to the handler thread and from it to the waiting
         * caller. {@code r} must run no code of the user's (a callback, a stage), which could wait for the
         * thread it runs in (a pool's worker thread, or the thread that reads a worker JVM's results).
         *
         * @return whether it ran; if not, the caller posts it
         */
        boolean runIfIdle(Runnable r) {
            synchronized (stateLock) {
                if (stopping || inline || unfinished != 0) {
                    return false;
                }
                inline = true;
            }
            try {
                runSafely(r);
            } finally {
                synchronized (stateLock) {
                    inline = false;
                    stateLock.notifyAll();
                }
            }
            return true;
        }

        /**
         * Lets the handler finish what was posted, then end; waits for that unless called from the handler. A
         * {@link #runIfIdle} under way in another thread may still be running when it returns: a map's own
         * result, which runs no callback and which only its map call waits for.
         */
        void stop() {
            synchronized (stateLock) {
                if (!stopping) {
                    stopping = true;
                    queue.add(STOP);
                }
            }
            if (Thread.currentThread() != thread) {
                boolean interrupted = false;
                while (true) {
                    try {
                        thread.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /**
     * The result of one call ({@code applyAsync}), and the base of {@link MapResult}.
     *
     * <p>States: pending --{@link #complete} (once; later outcomes are dropped)--&gt; finished --the handler
     * thread runs the callback--&gt; ready (value or error). The owning pool's strategy is held strongly until
     * ready, so that a pool nobody else references is not terminated under a caller waiting here.
     */
    static class ApplyResult<R> extends SettableResult<R> implements Completion {
        private final Handler handler;
        private final Consumer<? super R> callback;
        private final Consumer<? super Throwable> errorCallback;
        private final AtomicBoolean finished = new AtomicBoolean(); // the outcome is known
        private Object owner; // held only to keep the pool reachable until ready
        /**
         * Only the call that made it waits for it (a {@code map}'s own result, which it never hands out): no
         * callback, no stage, no code of the caller's runs when it becomes ready, so it may become ready in
         * the thread its outcome arrives on ({@link Handler#runIfIdle}).
         */
        private final boolean readyInPlace;
        /** The engine's handles on its tasks while they run (a map's chunks), to stop them; guarded by this. */
        private final Set<PoolEngine.Task> running = Collections.newSetFromMap(new IdentityHashMap<>());
        private boolean cancelled; // guarded by this

        ApplyResult(Object owner, Handler handler, Consumer<? super R> callback,
                    Consumer<? super Throwable> errorCallback) {
            this(owner, handler, callback, errorCallback, false);
        }

        /**
         * @param readyInPlace whether only the call that makes it waits for it, which then hands it to no one:
         *     it has no callbacks, and it becomes ready in the thread its outcome arrives on when the handler
         *     has nothing before it
         */
        private ApplyResult(Object owner, Handler handler, Consumer<? super R> callback,
                            Consumer<? super Throwable> errorCallback, boolean readyInPlace) {
            if (readyInPlace && (callback != null || errorCallback != null)) {
                throw new IllegalArgumentException("a result with callbacks becomes ready on the handler thread");
            }
            this.owner = owner;
            this.handler = handler;
            this.callback = callback;
            this.errorCallback = errorCallback;
            this.readyInPlace = readyInPlace;
        }

        @Override
        public boolean start(PoolEngine.Task task) {
            return started(task);
        }

        @Override
        public synchronized boolean isCancelled() {
            return cancelled;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void finish(Object v, Throwable e) {
            ended(null);
            complete((R) v, e);
        }

        /** A task of this result goes to a worker (the engine's lock is held): false once cancelled. */
        final synchronized boolean started(PoolEngine.Task task) {
            if (cancelled) {
                return false;
            }
            running.add(task);
            return true;
        }

        /** A task of this result ended; null: all of them. */
        final synchronized void ended(PoolEngine.Task task) {
            if (task == null) {
                running.clear();
            } else {
                running.remove(task);
            }
        }

        /** The stage of toCompletableFuture was cancelled: drop what has not started, stop what runs. */
        @Override
        protected void cancelTask() {
            List<PoolEngine.Task> stop;
            synchronized (this) {
                cancelled = true;
                stop = new ArrayList<>(running);
                running.clear();
            }
            for (PoolEngine.Task t : stop) {
                t.stop(); // outside this monitor: the engine's lock is taken inside
            }
            complete(null, new CancelledError("the task was cancelled"));
        }

        /**
         * Records the outcome once; the handler thread runs the callback and makes it ready, or, for a result
         * only its maker waits for ({@link #readyInPlace}) and with nothing posted before it still to run, this
         * thread makes it ready at once.
         */
        final void complete(R v, Throwable e) {
            if (finished.compareAndSet(false, true)) {
                Delivery<R> d = new Delivery<>(this, v, e);
                // no callbacks, no stage: delivering is making it ready, here when nothing posted waits before it
                if (!readyInPlace || !handler.runIfIdle(d)) {
                    handler.post(d);
                }
            }
        }

        /** A result's {@link #deliver}, posted to the handler thread. */
        private static final class Delivery<R> implements Runnable {
            private final ApplyResult<R> result;
            private final R value;
            private final Throwable error;

            Delivery(ApplyResult<R> result, R value, Throwable error) {
                this.result = result;
                this.value = value;
                this.error = error;
            }

            @Override
            public void run() {
                result.deliver(value, error);
            }
        }

        private void deliver(R v, Throwable e) {
            try {
                if (e == null && callback != null) {
                    callback.accept(v);
                } else if (e != null && errorCallback != null) {
                    errorCallback.accept(e);
                }
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "pool: a result callback raised an exception", t);
            } finally {
                owner = null;
                ready(v, e);
            }
        }
    }

    /**
     * The result of a map: the chunks' values gathered in order. It fails with the first exception that
     * arrives (a call's, or a chunk's that could not run), as Python's does, and, as Python's, only once every
     * chunk is done: the other chunks still run, and the map's {@code get} raises (and its error callback runs)
     * after the last of them, so that a program that goes on from the exception does not find the map's calls
     * still running. {@code slots}, {@code left} and {@code failure} are guarded by {@code this}.
     */
    static final class MapResult<R> extends ApplyResult<List<R>> {
        private final Object[] slots;
        private int left;
        private Throwable failure;

        /**
         * @param readyInPlace whether only the map call that makes it waits for it (it hands it to no one): it
         *     then becomes ready in the thread its last chunk arrives on when the handler has nothing before it
         */
        MapResult(Object owner, Handler handler, int size, int chunks, Consumer<? super List<R>> callback,
                  Consumer<? super Throwable> errorCallback, boolean readyInPlace) {
            super(owner, handler, callback, errorCallback, readyInPlace);
            this.slots = new Object[size];
            this.left = chunks;
        }

        /** @return the completion of the chunk whose first item is at {@code offset} */
        Completion chunk(int offset) {
            return new Completion() {
                private PoolEngine.Task task;

                @Override
                public boolean start(PoolEngine.Task t) {
                    task = t;
                    return started(t);
                }

                @Override
                public boolean isCancelled() {
                    return MapResult.this.isCancelled();
                }

                @Override
                public void finish(Object v, Throwable e) {
                    if (task != null) {
                        ended(task);
                    }
                    chunkDone(offset, v, e);
                }

                @Override
                public Object[] valuesInto() {
                    return slots;
                }

                @Override
                public int valuesAt() {
                    return offset;
                }
            };
        }

        @Override
        public void finish(Object v, Throwable e) {
            throw new IllegalStateException("a map result completes by its chunks");
        }

        @SuppressWarnings("unchecked")
        private void chunkDone(int offset, Object v, Throwable e) {
            Throwable failure = e;
            Object[] values = null;
            int from = 0;
            int count = 0;
            if (failure == null) {
                Chunks.ChunkResult r = (Chunks.ChunkResult) v;
                failure = r.error();
                // one bulk copy, not a loop per value: this method runs a few times per map, so a loop here
                // would run in the JIT's interpreter through a program's first maps; from the array a worker
                // JVM's values were read into, without a copy of it first
                if (failure == null && r.values() instanceof Chunks.Slice s) {
                    values = s.array();
                    from = s.from();
                    count = s.size();
                } else if (failure == null) {
                    values = r.values().toArray();
                    count = values.length;
                }
            }
            List<R> all = null;
            Throwable first;
            synchronized (this) {
                if (values != null && values != slots) { // else the values were put straight into place
                    System.arraycopy(values, from, slots, offset, count);
                }
                if (failure != null && this.failure == null) {
                    this.failure = failure;
                }
                if (--left > 0) {
                    return;
                }
                first = this.failure;
                if (first == null) {
                    all = (List<R>) Arrays.asList(slots); // no chunk writes once all are in
                }
            }
            complete(all, first);
        }
    }

    /**
     * The iterator of {@code imap} and {@code imapUnordered}. It feeds the pool lazily, in the consuming
     * thread: at most {@code window} chunks are sent and not yet consumed, so a huge or endless iterable
     * costs bounded memory. A call's exception is raised at its item and the iteration goes on; a chunk that
     * failed as a whole (its worker was lost, it could not be sent, the pool was terminated) raises once, in
     * place of its items. An exception of the iterable itself is raised after the items it yielded before,
     * and ends the iteration; so does a pool closed before every item was sent.
     *
     * <p>Fields guarded by {@code lock}, but for {@code current} and {@code pos}, which only the consuming
     * thread touches (one thread consumes a {@code ResultIterator}): the items of the chunk at hand are
     * delivered without the lock. Chunk outcomes arrive from the engine's threads.
     */
    static final class IMapIterator<R> extends SingleUseIterator<R> {
        // a monitor, not a ReentrantLock and its Condition: taken, waited on and signalled once per chunk, where the
        // lock's and the condition's Java code (a dozen methods) ran in the interpreter through a fresh JVM's
        // first imap and took the JIT's time to compile; a monitor's paths are the JVM's own
        private final Object lock = new Object();
        private final EngineStrategy owner;
        private final Chunks.Fn fn;
        private final Iterator<?> source;
        private final int chunksize;
        private final int window;
        private final boolean ordered;
        // ordered: the outcome of chunk i at i % window (the chunks sent and not consumed are fewer than window);
        // an array, not a map by boxed index: a few bytecodes per chunk where a map costs a Long and a hash
        private final Outcome[] byIndex;
        private final ArrayDeque<Outcome> byArrival = new ArrayDeque<>(); // unordered: in arrival order
        private long sent;               // chunks sent
        private int read;                // items taken from the iterable
        // the items left in a list whose size cannot change, or -1: its end is known, not asked of its iterator
        private int remaining;
        private volatile int total = -1; // the number of items, once the iterable is exhausted
        private long consumed;           // chunks taken to consume
        private boolean sourceDone;      // the iterable is exhausted, failed, or can no longer be sent
        private Throwable sourceError;   // raised once the chunks sent before it are consumed
        // the chunk being consumed, NONE before the first: read and written by the consuming thread only
        private Outcome current = Outcome.NONE;
        private int pos;                 // the next of its items: the consuming thread's only
        private boolean ended;
        /** A chunk's items array, cleared, for the next chunk: worker JVMs get copies of the items. */
        private Object[] spareItems;

        /** The most chunks sent ahead of the consumer that {@link #window} chooses for small chunks. */
        static final int MAX_AHEAD_CHUNKS = 32;
        /** How many items {@link #window} lets be sent ahead, in chunks of at most {@link #MAX_AHEAD_CHUNKS}. */
        static final int AHEAD_ITEMS = 4096;

        /**
         * How many chunks an iterator keeps sent and not yet consumed: two per worker, and more while the chunks
         * are small (up to {@link #AHEAD_ITEMS} items in at most {@link #MAX_AHEAD_CHUNKS} chunks). The pool
         * holds the chunks its workers cannot take yet and sends each to the first worker done with one, from
         * the thread that reads that worker's result: so the workers do not wait for the consuming thread to
         * take a chunk's results before they get the next. Results come in order: while the consumer waits for
         * one chunk (its worker descheduled for a slice, or compiling), the other workers work only through what
         * was sent ahead, and on a busy machine a slice is milliseconds, dozens of small chunks. 32 chunks of up
         * to 4,096 items, against 16 of 2,048, on 2 CPUs: Pool(2).imap of 100k items in chunks of 100, the
         * first and second passes of a fresh JVM 1.25x and 1.24x faster (medians of 8 interleaved runs, 7 won
         * each, load 4-6; at load 10-17 the second pass won 10 of 12 runs, the first 7); of 20k items in chunks
         * of 1, 1.33x and 1.30x (8 of 8 won). 64 chunks did no better than the 16 before (first pass 0.90x).
         *
         * @param workers the pool's workers
         * @param chunksize the iterator's chunksize
         * @return the window, at least 2
         */
        static int window(int workers, int chunksize) {
            long byItems = Math.min(MAX_AHEAD_CHUNKS, (AHEAD_ITEMS + chunksize - 1L) / chunksize);
            return (int) Math.max(Math.max(2, 2L * workers), byItems);
        }

        /**
         * One chunk's outcome: per-item results ({@code values}, and {@code errors} when a call failed), or one
         * exception for the whole chunk, raised once in place of its {@code items}.
         */
        private static final class Outcome {
            final List<Object> values;    // null for a whole failure
            final List<Throwable> errors; // null when no call failed
            final Throwable whole;
            final int items;
            final int size;               // what the iterator hands out: the values, or the one exception

            /**
             * The chunk at hand before the first arrives and between two: nothing to hand out. Not null, so that
             * the consumer's first call takes the path of every chunk's end ({@code pos < size} fails): code the
             * JIT compiled in one pass then meets no case it never saw at the start of the next.
             */
            static final Outcome NONE = new Outcome();

            private Outcome() {
                this.values = null;
                this.errors = null;
                this.whole = null;
                this.items = 0;
                this.size = 0;
            }

            Outcome(Chunks.EachResult each, Throwable whole, int items) {
                this.values = each == null ? null : each.values();
                this.errors = each == null ? null : each.errors();
                this.whole = whole;
                this.items = items;
                this.size = values == null ? 1 : values.size();
            }
        }

        /**
         * @param source the iterable's iterator
         * @param size the number of its items if it is a list whose size cannot change (see {@link #fill}),
         *     else -1
         */
        IMapIterator(EngineStrategy owner, SerializableFunction<Object, Object> fn, Iterator<?> source, int size,
                     int chunksize, int window, boolean ordered) {
            this.owner = owner;
            this.fn = new Chunks.Fn(fn);
            this.source = source;
            this.remaining = size > 0 ? size : -1;
            this.chunksize = chunksize;
            this.window = window;
            this.ordered = ordered;
            this.byIndex = new Outcome[ordered ? window : 0];
        }

        /** Sends chunks until the window is full or the iterable ends. */
        void feed() {
            synchronized (lock) {
                while (!sourceDone && sent - consumed < window) {
                    int first = Math.min(chunksize, 1024);
                    Object[] a = spareItems != null ? spareItems : new Object[first];
                    spareItems = null;
                    int n = fill(a, 0);
                    while (n == a.length && n < chunksize && !sourceDone) {
                        a = Arrays.copyOf(a, (int) Math.min(chunksize, 2L * n));
                        n = fill(a, n);
                    }
                    read += n;
                    if (sourceDone && sourceError == null) {
                        total = read;
                    }
                    if (n > 0) {
                        long index = sent;
                        try {
                            owner.submit(new Chunks.EachChunk(fn, new Chunks.Slice(a, 0, n)),
                                    new ChunkCompletion(index, n), Timeouts.FOREVER);
                            sent++;
                        } catch (RuntimeException e) {
                            sourceDone = true;
                            sourceError = new IllegalStateException("the pool stopped before every item of "
                                    + "the iterable was sent to it", e);
                        }
                    }
                    if (a.length == first && owner.reusesItems()) {
                        // the chunk went out serialized: its array takes the next chunk's items
                        EngineStrategy.clear(a, n);
                        spareItems = a;
                    }
                }
            }
        }

        /**
         * Takes items of the iterable into {@code a} from index {@code from} until it is full; if the iterable
         * ends or throws first, sets {@code sourceDone} (and {@code sourceError}). A list whose size cannot
         * change ends once {@code remaining} items are taken. Lock held.
         *
         * @return the index after the last item taken
         */
        private int fill(Object[] a, int from) {
            int end = remaining < 0 ? a.length : (int) Math.min(a.length, (long) from + remaining);
            int i = from;
            while (i < end && !sourceDone) {
                i = gather(a, i, Math.min(end, i + GATHER_BLOCK));
            }
            if (remaining > 0) {
                remaining -= i - from;
                if (remaining == 0) {
                    // its last item taken: the end, without the hasNext() that would answer false, the one time
                    // in an iteration the JIT's code of gather (and of the list's iterator) never saw, and
                    // discards at the end of every iteration until it has
                    sourceDone = true;
                }
            }
            return i;
        }

        /** Items taken by one {@link #gather} call: a few per chunk, so that the JIT compiles it soon by its calls. */
        private static final int GATHER_BLOCK = 32;

        /**
         * Takes items of the iterable into {@code a[from, to)}; if the iterable ends or throws first, sets
         * {@code sourceDone} (and {@code sourceError}). Lock held. A method of its own, so that the JIT compiles
         * this loop by its calls, apart from the sends around it.
         *
         * @return the index after the last item taken
         */
        private int gather(Object[] a, int from, int to) {
            int i = from;
            try {
                while (i < to) {
                    if (!source.hasNext()) {
                        sourceDone = true;
                        break;
                    }
                    Object item = source.next(); // not a[i++] = next(): i would count an item that threw
                    a[i++] = item;
                }
            } catch (RuntimeException | Error e) {
                sourceDone = true;
                sourceError = e;
            }
            return i;
        }

        /** A chunk's completion: dropped unrun once the iterator is closed. */
        private final class ChunkCompletion implements Completion {
            private final long index;
            private final int items;

            ChunkCompletion(long index, int items) {
                this.index = index;
                this.items = items;
            }

            @Override
            public boolean start(PoolEngine.Task task) {
                return !isClosed();
            }

            @Override
            public boolean isCancelled() {
                return isClosed();
            }

            @Override
            public void finish(Object v, Throwable e) {
                arrive(index, items, v, e);
            }
        }

        private void arrive(long index, int items, Object v, Throwable e) {
            Outcome o = e != null ? new Outcome(null, e, items) : new Outcome((Chunks.EachResult) v, null, items);
            synchronized (lock) {
                if (ordered) {
                    byIndex[(int) (index % window)] = o;
                } else {
                    byArrival.add(o);
                }
                if (!ordered || index == consumed) {
                    // the consumer waits for chunk `consumed` only: a chunk that arrives ahead of it (from the
                    // other worker) would wake it for nothing, a thread switch each on a busy machine
                    lock.notifyAll();
                }
            }
        }

        @Override
        public OptionalInt total() {
            int t = total;
            return t < 0 ? OptionalInt.empty() : OptionalInt.of(t);
        }

        /**
         * Stops feeding the pool; the chunks sent and not yet started are dropped (see {@link ChunkCompletion}),
         * and a {@code next()} waiting in another thread raises {@code IllegalStateException}: the chunk it waits
         * for may never come.
         */
        @Override
        protected void cancelRest() {
            synchronized (lock) {
                sourceDone = true;
                ended = true;
                Arrays.fill(byIndex, null);
                byArrival.clear();
                lock.notifyAll();
            }
        }

        /*
         * more() and take() hand out the items of the chunk at hand in a few bytecodes, without the lock (only
         * the consuming thread touches current and pos): what the JIT compiles into the caller's loop is this,
         * while moreSlow() and takeSlow(), which wait for and switch chunks, stay apart, compiled on their own.
         */

        @Override
        protected boolean more() {
            if (pos < current.size) {
                return true;
            }
            // moreSlow()'s answer returned as is, not tested here: its false at the iteration's end, never seen
            // before, would otherwise be a branch the JIT left out of this method, compiled into the caller's
            // loop, and undo that code at the end of every iteration
            return moreSlow();
        }

        private boolean moreSlow() {
            synchronized (lock) {
                if (ended) {
                    return false;
                }
                if (pos < current.size || consumed < sent || sourceError != null) {
                    return true;
                }
                feed();
                if (consumed < sent || sourceError != null) {
                    return true;
                }
                ended = true;
                return false;
            }
        }

        @Override
        protected R take(Duration timeout) {
            Outcome c = current;
            int i = pos;
            if (i < c.size && c.whole == null) {
                pos = i + 1;
                return item(c, i);
            }
            return takeSlow(timeout);
        }

        /** Hands out item {@code i} of chunk {@code c} (not a whole failure): its value, or its call's exception. */
        @SuppressWarnings("unchecked")
        private R item(Outcome c, int i) {
            delivered();
            if (c.errors != null && c.errors.get(i) != null) {
                throw Exceptions.rethrow(c.errors.get(i));
            }
            return (R) c.values.get(i);
        }

        /** @return the outcome of chunk {@code consumed}, now no longer held, or null if it has not arrived. Lock held. */
        private Outcome takeOrdered() {
            int slot = (int) (consumed % window);
            Outcome o = byIndex[slot];
            byIndex[slot] = null;
            return o;
        }

        private R takeSlow(Duration timeout) {
            long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
            try {
                synchronized (lock) {
                    if (isClosed()) {
                        throw new IllegalStateException("the ResultIterator is closed");
                    }
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    while (true) {
                        if (pos < current.size) {
                            int i = pos++;
                            if (current.whole != null) {
                                delivered(current.items);
                                throw Exceptions.rethrow(current.whole);
                            }
                            return item(current, i);
                        }
                        current = Outcome.NONE;
                        if (consumed < sent) {
                            Outcome o = ordered ? takeOrdered() : byArrival.poll();
                            if (o == null) {
                                long left = Timeouts.remaining(deadline);
                                if (left <= 0) {
                                    throw new TimeoutError("no result within " + timeout);
                                }
                                if (isClosed()) { // by another thread, before or while this one waited
                                    throw new IllegalStateException("the ResultIterator is closed");
                                }
                                if (left == Timeouts.FOREVER) {
                                    lock.wait();
                                } else {
                                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                                }
                                continue;
                            }
                            consumed++;
                            current = o;
                            pos = 0;
                            feed();
                            continue;
                        }
                        feed();
                        if (consumed < sent) {
                            continue;
                        }
                        ended = true;
                        if (sourceError != null) {
                            throw Exceptions.rethrow(sourceError);
                        }
                        throw new NoSuchElementException();
                    }
                }
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            }
        }
    }
}
