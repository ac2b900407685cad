package dev.mp4j.internal.child;

import dev.mp4j.function.SerializableCallable;
import dev.mp4j.function.SerializableFunction;
import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.pool.PoolFrames;
import dev.mp4j.internal.pool.WorkerJob;
import dev.mp4j.internal.queue.IpcQueues;
import dev.mp4j.internal.queue.PipeEnd;
import dev.mp4j.internal.ring.Ring;
import dev.mp4j.internal.ring.RingDescriptor;
import dev.mp4j.internal.wire.Tags;
import dev.mp4j.internal.sync.ProcessLock;
import dev.mp4j.internal.wire.Codec;

import java.io.IOException;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * The work a child does after it connects — decoding a process's job and a worker's, a worker's task and
 * result frames — done ahead on sample objects: by a forkserver spare while it waits for its job, and by
 * the AOT training JVM, so that a real job finds these paths loaded, linked and warm.
 */
final class Warmup {
    /**
     * Classes that decoding a queue, pipe or lock handle initializes; {@link Posix#linkAhead} links the FFM
     * handles. (The queue's own class is not public: {@link IpcQueues#initialize()} initializes it.)
     */
    private static final List<Class<?>> NATIVE = List.of(Posix.class, Ring.class, RingDescriptor.class, PipeEnd.class,
            ProcessLock.class);

    private Warmup() {}

    /**
     * An object of the shape the handles of queues, pipes, locks and shared values take on the wire: a final
     * class of two strings and an int (their forms are classes, not records).
     */
    private static final class Sample implements java.io.Serializable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        private final String in;
        private final String out;
        private final int from;

        Sample(String in, String out, int from) {
            this.in = in;
            this.out = out;
            this.from = from;
        }
    }

    /**
     * Rounds of {@link #exercise} a forkserver spare runs while it waits for its job: one per kind of sample
     * chunk, which loads and links each path once (odd rounds run their chunk as an imap's, a result per call). More only fed the JIT: 20 rounds took each spare about
     * 120 ms of CPU (2 rounds about 50), beside the program on a machine of few CPUs, and the memory it
     * left (compiled code, the compilers' arenas, the heap it touched) made the spare's exit after its job
     * slower.
     */
    static final int SPARE_ROUNDS = 4;

    static void exercise(int rounds) throws Exception {
        exercise(rounds, () -> false);
    }

    /**
     * How long a spare waits after its hello before it warms up: a spare claimed while it boots (starts back
     * to back) gets its job within about a millisecond of its hello, and then runs it as a child booted for
     * it would, with nothing else running beside it.
     */
    static final long QUIET_MILLIS = 10;

    /**
     * The classes that JDK deserialization of a job's objects meets first (a subclass of {@code Process}
     * sent whole, a lambda), their descriptors computed ahead by a spare.
     */
    private static final Class<?>[] SERIALIZED = {dev.mp4j.multiprocessing.Process.class,
            java.lang.invoke.SerializedLambda.class};

    /**
     * The classes that running a process's job initializes once it is decoded (the child becoming the
     * process, its exit hook, its start method; {@link Jobs#runProcess}), initialized ahead by the child's
     * preparing thread once it has done {@link Bootstrap#prepare}: their static initializers take a child a
     * millisecond or so between its job's arrival and its run (one of them finds the main thread by walking
     * every thread's stack). Named, as some are not public.
     */
    private static final String[] RUNNING = {"dev.mp4j.internal.spawn.Child", "dev.mp4j.internal.dummy.DummyProcess",
            "dev.mp4j.multiprocessing.Process$Current", "dev.mp4j.internal.util.KeepAlive",
            "dev.mp4j.multiprocessing.Contexts", "java.lang.ApplicationShutdownHooks"};

    /**
     * Starts what a forkserver spare does once it has said hello, on a daemon thread of its own, while its
     * main thread waits for the job: {@link #untilJob}.
     *
     * @param natives whether to link the semaphores' FFM handles (the parent uses them)
     * @param load the classes to load and link first, not initializing them ({@link #load})
     * @return what the main thread sets once its job (or anything else from the parent) has come
     */
    static AtomicBoolean whileWaiting(boolean natives, List<String> load) {
        AtomicBoolean jobCame = new AtomicBoolean();
        Thread t = new Thread(new Spare(jobCame, natives, load), "mp4j-warmup");
        t.setDaemon(true);
        t.start();
        return jobCame;
    }

    /**
     * The warm-up thread's body, {@link #untilJob}: a class rather than a lambda, which the main thread would
     * spin a class for just before it reads its job (a spare claimed as it boots has its job waiting then).
     */
    private static final class Spare implements Runnable, BooleanSupplier {
        private final AtomicBoolean jobCame;
        private final boolean natives;
        private final List<String> load;

        Spare(AtomicBoolean jobCame, boolean natives, List<String> load) {
            this.jobCame = jobCame;
            this.natives = natives;
            this.load = load;
        }

        @Override
        public void run() {
            untilJob(this, natives, load);
        }

        @Override
        public boolean getAsBoolean() {
            return jobCame.get();
        }
    }

    /**
     * A spare's warm-up on the calling thread, run as {@link #whileWaiting}'s thread runs it, through
     * {@link Spare}: the AOT training's, so that the cache holds that class. A spare's main thread loads it
     * between its hello and the read of its job, and a class the cache lacks is looked up along the class
     * path, opening each jar ahead of mp4j's: the bench's first forkserver start measured 15-25 ms slower than
     * a spawn start for that alone (a 21 MB jar ahead of mp4j's).
     */
    static void asSpare() {
        new Spare(new AtomicBoolean(), false, List.of()).run();
    }

    /**
     * A spare's warm-up with no classes to load first.
     *
     * @param jobCame true once the job (or anything else) has come from the parent
     * @param natives whether to link the semaphores' FFM handles (the parent uses them)
     */
    static void untilJob(BooleanSupplier jobCame, boolean natives) {
        untilJob(jobCame, natives, List.of());
    }

    /**
     * A spare's warm-up: after {@link #QUIET_MILLIS} without a job, the classes its parent named ({@link #load}),
     * the serialization descriptors of what a
     * job's decoding meets first, the decoding of a process's job, the natives when its parent uses them
     * ({@link #natives}), then {@link #SPARE_ROUNDS} rounds of {@link #exercise}; stopped as soon as its job
     * comes. A step already begun is finished, beside the job, which it does not hold up (a class the job
     * needs while the step initializes it is waited for, as the job would initialize it itself). Failures
     * are ignored: the warm-up is only a head start.
     *
     * @param jobCame true once the job (or anything else) has come from the parent
     * @param natives whether to link the semaphores' FFM handles (the parent uses them)
     * @param load the classes to load and link first
     */
    static void untilJob(BooleanSupplier jobCame, boolean natives, List<String> load) {
        try {
            Thread.sleep(QUIET_MILLIS);
            if (jobCame.getAsBoolean()) {
                return;
            }
            load(load, jobCame);
            for (Class<?> c : SERIALIZED) {
                ObjectStreamClass.lookup(c);
            }
            exercise(0, jobCame, false);
            if (natives && !jobCame.getAsBoolean()) {
                natives();
            }
            exercise(SPARE_ROUNDS, jobCame, false);
        } catch (Exception | LinkageError e) {
            // only a head start: the job does the same, and reports what fails
        }
    }

    /**
     * Loads and links the classes the parent's last job named (the class that made its target, a subclass of
     * {@code Process} sent whole), through the class loader that decodes the job, and initializes none: no
     * code of theirs runs. A job that names them again finds them loaded and verified (a class read from a
     * directory, which the AOT cache cannot hold, or from a jar the cache lacks, takes a fresh JVM a millisecond
     * or more); one that does not loses nothing. A class that cannot be loaded is skipped: the job reports it if
     * it names it.
     *
     * @param names the classes' binary names
     * @param stop asked before each class: true ends the loading
     */
    static void load(List<String> names, BooleanSupplier stop) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        ClassLoader loader = context != null ? context : ClassLoader.getSystemClassLoader();
        for (String name : names) {
            if (stop.getAsBoolean()) {
                return;
            }
            try {
                // the JVM links (verifies) a class before it reflects on its members
                Class.forName(name, false, loader).getDeclaredFields();
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                // only a head start
            }
        }
    }

    /**
     * Looks {@code name} up in {@code dir} as a class loader searches a directory of its class path: through a
     * {@code URLClassLoader}'s class path, the code of the application class loader's. The AOT training does,
     * when the children's class path has directories ({@link dev.mp4j.internal.spawn.AotCache#DIRECTORIES}), so
     * that the JDK classes of that search are in the cache for a child that loads its job's class from one.
     * Nothing is read: the name may be a FIFO's.
     *
     * @param dir a directory
     * @param name a file's name in it
     * @return whether the search found it
     */
    static boolean searchDirectory(Path dir, String name) {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            return loader.findResource(name) != null;
        } catch (IOException | RuntimeException e) {
            return false; // the cache only lacks those classes
        }
    }

    /**
     * Initializes the classes that running a process's job initializes once it is decoded ({@link #RUNNING});
     * one that cannot be is left to the job, which reports what fails.
     */
    static void initializeRunning() {
        for (String name : RUNNING) {
            try {
                Class.forName(name, true, Warmup.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // only a head start
            }
        }
    }

    /**
     * @param rounds how many times each path runs
     * @param stop asked before each step: true ends the warm-up
     */
    static void exercise(int rounds, BooleanSupplier stop) throws Exception {
        exercise(rounds, stop, true);
    }

    /**
     * @param rounds how many times each path runs
     * @param stop asked before each step: true ends the warm-up
     * @param jdkForm whether to decode a sample in the JDK's serial form (a task's failure; it is encoded
     *     either way, as a pool worker's first failed task encodes it) too: not in a
     *     spare, where an {@code ObjectInputStream} would start the JDK's logging (its serial filter logger),
     *     and with it a shutdown hook that every exit then runs (a child whose job never logs or reads that
     *     form does neither); the AOT training does, so that the cache holds what that path loads
     */
    private static void exercise(int rounds, BooleanSupplier stop, boolean jdkForm) throws Exception {
        if (stop.getAsBoolean()) {
            return;
        }
        byte[] processJob = Tags.frame(Tags.JOB, sampleProcessJob().encode());
        Jobs.decode(processJob); // as the child finds its job: a process's first, the likelier one
        // and its target run (it does nothing), which links the call a target read from the parent makes
        ProcessJob.decode(sampleProcessJob().encode()).target().run();
        if (stop.getAsBoolean()) {
            return;
        }
        SerializableCallable<Integer> task = () -> 42;
        byte[] job = Tags.frame(Tags.JOB, new WorkerJob("SpawnProcess-0", null).encode());
        List<List<Object>> chunks = sampleArgs();
        for (int i = 0; i < rounds && !stop.getAsBoolean(); i++) {
            Jobs.decode(job);
            Jobs.decode(processJob);
            if (stop.getAsBoolean()) {
                return;
            }
            byte[] frame = PoolFrames.task(i, Codec.encode(task));
            Object t = Codec.decodeFromParent(PoolFrames.taskBody(frame)); // as a worker reads it
            byte[] ok = PoolFrames.value(i, ((Callable<?>) t).call());
            Codec.decode(PoolFrames.resultBody(ok), null);
            if (stop.getAsBoolean()) {
                return;
            }
            // a task's failure is written in the JDK's form (an ObjectOutputStream starts no logging), and read
            // back only where jdkForm says
            byte[] failed = PoolFrames.failure(i, new IllegalStateException("sample"));
            if (jdkForm) {
                Codec.decode(PoolFrames.resultBody(failed), null);
            }
            Codec.decode(Codec.encode(List.of(i, "x", 1L)), null);
            Codec.decode(Codec.encode(new Sample("x", null, i)), null); // as handles travel
            if (stop.getAsBoolean()) {
                return;
            }
            List<Object> args = chunks.get(i % chunks.size());
            byte[] result = WorkerJob.runSample(WorkerJob.sampleChunk(i, (i & 1) == 1, sampleFunction(args), args));
            Codec.decode(PoolFrames.resultBody(result), null);
        }
    }

    /**
     * The arguments of the sample chunks: lists of Integers, Longs, Doubles (each a bulk form on the wire) and
     * Strings, as a map's chunks mostly are; longer than a worker's block of calls.
     */
    static List<List<Object>> sampleArgs() {
        List<Object> ints = new ArrayList<>();
        List<Object> longs = new ArrayList<>();
        List<Object> doubles = new ArrayList<>();
        List<Object> strings = new ArrayList<>();
        for (int i = 0; i < SAMPLE_LENGTH; i++) {
            ints.add(i);
            longs.add((long) i);
            doubles.add((double) i);
            strings.add(Integer.toString(i));
        }
        return List.of(ints, longs, doubles, strings);
    }

    /** The length of a sample chunk. */
    static final int SAMPLE_LENGTH = 200;

    /**
     * @param args a sample chunk's arguments ({@link #sampleArgs})
     * @return its function: one over Integers (their boxing included, as a map's {@code x -> x + 1}), else
     *     the identity
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static SerializableFunction<Object, Object> sampleFunction(List<Object> args) {
        if (args.get(0) instanceof Integer) {
            SerializableFunction<Integer, Integer> inc = x -> x + 1;
            return (SerializableFunction) inc;
        }
        return x -> x;
    }

    /** @return the job of a child started by {@code Process.start()} for a target that does nothing */
    static ProcessJob sampleProcessJob() {
        return new ProcessJob(new int[] {1}, "Process-1", false, new byte[32], "MainProcess",
                ProcessHandle.current().pid(), null, null, "spawn", () -> { }, null);
    }

    /**
     * Links the semaphores' FFM handles and opens one that does not exist, when this JVM has native access:
     * a fresh JVM takes 70-130 ms for that, which a job holding a queue, pipe, lock or shared value would
     * otherwise wait for before it runs. Creates nothing.
     */
    static void natives() {
        if (!Warmup.class.getModule().isNativeAccessEnabled()) {
            return;
        }
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (Class<?> c : NATIVE) {
            try {
                lookup.ensureInitialized(c);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e); // public classes of this module: cannot happen
            }
        }
        IpcQueues.initialize();
        Posix.linkAhead();
        try { // then the calls' path, its errno included
            Posix.semClose(Posix.semAttach("mp4j-warmup-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        } catch (UncheckedIOException expected) {
            // no such semaphore: the call and its errno path ran
        }
    }
}
