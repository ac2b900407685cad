package dev.mp4j.python;

import dev.mp4j.futures.BrokenProcessPool;
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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
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
 * its command line), runs the initializer, and then runs one task at a time. Their standard output and error are
 * this JVM's. Each worker is fed by a thread of this executor, which sends it the next task once it has answered
 * the last one.
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
    private static final Object STOP = new Object();

    private final Path python;
    private final List<Path> pythonPath;
    private final int maxWorkers;
    private final String initializer;
    private final LinkedBlockingQueue<Object> tasks = new LinkedBlockingQueue<>();
    private final List<Process> workers = new ArrayList<>(); // guarded by this
    private final List<Thread> feeders = new ArrayList<>(); // guarded by this
    private final ConcurrentHashMap<Task, Boolean> pending = new ConcurrentHashMap<>();
    private final Pickle.Loader loader = Pickle.loader();
    private final Pickle.Dumper dumper = Pickle.dumper();
    private Path scriptDir; // guarded by this
    private Listener listener; // guarded by this
    private volatile boolean shutdown;
    private volatile String broken;
    private final java.util.concurrent.atomic.AtomicLong ids = new java.util.concurrent.atomic.AtomicLong();

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
        Task t = new Task("call", callable, new PyTuple(args));
        enqueue(t);
        return t.future;
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
                chunks.add(mapChunk(callable, chunk));
                chunk = new ArrayList<>(chunksize);
            }
        }
        if (!chunk.isEmpty()) {
            chunks.add(mapChunk(callable, chunk));
        }
        return new Results(chunks, n);
    }

    private Future<Object> mapChunk(String callable, List<Object> chunk) {
        Task t = new Task("map", callable, chunk);
        enqueue(t);
        return t.future;
    }

    /**
     * Python's {@code executor.shutdown(wait, cancel_futures=...)}.
     *
     * @param wait whether to return only once every worker process has ended
     * @param cancelFutures whether to cancel the tasks that no worker has started
     */
    public void shutdown(boolean wait, boolean cancelFutures) {
        List<Thread> toJoin;
        List<Process> processes;
        synchronized (this) {
            if (!shutdown) {
                shutdown = true;
                if (cancelFutures) {
                    for (Object o; (o = tasks.poll()) != null; ) {
                        if (o instanceof Task t) {
                            t.future.cancel();
                            pending.remove(t);
                        }
                    }
                }
                for (int i = 0; i < feeders.size(); i++) {
                    tasks.add(STOP);
                }
            }
            toJoin = List.copyOf(feeders);
            processes = List.copyOf(workers);
        }
        if (!wait) {
            return;
        }
        try {
            for (Thread t : toJoin) {
                t.join();
            }
            for (Process p : processes) {
                p.waitFor();
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
        for (Process p : workers) {
            handles.add(p.toHandle());
        }
        return handles;
    }

    // ---- machinery ----

    private void enqueue(Task t) {
        // (kind, id, callable, payload): an unmapped argument fails here, before anything is sent
        t.message = dumper.dumps(new PyTuple(t.kind, ids.incrementAndGet(), t.callable, t.payload));
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
            pending.put(t, Boolean.TRUE);
            tasks.add(t);
        }
    }

    /** Starts the workers and their feeders; a worker that cannot start breaks the executor. */
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
            workers.add(p);
            p.onExit().thenRun(() -> {
                if (!shutdown) {
                    breakPool("a Python worker (pid " + p.pid() + ") ended with exit code " + p.exitValue());
                }
            });
        }
        for (int i = 0; i < maxWorkers; i++) {
            Thread feeder = Thread.ofPlatform().daemon().name("mp4j-python-worker-feeder-" + i).start(this::feed);
            feeders.add(feeder);
        }
    }

    /**
     * A feeder: accepts one worker's connection, then sends it one task at a time. A worker that ends or fails
     * breaks the executor.
     */
    private void feed() {
        Connection c;
        try {
            c = listener.accept();
            Object hello = loader.loads(c.recvBytes());
            if (!(hello instanceof List<?> h) || h.size() != 2 || !"hello".equals(h.get(0))) {
                c.close();
                throw new PickleError("a worker's greeting that is not ('hello', pid): " + hello);
            }
        } catch (RuntimeException e) {
            if (!shutdown || broken != null) {
                breakPool("a Python worker did not connect: " + e);
            }
            return;
        }
        try (c) {
            while (true) {
                Object o;
                try {
                    o = tasks.take();
                } catch (InterruptedException e) {
                    return;
                }
                if (o == STOP) {
                    c.sendBytes(dumper.dumps(null));
                    return;
                }
                Task t = (Task) o;
                if (!t.future.setRunningOrNotifyCancel()) {
                    pending.remove(t);
                    continue;
                }
                Object reply;
                try {
                    c.sendBytes(t.message);
                    reply = loader.loads(c.recvBytes());
                } catch (RuntimeException e) {
                    // the executor is broken before the task's future fails, so that no submit slips in between
                    breakPool("a Python worker ended while running a task (" + e + ")");
                    return;
                }
                pending.remove(t);
                complete(t, reply);
            }
        }
    }

    private static void complete(Task t, Object reply) {
        if (!(reply instanceof List<?> r) || r.size() < 3) {
            t.future.setException(new PickleError("a worker's reply that is not (id, ok, ...): " + reply));
            return;
        }
        if (Boolean.TRUE.equals(r.get(1))) {
            t.future.setResult(r.get(2));
            return;
        }
        List<Object> args = r.size() > 3 && r.get(3) instanceof List<?> a ? new ArrayList<>(a) : List.of();
        String traceback = r.size() > 4 && r.get(4) instanceof String s ? s : null;
        t.future.setException(new PythonError(String.valueOf(r.get(2)), args, traceback));
    }

    private void breakPool(String why) {
        List<Process> processes;
        synchronized (this) {
            if (broken == null) {
                broken = why;
            }
            processes = List.copyOf(workers);
        }
        for (Task t : List.copyOf(pending.keySet())) {
            pending.remove(t);
            t.future.setException(new BrokenProcessPool(broken));
        }
        for (Object o; (o = tasks.poll()) != null; ) {
            if (o instanceof Task t) {
                pending.remove(t);
                t.future.setException(new BrokenProcessPool(broken));
            }
        }
        for (Process p : processes) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        synchronized (this) {
            if (listener != null) {
                listener.close();
            }
            for (int i = 0; i < feeders.size(); i++) {
                tasks.add(STOP);
            }
        }
    }

    private synchronized void cleanUp() {
        for (Process p : workers) {
            if (p.isAlive()) {
                p.destroyForcibly();
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

    /** One submitted call, or one chunk of a map. */
    private static final class Task {
        final String kind;
        final String callable;
        final Object payload;
        final Future<Object> future = new Future<>();
        byte[] message;

        Task(String kind, String callable, Object payload) {
            this.kind = kind;
            this.callable = callable;
            this.payload = payload;
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
