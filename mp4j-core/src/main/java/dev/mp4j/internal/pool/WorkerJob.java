package dev.mp4j.internal.pool;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.spawn.Child;
import dev.mp4j.internal.spawn.Identity;
import dev.mp4j.internal.spawn.Job;
import dev.mp4j.internal.spawn.JobForm;
import dev.mp4j.internal.util.KeepAlive;
import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.util.LifecycleLog;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Tags;
import dev.mp4j.multiprocessing.ProcessError;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The job of a pool worker JVM: run the initializer, then tasks as {@link PoolFrames} describes until told
 * to quit (exit 0) or until the parent is gone.
 *
 * <p>It travels in a {@link JobForm}, so that a fresh worker does not start JDK deserialization (and the
 * JDK's serial filter configuration) to read its job. Tasks, from the same parent, are read as
 * {@link Codec#decodeFromParent} reads.
 */
public final class WorkerJob implements Job {
    /** First byte of the encoded form. */
    public static final byte MARK = JobForm.WORKER;
    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.pool");
    /**
     * How a task's exception is made fit to send back: one instance, where a method reference in the chunk's
     * path was evaluated for every chunk, in the interpreter through a fresh worker's first chunks an
     * invokedynamic call and two lambda-form methods each time. A class, not a method reference: this class
     * is initialized in the pool's JVM too, which makes every worker's job here, on the way from a worker's
     * connection to its first task, and there a method reference spun a class (1.5-2 ms of a fresh JVM).
     */
    private static final UnaryOperator<Throwable> PORTABLE = new Portable();

    private final String name;
    private final byte[] authkey;
    private final String parentName;
    private final long parentPid;
    private final System.Logger.Level logLevel;
    private final System.Logger.Level lifecycleLevel;
    private final SerializableRunnable initializer;
    private final long softLimitNanos;
    private final long maxMemory;

    /**
     * @param name the worker's process name
     * @param initializer run once before the first task; null for none
     */
    public WorkerJob(String name, SerializableRunnable initializer) {
        this(name, initializer, 0, 0);
    }

    /**
     * @param name the worker's process name
     * @param initializer run once before the first task; null for none
     * @param softLimitNanos interrupt a task's thread once it ran this long; 0 for never
     * @param maxMemory ask to be replaced after a task that left more heap than this in use; 0 for no limit
     */
    public WorkerJob(String name, SerializableRunnable initializer, long softLimitNanos, long maxMemory) {
        this.softLimitNanos = softLimitNanos;
        this.maxMemory = maxMemory;
        Identity.Known parent = Identity.current();
        this.name = name;
        this.authkey = parent.authkey().clone();
        this.parentName = parent.name();
        this.parentPid = ProcessHandle.current().pid();
        this.logLevel = Identity.logLevel();
        this.lifecycleLevel = LifecycleLog.levelForChildren();
        this.initializer = initializer;
    }

    private WorkerJob(String name, byte[] authkey, String parentName, long parentPid, System.Logger.Level logLevel,
                      System.Logger.Level lifecycleLevel, SerializableRunnable initializer, long softLimitNanos, long maxMemory) {
        this.name = name;
        this.authkey = authkey;
        this.parentName = parentName;
        this.parentPid = parentPid;
        this.logLevel = logLevel;
        this.lifecycleLevel = lifecycleLevel;
        this.initializer = initializer;
        this.softLimitNanos = softLimitNanos;
        this.maxMemory = maxMemory;
    }

    /**
     * @return {@link #MARK}, then the fields; the initializer last (see {@link JobForm})
     * @throws IOException if the initializer cannot be serialized (NotSerializableException naming the class)
     */
    public byte[] encode() throws IOException {
        JobForm.Writer w = new JobForm.Writer(MARK);
        w.utf(name);
        w.bytes(authkey);
        w.utf(parentName);
        w.int64(parentPid);
        w.level(logLevel);
        w.level(lifecycleLevel);
        w.int64(softLimitNanos);
        w.int64(maxMemory);
        w.runnable(initializer);
        return w.toByteArray();
    }

    /**
     * @param bytes what {@link #encode} made
     * @return the job
     * @throws IOException if {@code bytes} is not such a form, or its initializer cannot be decoded
     * @throws ClassNotFoundException naming a class of the initializer this JVM cannot load
     */
    public static WorkerJob decode(byte[] bytes) throws IOException, ClassNotFoundException {
        JobForm.Reader r = new JobForm.Reader(bytes, MARK, "the job of a pool worker");
        String name = r.utf();
        byte[] authkey = r.bytes();
        String parentName = r.utf();
        long parentPid = r.int64();
        System.Logger.Level logLevel = r.level();
        System.Logger.Level lifecycleLevel = r.level();
        long softLimitNanos = r.int64();
        long maxMemory = r.int64();
        SerializableRunnable initializer = r.runnable("the initializer of a pool worker");
        r.end();
        return new WorkerJob(name, authkey, parentName, parentPid, logLevel, lifecycleLevel, initializer, softLimitNanos, maxMemory);
    }

    @Override
    public int run(Child child) {
        LifecycleLog.inChild(lifecycleLevel);
        child.becomeChild(name, authkey, parentName, parentPid, logLevel);
        KeepAlive.lingerOff();
        FrameChannel channel = child.channel();
        SoftLimit soft = softLimitNanos > 0 ? new SoftLimit(softLimitNanos, Thread.currentThread()) : null;
        Idle idle = null;
        try {
            if (initializer != null) {
                try {
                    initializer.run();
                } catch (Throwable t) {
                    LOG.log(System.Logger.Level.ERROR, "Exception in initializer of " + name + ":", t);
                    channel.send(PoolFrames.initFailed(t));
                    return 1;
                }
            }
            idle = Runtime.getRuntime().totalMemory() > SMALL_HEAP ? null : new Idle(channel);
            boolean overMemory = false;
            Functions functions = new Functions();
            while (true) {
                if (idle != null) {
                    idle.waiting();
                }
                byte[] frame = channel.receive(Integer.MAX_VALUE - 16L);
                if (idle != null) {
                    idle = idle.working();
                }
                if (frame.length == 0) {
                    continue;
                }
                byte tag = Tags.of(frame);
                if (tag == Tags.QUIT) {
                    return 0;
                }
                boolean task = tag == Tags.TASK || tag == Tags.CHUNK;
                if (task && overMemory) {
                    if (tag == Tags.CHUNK) {
                        functions.learn(frame); // the parent counts it as known now
                    }
                    channel.send(PoolFrames.bounce(PoolFrames.id(frame))); // queued here before the parent knew
                } else if (task) {
                    long began = System.nanoTime();
                    byte[] result = tag == Tags.TASK ? runTask(frame, soft, channel)
                            : runChunk(frame, functions, soft, channel);
                    PoolFrames.ResultFrame.runNanos(result, System.nanoTime() - began);
                    if (maxMemory > 0) {
                        Runtime rt = Runtime.getRuntime();
                        long used = rt.totalMemory() - rt.freeMemory();
                        if (used > maxMemory) {
                            overMemory = true;
                            channel.send(PoolFrames.memory(used));
                        }
                    }
                    channel.send(result);
                }
                if (task) {
                    channel.recycle(frame); // what the task needs of it was decoded into objects of its own
                }
            }
        } catch (IOException parentGone) {
            return 0;
        } finally {
            if (idle != null) {
                idle.stop();
            }
        }
    }

    /** {@link PoolFrames#portable}. */
    private static final class Portable implements UnaryOperator<Throwable> {
        @Override
        public Throwable apply(Throwable error) {
            return PoolFrames.portable(error);
        }
    }

    /** A heap at most this large when the worker starts serving is a small initial heap, collected once idle. */
    static final long SMALL_HEAP = 64L << 20;

    /** How long a worker waits without a task before it collects its boot's garbage. */
    static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * Collects once, after the worker has waited {@link WorkerJob#IDLE_NANOS} without a task, when the heap is small (a
     * child's default initial heap, {@code JvmOptions}): its young generation is a few MB, so its first
     * collection would otherwise fall inside a later map's chunks, and that one costs the most — what survived
     * the boot moves to the old generation, into pages never touched before (15–45 ms measured on a loaded
     * 2-CPU VM, against 0.5–5 ms for the next ones). Collected at boot, before the first task, it delayed that
     * task: a program's first chunks were there waiting in each of 8 workers measured (6–89 ms of collection
     * each, on a loaded 2-CPU VM); collected at the worker's first moment without a task instead, it fell
     * between a map's chunks (the next chunk arrived meanwhile) for 3 of 4 workers. A worker that exits within
     * the delay has nothing to collect for. A heap the user sized larger is left to its own course.
     * {@code -XX:+DisableExplicitGC} turns this off.
     *
     * <p>The worker's loop only notes when it starts and stops waiting for a frame (a clock read and a volatile
     * store each); a check on the pool's timer every half {@link WorkerJob#IDLE_NANOS} decides. A timer armed and
     * cancelled around every wait woke the timer's thread for every task: on 2 CPUs that cut a
     * ProcessPoolExecutor's round trips and an imap's chunks by a third or more.
     */
    private static final class Idle implements Runnable {
        private final FrameChannel channel;
        private final ScheduledFuture<?> check;
        /** When the worker began waiting for a frame (never 0), or 0 while it works. */
        private volatile long waitingSince;
        private volatile boolean done;

        Idle(FrameChannel channel) {
            this.channel = channel;
            this.check = Timers.get().scheduleWithFixedDelay(this, IDLE_NANOS, IDLE_NANOS / 2, TimeUnit.NANOSECONDS);
        }

        void waiting() {
            waitingSince = System.nanoTime() | 1;
        }

        /** @return this, or null once the collection is done (the loop then stops noting) */
        Idle working() {
            waitingSince = 0;
            return done ? null : this;
        }

        void stop() {
            done = true;
            check.cancel(false);
        }

        @Override
        public void run() {
            long since = waitingSince;
            if (done || since == 0 || System.nanoTime() - since < IDLE_NANOS || channel.ready()) {
                return;
            }
            stop();
            System.gc();
        }
    }

    /**
     * Reads a task's bytes (from the parent, as the job: {@link Codec#decodeFromParent}); a task that cannot
     * be read fails with a clear error (a {@link ProcessError}).
     */
    private static Object readTask(byte[] bytes) throws ProcessError {
        return readTask(bytes, 0, bytes.length);
    }

    /** {@link #readTask(byte[])} of {@code bytes[offset, offset + length)}. */
    private static Object readTask(byte[] bytes, int offset, int length) throws ProcessError {
        try {
            return Codec.decodeFromParent(bytes, offset, length);
        } catch (ClassNotFoundException e) {
            throw new ProcessError("the worker cannot load class " + e.getMessage()
                    + " of the task: is it on the class path the worker JVMs get?", e);
        } catch (Throwable t) {
            throw new ProcessError("the worker cannot read the task: " + t, t);
        }
    }

    /**
     * Reads a chunk's arguments as {@link #readTask} reads a task, into an array of their own (a bulk list of
     * numbers is boxed straight into it, with no list made and copied): the runner reads them from it.
     */
    private static List<Object> readArgs(byte[] bytes, int offset, int length) throws ProcessError {
        try {
            Object[] a = Codec.decodeElementsFromParent(bytes, offset, length);
            return new Chunks.Slice(a, 0, a.length);
        } catch (ClassNotFoundException e) {
            throw new ProcessError("the worker cannot load class " + e.getMessage()
                    + " of the task: is it on the class path the worker JVMs get?", e);
        } catch (Throwable t) {
            throw new ProcessError("the worker cannot read the task: " + t, t);
        }
    }

    /**
     * The functions of the CHUNK frames received, by id: the last {@link PoolFrames#FUNCTIONS}, the oldest
     * forgotten first (as the parent's record of them). A function that could not be read is kept as its error.
     */
    private static final class Functions {
        private final java.util.LinkedHashMap<Long, Object> byId = new java.util.LinkedHashMap<>();
        // the function of the last chunk and its id: a map's or an imap's chunks all have the same one, found
        // so without boxing the id and hashing it for every chunk
        private long lastId;
        private Object last;

        /** Reads the function a CHUNK frame carries, if it carries one; @return the frame's function or error */
        Object learn(byte[] frame) {
            long fnId = PoolFrames.ChunkFrame.fnId(frame);
            byte[] bytes = PoolFrames.ChunkFrame.fn(frame);
            if (bytes == null) {
                if (last != null && lastId == fnId) {
                    return last; // the parent sent it known: so it is still in byId, as the parent counts
                }
                Object known = byId.get(fnId);
                if (known == null) {
                    return new ProcessError("the worker does not have function " + fnId + " of the chunk");
                }
                lastId = fnId;
                last = known;
                return known;
            }
            Object fn;
            try {
                fn = readTask(bytes);
            } catch (ProcessError e) {
                fn = e;
            }
            byId.put(fnId, fn);
            if (byId.size() > PoolFrames.FUNCTIONS) {
                byId.remove(byId.keySet().iterator().next());
            }
            lastId = fnId;
            last = fn;
            return fn;
        }
    }

    @SuppressWarnings("unchecked")
    private static byte[] runChunk(byte[] frame, Functions functions, SoftLimit soft, FrameChannel channel) {
        long id = PoolFrames.id(frame);
        boolean each = PoolFrames.ChunkFrame.each(frame);
        Object fn = functions.learn(frame);
        if (fn instanceof ProcessError e) {
            return PoolFrames.failure(id, e);
        }
        List<Object> args;
        try {
            int at = PoolFrames.ChunkFrame.argsOffset(frame);
            args = readArgs(frame, at, frame.length - at);
        } catch (ProcessError e) {
            return PoolFrames.failure(id, e);
        }
        dev.mp4j.function.SerializableFunction<Object, Object> f = (dev.mp4j.function.SerializableFunction<Object, Object>) fn;
        var timer = soft == null ? null : soft.arm(id, interrupted -> softLimited(channel, interrupted));
        Object out;
        try {
            out = each ? TaskRunner.runEach(f, args, PORTABLE) : TaskRunner.runChunk(f, args, PORTABLE);
        } finally {
            if (soft != null) {
                soft.disarm(timer);
            }
        }
        try {
            if (out instanceof Chunks.ChunkResult r && r.error() == null) {
                return PoolFrames.values(id, false, r.values());
            }
            if (out instanceof Chunks.EachResult r && r.errors() == null) {
                return PoolFrames.values(id, true, r.values());
            }
            return PoolFrames.value(id, out);
        } catch (Throwable t) {
            // writing a value failed in a way other than an IOException (a writeObject that throws)
            return PoolFrames.failure(id, t);
        }
    }

    /**
     * A CHUNK frame as a pool's parent sends it, for a worker's path to be run ahead (the AOT training of the
     * children's cache, a forkserver spare's warm-up): {@code fn} over {@code args}, its function included.
     *
     * @param id the task id (also the function's)
     * @param each whether every call gets its own outcome ({@code imap}'s chunks) or the first failure stops it
     * @param fn the function
     * @param args the arguments
     * @return the frame
     * @throws IOException if {@code fn} or an argument cannot be serialized
     */
    public static byte[] sampleChunk(long id, boolean each, dev.mp4j.function.SerializableFunction<Object, Object> fn,
                                     List<Object> args) throws IOException {
        byte[] head = PoolFrames.ChunkFrame.head(id, each, id, Codec.encode(fn));
        Object[] a = args.toArray();
        byte[] body = Codec.encodeList(a, 0, a.length, 0);
        byte[] frame = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, frame, head.length, body.length);
        return frame;
    }

    /**
     * Runs a CHUNK frame ({@link #sampleChunk}) as a worker does, without a parent.
     *
     * @param frame the frame
     * @return its RESULT frame
     */
    public static byte[] runSample(byte[] frame) {
        return runChunk(frame, new Functions(), null, null);
    }

    private static void softLimited(FrameChannel channel, long id) {
        try {
            channel.send(PoolFrames.softLimit(id));
        } catch (IOException parentGone) {
            // the worker ends when its loop sees the channel closed
        }
    }

    private static byte[] runTask(byte[] frame, SoftLimit soft, FrameChannel channel) {
        long id = PoolFrames.id(frame);
        Object task;
        try {
            task = readTask(frame, PoolFrames.TaskFrame.TASK, frame.length - PoolFrames.TaskFrame.TASK);
        } catch (ProcessError e) {
            return PoolFrames.failure(id, e);
        }
        TaskRunner.Outcome out;
        if (soft == null) {
            out = TaskRunner.run(task, PORTABLE);
        } else {
            var timer = soft.arm(id, interrupted -> {
                try {
                    channel.send(PoolFrames.softLimit(interrupted));
                } catch (IOException parentGone) {
                    // the worker ends when its loop sees the channel closed
                }
            });
            try {
                out = TaskRunner.run(task, PORTABLE);
            } finally {
                soft.disarm(timer);
            }
        }
        if (out.error() != null) {
            return PoolFrames.failure(id, out.error());
        }
        try {
            return PoolFrames.value(id, out.value());
        } catch (Throwable t) {
            // writing the value failed in a way other than an IOException (a writeObject that throws)
            return PoolFrames.failure(id, t);
        }
    }
}
