package dev.mp4j.python;

import dev.mp4j.futures.BrokenProcessPool;
import dev.mp4j.futures.ExecutorStats;
import dev.mp4j.futures.Future;
import dev.mp4j.futures.ResultIterator;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A {@code ProcessPoolExecutor} whose workers are python3 processes: {@code submit("module:qualname", args)} runs
 * that Python function in a worker and completes the {@link Future} with its result, read as {@link Pickle} reads
 * it. A Python exception completes it with {@link PythonError} (type, args and Python's traceback text); a worker
 * that dies breaks the executor as CPython's does: its task and every pending one fail with
 * {@link BrokenProcessPool}, and so does every later submit.
 *
 * <h2>Workers</h2>
 * The workers start at the first submit, all {@code maxWorkers} of them: each runs {@code mp4j_worker.py} (shipped
 * in this jar and written to a private temporary directory), which connects back to a loopback
 * {@link Listener} of this executor with a random authkey (handed over on the worker's standard input, never on
 * its command line), runs the initializer, and then runs its tasks one at a time. Their standard output and error
 * are this JVM's. A task goes to an idle worker from the thread that submits it; a thread of this executor per
 * worker reads the replies, completes the futures and sends the worker its next task. While a worker's tasks prove
 * short (under 2 ms) and small, it is sent up to 16 ahead (at most 32 KiB of them), as mp4j's process pool does,
 * so that it does not wait for this side between two tasks; a task sent ahead can no longer be cancelled.
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown} refuses new tasks, cancels the queued ones if asked, lets the workers finish the others and
 * tells them to exit; with {@code wait}, it returns once every worker process has ended. {@link #close()} is
 * {@code shutdown(true, false)}. No worker outlives a close; a broken executor kills what is left of its workers.
 *
 * <h2>Security</h2>
 * The workers are this application's own processes, reached on loopback with the authkey; they unpickle what
 * Java sends (the arguments), as CPython's workers do. What comes back is data only ({@link Pickle}).
 */
public final class PythonExecutor implements AutoCloseable {
    /** The most tasks a worker holds: the one it runs and those sent ahead to it. */
    static final int WINDOW = 16;
    /** A worker gets tasks ahead only while the tasks it runs take less than this on average. */
    static final long FAST_NANOS = 2_000_000;
    /** The most bytes of tasks sent ahead to a worker (small enough to sit in a socket's buffer). */
    static final long PREFETCH_BYTES = 32 * 1024;

    private final Path python;
    private final List<Path> pythonPath;
    private final int maxWorkers;
    private final String initializer;
    private final Pickle.Loader loader = Pickle.loader();
    private final Pickle.Dumper dumper = Pickle.dumper();
    private final byte[] stopMessage = dumper.dumps(null);
    private final AtomicLong ids = new AtomicLong();
    // guarded by this
    private final ArrayDeque<Task> queue = new ArrayDeque<>();
    private final List<Worker> workers = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private Path scriptDir;
    private Listener listener;
    private long completed;
    private long failed;
    private long cancelled;
    private long workersLost;
    private volatile boolean shutdown;
    private volatile String broken;

    private PythonExecutor(Builder b) {
        this.python = b.python;
        this.pythonPath = List.copyOf(b.pythonPath);
        this.maxWorkers = b.maxWorkers;
        this.initializer = b.initializer;
    }

    /** @return a builder: python3 from PATH, as many workers as processors, no initializer */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Python's {@code executor.submit(fn, *args)}, with the function named.
     *
     * @param callable {@code "module:qualname"}, e.g. {@code "math:factorial"} or {@code "app.tasks:Job.run"}
     * @param args its positional arguments (values of {@link Pickle}'s mapping)
     * @return the future of its result; {@link PythonError} (with the traceback) if it raises
     * @throws IllegalStateException after a shutdown
     * @throws BrokenProcessPool if a worker died (or could not start)
     * @throws IllegalArgumentException if an argument is not of the mapping (nothing is sent)
     */
    public Future<Object> submit(String callable, Object... args) {
        Objects.requireNonNull(callable, "callable");
        return enqueue("call", callable, new PyTuple(args), 1);
    }

    /**
     * Python's {@code executor.map(fn, items, chunksize=chunksize)} for a function of one argument: the items go
     * to the workers {@code chunksize} at a time; the iterator yields the results in the items' order, and throws
     * the exception of the first item that raised (as {@link PythonError}) when it reaches that item's chunk.
     *
     * @param callable {@code "module:qualname"}
     * @param items the arguments, one per call (all taken now, as Python's map takes them)
     * @param chunksize how many items a worker gets at once (at least 1)
     * @return the results, in order
     * @throws IllegalArgumentException if chunksize is below 1, or an item is not of the mapping
     */
    public ResultIterator<Object> map(String callable, Iterable<?> items, int chunksize) {
        Objects.requireNonNull(callable, "callable");
        if (chunksize < 1) {
            throw new IllegalArgumentException("chunksize must be at least 1, got " + chunksize);
        }
        List<Future<Object>> chunks = new ArrayList<>();
        List<Object> chunk = new ArrayList<>(chunksize);
        int n = 0;
        for (Object item : items) {
            n++;
            chunk.add(item);
            if (chunk.size() == chunksize) {
                chunks.add(enqueue("map", callable, chunk, chunk.size()));
                chunk = new ArrayList<>(chunksize);
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(enqueue("map", callable, chunk, chunk.size()));
        }
        return new Results(chunks, n);
    }

    /**
     * Python's {@code executor.shutdown(wait, cancel_futures=...)}.
     *
     * @param wait whether to return only once every worker process has ended
     * @param cancelFutures whether to cancel the tasks that no worker has started
     */
    public void shutdown(boolean wait, boolean cancelFutures) {
        List<Thread> toJoin;
        List<Worker> toWait;
        List<Worker> dirty;
        synchronized (this) {
            shutdown = true;
            if (cancelFutures) {
                for (Task t; (t = queue.poll()) != null; ) {
                    t.future.cancel();
                    t.future.setRunningOrNotifyCancel();
                    cancelled += t.items;
                }
            }
            dirty = assign();
            toJoin = List.copyOf(readers);
            toWait = List.copyOf(workers);
        }
        flush(dirty);
        if (!wait) {
            return;
        }
        try {
            for (Thread t : toJoin) {
                t.join();
            }
            for (Worker w : toWait) {
                w.process.waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.mp4j.InterruptedError("interrupted while waiting for the Python workers to end");
        } finally {
            cleanUp();
        }
    }

    /** {@code shutdown(true, false)}: waits for the submitted tasks, then for the workers to end. */
    @Override
    public void close() {
        shutdown(true, false);
    }

    /** @return the worker processes started (none before the first submit) */
    public synchronized List<ProcessHandle> processes() {
        List<ProcessHandle> handles = new ArrayList<>(workers.size());
        for (Worker w : workers) {
            handles.add(w.process.toHandle());
        }
        return handles;
    }

    /**
     * What the executor is doing, counted as {@link ExecutorStats} says: a task is one {@code submit} or one item
     * of a {@code map}; the tasks sent ahead to a worker behind the one it runs count as running.
     *
     * @return a snapshot of the counts, consistent with each other
     */
    public synchronized ExecutorStats stats() {
        long queued = 0;
        long cancelledQueued = 0;
        for (Task t : queue) {
            if (t.future.cancelled()) {
                cancelledQueued += t.items;
            } else {
                queued += t.items;
            }
        }
        int alive = 0;
        int busy = 0;
        long running = 0;
        for (Worker w : workers) {
            if (w.process.isAlive()) {
                alive++;
            }
            if (!w.inflight.isEmpty()) {
                busy++;
            }
            for (Task t : w.inflight.values()) {
                running += t.items;
            }
        }
        return new ExecutorStats(alive, busy, queued, running, completed, failed, cancelled + cancelledQueued,
                workers.size(), workersLost);
    }

    // ---- machinery ----

    /**
     * Queues a call (or a chunk of a map) and sends it at once to a worker that can take it, from this thread.
     * The message is made first: an unmapped argument fails here, before anything is queued.
     */
    private Future<Object> enqueue(String kind, String callable, Object payload, int items) {
        // (kind, id, callable, payload)
        long id = ids.incrementAndGet();
        Task t = new Task(id, items, dumper.dumps(new PyTuple(kind, id, callable, payload)));
        List<Worker> dirty;
        synchronized (this) {
            if (shutdown) {
                throw new IllegalStateException("cannot schedule new tasks after shutdown");
            }
            if (broken != null) {
                throw new BrokenProcessPool(broken);
            }
            if (workers.isEmpty()) {
                startWorkers();
            }
            queue.add(t);
            dirty = assign();
        }
        flush(dirty);
        return t.future;
    }

    /**
     * Moves queued tasks to the workers that can take them, the least loaded first, and, once the executor is
     * shut down and has nothing left for a worker, tells that worker to exit. What it decides goes to the
     * workers' outboxes in order; the caller sends it ({@link #flush}) once the lock is released.
     *
     * <p>A worker takes a task when it holds none; it takes more, up to {@link #WINDOW}, only while its tasks
     * prove short (under {@link #FAST_NANOS} on average, as it reports them) and small (at most
     * {@link #PREFETCH_BYTES} sent ahead, so that a send to a busy worker never waits for it to read).
     *
     * @return the workers with something in their outbox
     */
    private List<Worker> assign() {
        List<Worker> dirty = new ArrayList<>(2);
        if (broken != null) {
            return dirty;
        }
        while (!queue.isEmpty()) {
            Task t = queue.peek();
            Worker best = null;
            for (Worker w : workers) {
                if (w.canTake(t) && (best == null || w.inflight.size() < best.inflight.size())) {
                    best = w;
                }
            }
            if (best == null) {
                break;
            }
            queue.poll();
            if (!t.future.setRunningOrNotifyCancel()) {
                cancelled += t.items;
                continue;
            }
            best.inflight.put(t.id, t);
            best.inflightBytes += t.weight;
            best.outbox.add(t.message);
            t.message = null;
            if (!dirty.contains(best)) {
                dirty.add(best);
            }
        }
        if (shutdown && queue.isEmpty()) {
            for (Worker w : workers) {
                if (w.connection != null && !w.stopSent && w.inflight.isEmpty()) {
                    w.stopSent = true;
                    w.outbox.add(stopMessage);
                    if (!dirty.contains(w)) {
                        dirty.add(w);
                    }
                }
            }
        }
        return dirty;
    }

    /** Sends what the workers' outboxes hold; one thread at a time sends to a worker, the others leave it that. */
    private void flush(List<Worker> dirty) {
        for (Worker w : dirty) {
            while (!w.outbox.isEmpty()) {
                if (!w.sendLock.tryLock()) {
                    break; // the holder sends it: it looks at the outbox again after it lets go
                }
                boolean interrupted = Thread.interrupted(); // a caller's interrupt is not the worker's end
                try {
                    for (byte[] m; (m = w.outbox.poll()) != null; ) {
                        try {
                            w.connection.sendBytes(m);
                        } catch (dev.mp4j.InterruptedError e) {
                            // interrupted before a byte went: the message waits for the next flush
                            interrupted = true;
                            Thread.interrupted();
                            w.outbox.add(m);
                        }
                    }
                } catch (RuntimeException e) {
                    breakPool("cannot send a task to a Python worker (pid " + w.process.pid() + "): " + e);
                    return;
                } finally {
                    w.sendLock.unlock();
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
    }

    /** Starts the workers and their readers; a worker that cannot start breaks the executor. */
    private void startWorkers() {
        byte[] authkey = new byte[32];
        new SecureRandom().nextBytes(authkey);
        Path script;
        try {
            scriptDir = Files.createTempDirectory("mp4j-python-");
            script = scriptDir.resolve("mp4j_worker.py");
            try (InputStream in = PythonExecutor.class.getResourceAsStream("mp4j_worker.py")) {
                if (in == null) {
                    throw new IllegalStateException("mp4j_worker.py is missing from the mp4j-python jar");
                }
                Files.write(script, in.readAllBytes());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Python worker script", e);
        }
        listener = new Listener(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), maxWorkers, authkey);
        int port = ((InetSocketAddress) listener.address()).getPort();
        List<String> command = new ArrayList<>(List.of(python.toString(), "-u", script.toString(), "127.0.0.1",
                Integer.toString(port)));
        if (initializer != null) {
            command.add(initializer);
        }
        for (int i = 0; i < maxWorkers; i++) {
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT);
            if (!pythonPath.isEmpty()) {
                List<String> parts = new ArrayList<>();
                for (Path p : pythonPath) {
                    parts.add(p.toString());
                }
                String old = pb.environment().get("PYTHONPATH");
                if (old != null && !old.isEmpty()) {
                    parts.add(old);
                }
                pb.environment().put("PYTHONPATH", String.join(java.io.File.pathSeparator, parts));
            }
            Process p;
            try {
                p = pb.start();
                try (OutputStream stdin = p.getOutputStream()) {
                    stdin.write((HexFormat.of().formatHex(authkey) + "\n").getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                breakPool("a Python worker could not start (" + python + "): " + e);
                throw new BrokenProcessPool(broken, e);
            }
            Worker w = new Worker(p);
            workers.add(w);
            p.onExit().thenRun(() -> ended(w));
        }
        for (int i = 0; i < maxWorkers; i++) {
            readers.add(Thread.ofPlatform().daemon().name("mp4j-python-worker-reader-" + i).start(this::read));
        }
    }

    private void ended(Worker w) {
        boolean lost;
        synchronized (this) {
            lost = w.died || !w.stopSent && !w.killed;
            if (lost) {
                workersLost++;
            }
        }
        if (lost) {
            breakPool("a Python worker (pid " + w.process.pid() + ") ended with exit code " + w.process.exitValue());
        }
    }

    /**
     * A reader: accepts a worker's connection, then reads its replies, completes their futures and gives the
     * worker its next tasks. A worker that ends or fails breaks the executor, unless it was told to exit.
     */
    private void read() {
        Connection c;
        Worker w;
        try {
            c = listener.accept();
            Object hello = loader.loads(c.recvBytes());
            if (!(hello instanceof List<?> h) || h.size() != 2 || !"hello".equals(h.get(0))
                    || (w = connected(h.get(1), c)) == null) {
                c.close();
                throw new PickleError("a worker's greeting that is not ('hello', pid) of a worker: " + hello);
            }
        } catch (RuntimeException e) {
            if (broken == null) {
                breakPool("a Python worker did not connect: " + e);
            }
            return;
        }
        try (c) {
            flush(assignLocked());
            while (true) {
                Object reply;
                try {
                    reply = loader.loads(c.recvBytes());
                } catch (RuntimeException e) {
                    boolean expected;
                    synchronized (this) {
                        expected = w.stopSent && w.inflight.isEmpty() || w.killed;
                        w.died = !expected;
                    }
                    if (!expected) {
                        // the executor is broken before the tasks' futures fail, so that no submit slips in between
                        breakPool("a Python worker (pid " + w.process.pid() + ") ended while running a task (" + e
                                + ")");
                    }
                    return;
                }
                if (!(reply instanceof List<?> r) || r.size() < 4 || !(r.get(0) instanceof Long id)
                        || !(r.get(1) instanceof Long nanos)) {
                    breakPool("a Python worker's reply that is not (id, nanos, ok, ...): " + reply);
                    return;
                }
                Task t;
                List<Worker> dirty;
                synchronized (this) {
                    t = w.inflight.remove(id);
                    if (t == null) {
                        dirty = null;
                    } else {
                        w.inflightBytes -= t.weight;
                        w.serviceNanos = w.serviceNanos < 0 ? nanos : (w.serviceNanos * 3 + nanos) / 4;
                        count(t, r);
                        dirty = assign();
                    }
                }
                if (t == null) {
                    if (broken == null) {
                        breakPool("a Python worker's reply to a task it does not hold: " + id);
                    }
                    return;
                }
                flush(dirty);
                complete(t, r);
            }
        }
    }

    private synchronized List<Worker> assignLocked() {
        return assign();
    }

    /** @return the worker of this pid, now connected; null if there is none */
    private synchronized Worker connected(Object pid, Connection c) {
        for (Worker w : workers) {
            if (pid instanceof Long p && w.process.pid() == p && w.connection == null) {
                w.connection = c;
                return w;
            }
        }
        return null;
    }

    /** Counts a reply's tasks: a map chunk that raised ran the items before the one that raised. */
    private void count(Task t, List<?> r) {
        if (Boolean.TRUE.equals(r.get(2))) {
            completed += t.items;
            return;
        }
        long index = r.size() > 6 && r.get(6) instanceof Long i && i >= 0 && i < t.items ? i : 0;
        completed += index;
        failed += 1;
        cancelled += t.items - index - 1;
    }

    /** Completes a task's future with its reply: (id, nanos, True, result) or (id, nanos, False, type, args, text, index). */
    private static void complete(Task t, List<?> r) {
        if (Boolean.TRUE.equals(r.get(2))) {
            t.future.setResult(r.get(3));
            return;
        }
        List<Object> args = r.size() > 4 && r.get(4) instanceof List<?> a ? new ArrayList<>(a) : List.of();
        String traceback = r.size() > 5 && r.get(5) instanceof String s ? s : null;
        t.future.setException(new PythonError(String.valueOf(r.get(3)), args, traceback));
    }

    private void breakPool(String why) {
        List<Task> lost = new ArrayList<>();
        List<Worker> toKill;
        synchronized (this) {
            if (broken == null) {
                broken = why;
            }
            for (Task t; (t = queue.poll()) != null; ) {
                lost.add(t);
            }
            for (Worker w : workers) {
                lost.addAll(w.inflight.values());
                w.inflight.clear();
                w.inflightBytes = 0;
                w.killed = w.killed || w.process.isAlive();
            }
            for (Task t : lost) {
                if (t.future.cancelled()) {
                    cancelled += t.items;
                } else {
                    failed += t.items;
                }
            }
            toKill = List.copyOf(workers);
            if (listener != null) {
                listener.close();
            }
        }
        for (Task t : lost) {
            if (!t.future.cancelled()) {
                t.future.setException(new BrokenProcessPool(broken));
            } else {
                t.future.setRunningOrNotifyCancel();
            }
        }
        for (Worker w : toKill) {
            w.process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            w.process.destroyForcibly();
            Connection c = w.connection;
            if (c != null) {
                c.close();
            }
        }
    }

    private synchronized void cleanUp() {
        for (Worker w : workers) {
            if (w.process.isAlive()) {
                w.killed = true;
                w.process.destroyForcibly();
            }
        }
        if (listener != null) {
            listener.close();
        }
        if (scriptDir != null) {
            try {
                Files.deleteIfExists(scriptDir.resolve("mp4j_worker.py"));
                Files.deleteIfExists(scriptDir);
            } catch (IOException e) {
                // a temporary file
            }
        }
    }

    /** A worker process: its connection once it connected, and the tasks it holds. */
    private static final class Worker {
        final Process process;
        final LinkedHashMap<Long, Task> inflight = new LinkedHashMap<>(); // guarded by the executor, in the order sent
        final ConcurrentLinkedQueue<byte[]> outbox = new ConcurrentLinkedQueue<>(); // decided, not yet sent
        final ReentrantLock sendLock = new ReentrantLock(); // held while sending from the outbox
        volatile Connection connection; // set once, under the executor's lock
        long inflightBytes; // guarded by the executor
        long serviceNanos = -1; // guarded by the executor: a moving average of its tasks' run times
        boolean stopSent; // guarded by the executor
        boolean killed; // guarded by the executor: mp4j ended it
        boolean died; // guarded by the executor: its connection ended while it was not told to exit

        Worker(Process process) {
            this.process = process;
        }

        boolean canTake(Task t) {
            if (connection == null || stopSent || killed) {
                return false;
            }
            return inflight.isEmpty() || (inflight.size() < WINDOW && serviceNanos >= 0 && serviceNanos < FAST_NANOS
                    && inflightBytes + t.weight <= PREFETCH_BYTES);
        }
    }

    /** One submitted call, or one chunk of a map. */
    private static final class Task {
        final long id;
        final int items;
        final int weight;
        final Future<Object> future = new Future<>();
        byte[] message; // until it goes to a worker's outbox

        Task(long id, int items, byte[] message) {
            this.id = id;
            this.items = items;
            this.weight = message.length;
            this.message = message;
        }
    }

    /**
     * The results of a map, chunk by chunk; closing them cancels the chunks not yet started. One thread consumes
     * them; {@link #done()} may be read from any.
     */
    private static final class Results implements ResultIterator<Object> {
        private final List<Future<Object>> chunks;
        private final int total;
        private int nextChunk;
        private Iterator<?> current = List.of().iterator();
        private volatile int done;
        private volatile boolean closed;

        Results(List<Future<Object>> chunks, int total) {
            this.chunks = chunks;
            this.total = total;
        }

        @Override
        public boolean hasNext() {
            return !closed && (current.hasNext() || nextChunk < chunks.size());
        }

        @Override
        public Object next() {
            return next(null);
        }

        @Override
        public Object next(Duration timeout) {
            if (closed) {
                throw new IllegalStateException("the ResultIterator is closed");
            }
            while (!current.hasNext()) {
                if (nextChunk >= chunks.size()) {
                    throw new NoSuchElementException();
                }
                Future<Object> chunk = chunks.get(nextChunk);
                try {
                    current = ((List<?>) chunk.result(timeout)).iterator();
                } catch (dev.mp4j.futures.TimeoutError e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    nextChunk++;
                    done = done + 1; // the item that raised
                    throw e;
                }
                nextChunk++;
            }
            done = done + 1;
            return current.next();
        }

        @Override
        public int done() {
            return done;
        }

        @Override
        public OptionalInt total() {
            return OptionalInt.of(total);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                for (int i = nextChunk; i < chunks.size(); i++) {
                    chunks.get(i).cancel();
                }
            }
        }

        @Override
        public List<Object> toList() {
            List<Object> out = new ArrayList<>();
            while (hasNext()) {
                out.add(next());
            }
            return out;
        }

        @Override
        public Stream<Object> stream() {
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, 0), false);
        }

        @Override
        public Iterator<Object> iterator() {
            return this;
        }
    }

    /** A {@link PythonExecutor}'s settings. */
    public static final class Builder {
        private Path python = Path.of("python3");
        private List<Path> pythonPath = List.of();
        private int maxWorkers = Runtime.getRuntime().availableProcessors();
        private String initializer;

        Builder() {}

        /**
         * @param python the interpreter (a path, or a name looked up on PATH; default {@code python3})
         * @return this builder
         */
        public Builder python(Path python) {
            this.python = Objects.requireNonNull(python, "python");
            return this;
        }

        /**
         * @param paths directories put first on the workers' {@code PYTHONPATH} (where the task modules are)
         * @return this builder
         */
        public Builder pythonPath(List<Path> paths) {
            this.pythonPath = List.copyOf(paths);
            return this;
        }

        /**
         * @param n the number of worker processes (at least 1)
         * @return this builder
         * @throws IllegalArgumentException if n is below 1
         */
        public Builder maxWorkers(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxWorkers must be at least 1, got " + n);
            }
            this.maxWorkers = n;
            return this;
        }

        /**
         * @param initializer {@code "module:qualname"} of a function each worker calls once, before any task;
         *     one that raises ends the worker, which breaks the executor
         * @return this builder
         */
        public Builder initializer(String initializer) {
            this.initializer = initializer;
            return this;
        }

        /** @return the executor (its workers start at the first submit) */
        public PythonExecutor build() {
            return new PythonExecutor(this);
        }
    }
}
