package dev.mp4j.internal.pool;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.futures.BrokenProcessPool;
import dev.mp4j.internal.jfr.Events;
import dev.mp4j.internal.spawn.AotCache;
import dev.mp4j.internal.spawn.ChildJvm;
import dev.mp4j.internal.util.ProcessTrees;
import dev.mp4j.internal.spawn.Launcher;
import dev.mp4j.internal.spawn.Identity;
import dev.mp4j.internal.spi.PoolStrategy;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.SerialFilters;
import dev.mp4j.internal.wire.Tags;
import dev.mp4j.multiprocessing.ProcessError;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Workers that are JVMs booted by a context's {@link Launcher}, each running a {@link WorkerJob}. Tasks are
 * serialized in the submitting thread; one daemon platform thread per worker boots it and then reads its
 * results ({@link PoolFrames}) until it ends. Platform, not virtual: a virtual thread blocked in a read is woken
 * by the JDK's poller thread and then scheduled on a carrier, two hand-offs where a platform thread has none;
 * on a warm 2-worker pool that made a submit→result round trip about three times as long.
 */
public final class JvmBackend extends BreakingBackend {
    private static final AtomicBoolean CODEC_PREPARED = new AtomicBoolean();

    private final Launcher launcher;
    private final SerializableRunnable initializer;
    /** Workers booting ahead of the engine's start ({@link #bootAhead}), the oldest first; guarded by itself. */
    private final ArrayDeque<Life> ahead = new ArrayDeque<>();
    private final long softLimitNanos;
    private final long maxMemory;
    /** Whether the workers are an executor's, booted with its smaller heap ({@link Launcher#obtain(Consumer, boolean)}). */
    private final boolean smallHeap;
    /** What this JVM accepts from the workers: the context's filter and the default limits; null: the JVM's. */
    private final ObjectInputFilter filter;
    /** The argument buffers of chunks done, for chunks to come. */
    private final Spares spares = new Spares();
    /**
     * The class of the code last noted for the workers' AOT cache ({@link #noteCode}); null before the first,
     * and for a class of a loader other than the system's, which is not held here (it may be unloaded).
     */
    private Class<?> noted;
    /** Whether {@link #noteCode} has noted the initializer's class. */
    private boolean initializerNoted;

    /**
     * @param launcher boots the worker JVMs
     * @param initializer run once in every worker before its first task; null for none
     * @param softLimitNanos a worker interrupts a task's thread once it ran this long; 0 for never
     * @param maxMemory a worker whose used heap is above this after a task is replaced; 0 for no limit
     */
    public JvmBackend(Launcher launcher, SerializableRunnable initializer, long softLimitNanos, long maxMemory) {
        this(launcher, initializer, softLimitNanos, maxMemory, false);
    }

    /**
     * @param launcher boots the worker JVMs
     * @param initializer run once in every worker before its first task; null for none
     * @param softLimitNanos a worker interrupts a task's thread once it ran this long; 0 for never
     * @param maxMemory a worker whose used heap is above this after a task is replaced; 0 for no limit
     * @param smallHeap whether the workers are a ProcessPoolExecutor's, booted with its smaller initial heap
     *     ({@link Launcher#obtain(Consumer, boolean)}) rather than a child's usual one (a Pool's map chunks
     *     would fill that young generation within a program's first map)
     */
    public JvmBackend(Launcher launcher, SerializableRunnable initializer, long softLimitNanos, long maxMemory,
                      boolean smallHeap) {
        super("process");
        this.smallHeap = smallHeap;
        this.launcher = launcher;
        this.initializer = initializer;
        this.softLimitNanos = softLimitNanos;
        this.maxMemory = maxMemory;
        this.filter = SerialFilters.effective(launcher.serialFilter());
    }

    @Override
    public RuntimeException broken(String message, Throwable cause) {
        return new BrokenProcessPool(message, cause);
    }

    @Override
    public Object prepare(Object task) throws IOException {
        if (task instanceof Chunks.Chunk c) {
            noteCode(c.fn().function());
            return new PreparedChunk(c.fn(), false, c.fn().bytes(), encodeArgs(c.args()));
        }
        if (task instanceof Chunks.EachChunk c) {
            noteCode(c.fn().function());
            return new PreparedChunk(c.fn(), true, c.fn().bytes(), encodeArgs(c.args()));
        }
        if (!(task instanceof Serializable)) {
            throw new NotSerializableException(task.getClass().getName());
        }
        noteCode(task);
        return Codec.encode(task);
    }

    /**
     * Notes the class of a function's or task's code, and before the first the initializer's, for the
     * training of the workers' AOT cache ({@link AotCache#noteJobClass}), which waits for a first job when
     * the workers boot before it: the cache then holds the classes a worker loads at its first chunk, which
     * it would otherwise read from the application's jar and verify in each worker of every later run. Once
     * per change of class: a map's chunks share their function. A race between threads only notes again.
     */
    private void noteCode(Object code) {
        Object run = code instanceof PoolStrategy.Spread<?, ?, ?> spread ? spread.function() : code;
        Class<?> type = Codec.codeClass(run);
        if (type != noted) {
            if (!initializerNoted) {
                initializerNoted = true;
                if (initializer != null) {
                    AotCache.noteJobClass(Codec.codeClass(initializer));
                }
            }
            AotCache.noteJobClass(type);
            noted = type.getClassLoader() == ClassLoader.getSystemClassLoader() ? type : null;
        }
    }

    /**
     * @return the arguments serialized as the ArrayList the worker decodes (whatever list holds them), into
     *     the buffer of a chunk done before when it is as long
     */
    private byte[] encodeArgs(List<Object> args) throws IOException {
        if (args instanceof Chunks.Slice s) {
            byte[] spare = spares.take(Codec.bulkListLength(s.array(), s.from(), s.to(), 0));
            byte[] out = Codec.encodeList(s.array(), s.from(), s.to(), 0, spare);
            if (spare != null && out != spare) {
                spares.give(spare);
            }
            return out;
        }
        Object[] a = args.toArray();
        return Codec.encodeList(a, 0, a.length, 0);
    }

    @Override
    public boolean preparesCopies() {
        return true;
    }

    /** A done chunk's arguments' buffer is kept for the next chunk of as many bytes (a map's next chunk). */
    @Override
    public void done(Object prepared) {
        if (prepared instanceof PreparedChunk c) {
            spares.give(c.args);
        }
    }

    @Override
    public long weight(Object prepared) {
        return prepared instanceof PreparedChunk c ? c.fnBytes.length + c.args.length : ((byte[]) prepared).length;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object restore(Object prepared) throws IOException, ClassNotFoundException {
        if (prepared instanceof PreparedChunk c) {
            List<Object> args = (List<Object>) Codec.decode(c.args, null);
            return c.each ? new Chunks.EachChunk(c.fn, args) : new Chunks.Chunk(c.fn, args);
        }
        return Codec.decode((byte[]) prepared, null);
    }

    /**
     * A chunk ready to go: its function serialized (once per map call) and its arguments.
     *
     * @param fn the function
     * @param each whether it is an {@link Chunks.EachChunk}
     * @param fnBytes the serialized function
     * @param args the serialized arguments
     */
    private record PreparedChunk(Chunks.Fn fn, boolean each, byte[] fnBytes, byte[] args) {}

    /** Readies the codec ({@link Codec#prepare}) on its own thread. */
    private static final class CodecPrepare implements Runnable {
        @Override
        public void run() {
            Codec.prepare(true);
        }
    }

    @Override
    public RuntimeException unsendable(Throwable e) {
        return new IllegalArgumentException("cannot send the task to a worker JVM: "
                + (e instanceof NotSerializableException ? "class " + e.getMessage() + " is not serializable "
                + "(a lambda must target a dev.mp4j.function type, and what it captures must be serializable)"
                : e.toString()), e);
    }

    @Override
    public String newName(String kind) {
        return Identity.newChildName(kind);
    }

    /**
     * Starts booting {@code n} worker JVMs now, ahead of the engine's start of its workers: the engine's next
     * {@code n} {@link #start}s take them. A pool calls this first thing, so that its workers' JVMs are
     * exec'd at once and boot while the rest of the pool (its engine, its result handler) is made and the
     * caller goes on; made in that order, a fresh JVM exec'd them 30-80 ms later. Booting ahead what no
     * start takes is ended by {@link #dropAhead}.
     *
     * @param n how many
     */
    public void bootAhead(int n) {
        for (int i = 0; i < n; i++) {
            Life life = new Life();
            synchronized (ahead) {
                ahead.add(life);
            }
            Thread.ofPlatform().daemon().name("mp4j-pool-boot").start(life);
        }
    }

    /**
     * Ends the workers booted ahead that no {@link #start} took (a pool whose construction failed): one not
     * begun yet never boots, one booting is killed now rather than once booted.
     */
    public void dropAhead() {
        synchronized (ahead) {
            for (Life life : ahead) {
                life.worker.complete(null);
                life.link.process.thenAccept(JvmBackend::destroy);
            }
            ahead.clear();
        }
    }

    @Override
    public Link start(PoolEngine.Worker worker) {
        Life life;
        synchronized (ahead) {
            life = ahead.poll();
        }
        if (life != null) {
            life.worker.complete(worker);
            return life.link;
        }
        life = new Life();
        life.worker.complete(worker);
        Thread.ofPlatform().daemon().name("mp4j-pool-".concat(worker.name())).start(life);
        return life.link;
    }

    private static void destroy(java.lang.Process process) {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    /** A worker's thread: it boots the worker's JVM, then serves the engine's worker, once it is given. */
    private final class Life implements Runnable {
        final JvmLink link = new JvmLink();
        /** The engine's worker, given by {@link #start}; null if none ever is ({@link #dropAhead}). */
        final CompletableFuture<PoolEngine.Worker> worker = new CompletableFuture<>();

        @Override
        public void run() {
            live(worker, link);
        }
    }

    /** The life of one worker, on its own thread: boot, serve, exit. */
    private void live(CompletableFuture<PoolEngine.Worker> given, JvmLink link) {
        if (given.isDone() && given.join() == null) {
            link.process.complete(null); // dropped before it began
            return;
        }
        long began = System.nanoTime();
        ChildJvm jvm = null;
        Exception failure = null;
        try {
            jvm = launcher.obtain(link, smallHeap);
        } catch (IOException | RuntimeException e) {
            failure = e;
        }
        PoolEngine.Worker w = given.join();
        if (w == null) {
            link.process.complete(null);
            if (jvm != null) {
                jvm.process().destroyForcibly();
                jvm.release();
            }
            return;
        }
        Thread.currentThread().setName("mp4j-pool-".concat(w.name())); // no + : its call site links on first run
        if (jvm != null) {
            try {
                jvm.name(w.name());
                jvm.sendJob(new WorkerJob(w.name(), initializer, softLimitNanos, maxMemory).encode(),
                        launcher.serialFilter());
                Events.workerStart(w.name(), jvm.pid(), launcher.startMethod(), System.nanoTime() - began,
                        jvm.process().toHandle());
            } catch (IOException | RuntimeException e) {
                failure = e;
            }
        }
        if (failure != null) {
            link.process.complete(null);
            Integer killed = killedWhileBooting(link.process.getNow(null));
            if (killed != null) {
                w.gone(killed, null, null); // it had started: a death like any other, for the pool's policy to judge
            } else {
                w.gone(null, "worker " + w.name() + " could not be started: " + failure.getMessage(), failure);
            }
            if (jvm != null) {
                // a child whose job could not be made or sent: ended, and its spare's replacement scheduled
                jvm.process().destroyForcibly();
                jvm.release();
            }
            return;
        }
        serve(w, link, jvm);
    }

    /** Serves {@code w} through its booted JVM until the JVM exits. */
    private void serve(PoolEngine.Worker w, JvmLink link, ChildJvm jvm) {
        link.jvm = jvm;
        w.ready();
        String tree = jvm.treeToken(); // as its launch set it, not read back from /proc
        int code = jvm.readUntilExit(new Reader(w, jvm));
        jvm.release();
        if (code < 0 && !link.killed) {
            ProcessTrees.killMarked(tree); // killed from outside: what it started is orphaned now
        }
        w.gone(code, null, null);
    }

    /** Hands a worker's frames to the engine. */
    private final class Reader implements Consumer<byte[]> {
        private final PoolEngine.Worker w;
        private final ChildJvm jvm;

        Reader(PoolEngine.Worker w, ChildJvm jvm) {
            this.w = w;
            this.jvm = jvm;
        }

        @Override
        public void accept(byte[] frame) {
            try {
                onFrame(w, frame);
            } catch (Throwable t) {
                // a bug or an exhausted JVM here must not end the worker's reader: that would hang the pool
                w.failed(t);
            }
            jvm.channel().recycle(frame); // read through: onFrame keeps nothing of it
        }
    }

    /**
     * @param process the worker's OS process, if one was started
     * @return -N if a signal N ended it before it had connected (a kill, not a failure to start); otherwise null
     */
    private static Integer killedWhileBooting(java.lang.Process process) {
        if (process == null) {
            return null;
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly(); // alive but unreachable: this worker could not be started
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        int status = process.exitValue();
        return status > 128 && status < 128 + 65 ? -(status - 128) : null;
    }

    /** Reads a frame through before it returns: the frame's array is then reused for the next one. */
    private void onFrame(PoolEngine.Worker w, byte[] frame) {
        switch (Tags.of(frame)) {
            case Tags.RESULT -> onResult(w, frame);
            case Tags.BOUNCE -> w.bounced(PoolFrames.LongFrame.value(frame));
            case Tags.SOFT_LIMIT -> w.softLimited(PoolFrames.LongFrame.value(frame));
            case Tags.MEMORY -> w.overMemory(PoolFrames.LongFrame.value(frame));
            case Tags.INIT_FAILED -> w.initFailed(decodeThrowable(PoolFrames.InitFailedFrame.error(frame)));
            default -> { }
        }
    }

    private void onResult(PoolEngine.Worker w, byte[] frame) {
        long id = PoolFrames.id(frame);
        PoolFrames.Status status = PoolFrames.ResultFrame.status(frame);
        long runNanos = PoolFrames.ResultFrame.runNanos(frame);
        if (status == PoolFrames.Status.CHUNK_VALUES || status == PoolFrames.Status.EACH_VALUES) {
            // every call returned: the worker gets its next chunk before this JVM reads these values
            w.values(id, new Values(id, status, frame), runNanos, frame.length);
        } else {
            TaskRunner.Outcome out = read(id, status, frame, null, 0, 0);
            w.result(id, out.value(), out.error(), runNanos, frame.length);
        }
    }

    /** A chunk's values, read once its worker got its next tasks. */
    private final class Values implements PoolEngine.Later {
        private final long id;
        private final PoolFrames.Status status;
        private final byte[] frame;

        Values(long id, PoolFrames.Status status, byte[] frame) {
            this.id = id;
            this.status = status;
            this.frame = frame;
        }

        @Override
        public TaskRunner.Outcome read(Object[] into, int at, int count) {
            return JvmBackend.this.read(id, status, frame, into, at, count);
        }
    }

    /**
     * @param into where a chunk's values go if they can ({@link Codec#decodeElements(byte[], int, int,
     *     ObjectInputFilter, Object[], int, int)}), or null
     * @param at where the first goes in {@code into}
     * @param count the chunk's calls
     * @return the value or exception a RESULT frame carries, or the error reading it raised
     */
    private TaskRunner.Outcome read(long id, PoolFrames.Status status, byte[] frame, Object[] into, int at,
                                    int count) {
        boolean failed = status == PoolFrames.Status.EXCEPTION;
        Object value = null;
        Throwable error = null;
        try {
            int body = PoolFrames.ResultFrame.BODY;
            if (status == PoolFrames.Status.CHUNK_VALUES || status == PoolFrames.Status.EACH_VALUES) {
                // the values straight into the map's result when they are numbers (no array of their own to
                // make and copy), else in an array of their own, no list made around them: a map's result
                // copies them from it in one go
                Object[] a = Codec.decodeElements(frame, body, frame.length - body, filter, into, at, count);
                List<Object> values = into != null && a == into ? new Chunks.Slice(a, at, at + count)
                        : new Chunks.Slice(a, 0, a.length);
                value = status == PoolFrames.Status.CHUNK_VALUES ? new Chunks.ChunkResult(values, null)
                        : new Chunks.EachResult(values, null);
            } else {
                Object decoded = Codec.decode(frame, body, frame.length - body, filter);
                if (failed) {
                    error = (Throwable) decoded;
                } else {
                    value = decoded;
                }
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            error = unreadable(id, failed, e);
        }
        return new TaskRunner.Outcome(value, error);
    }

    /**
     * The error of a RESULT frame that could not be read: apart from {@link #read}, which every chunk's
     * values go through, so that the JIT's first compilation of it leaves these messages out.
     *
     * @param failed whether the frame carried the task's exception
     * @param e what reading it raised
     */
    private static ProcessError unreadable(long id, boolean failed, Throwable e) {
        if (e instanceof ClassNotFoundException) {
            return new ProcessError("cannot load class " + e.getMessage() + " of the "
                    + (failed ? "exception raised by" : "result of") + " task " + id + " in this JVM", e);
        }
        return new ProcessError("cannot read the " + (failed ? "exception raised by" : "result of")
                + " task " + id + ": " + e, e);
    }

    private Throwable decodeThrowable(byte[] body) {
        try {
            return (Throwable) Codec.decode(body, filter);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return new ProcessError("cannot read the exception a worker sent: " + e, e);
        }
    }

    /**
     * One worker JVM: its OS process (known before it connects) and, once booted, its channel. It is told the
     * process as soon as it exists.
     */
    private static final class JvmLink implements Link, Consumer<java.lang.Process> {
        final CompletableFuture<java.lang.Process> process = new CompletableFuture<>();
        volatile ChildJvm jvm;
        volatile boolean killed; // by the engine, which killed its descendants too
        // the ids of the functions the worker keeps, the last PoolFrames.FUNCTIONS sent, as a ring whose oldest
        // is overwritten first (as the worker forgets them); only the engine's sending thread touches these
        private final long[] functions = new long[PoolFrames.FUNCTIONS];
        private int functionCount;
        private int nextFunction;

        @Override
        public void accept(java.lang.Process started) {
            process.complete(started);
            if (!CODEC_PREPARED.getAndSet(true)) {
                // this JVM's first worker boots for a while now: meanwhile ready what decodes its results
                Thread.ofPlatform().daemon().name("mp4j-codec-prepare").start(new CodecPrepare());
            }
        }

        @Override
        public void send(long id, Object prepared) throws IOException {
            if (prepared instanceof PreparedChunk c) {
                long fnId = c.fn.id();
                boolean known = knows(fnId);
                if (!known) {
                    functions[nextFunction] = fnId;
                    nextFunction = (nextFunction + 1) % functions.length;
                    functionCount = Math.min(functionCount + 1, functions.length);
                }
                jvm.channel().send(PoolFrames.ChunkFrame.head(id, c.each, fnId, known ? null : c.fnBytes), c.args);
            } else {
                jvm.channel().send(PoolFrames.task(id, (byte[]) prepared));
            }
        }

        /** @return whether the worker keeps the function {@code fnId} (no boxing: this runs for every chunk) */
        private boolean knows(long fnId) {
            for (int i = 0; i < functionCount; i++) {
                if (functions[i] == fnId) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void quit() throws IOException {
            jvm.channel().send(PoolFrames.quit());
        }

        /** Kills the worker and the processes it started. */
        @Override
        public void kill() {
            killed = true;
            ProcessTrees.kill(process.getNow(null));
        }

        @Override
        public long pid() {
            java.lang.Process p = process.getNow(null);
            return p == null ? -1 : p.pid();
        }

        @Override
        public ProcessHandle process(long waitSeconds) throws InterruptedException {
            java.lang.Process p;
            try {
                p = process.get(waitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                return null;
            }
            return p == null || !p.isAlive() ? null : p.toHandle();
        }
    }
}
