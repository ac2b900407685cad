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

import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The work a child does after it connects — decoding a process's job and a worker's, a worker's task and
 * result frames — done ahead on sample objects: by a forkserver spare while it waits for its job, and by
 * the AOT training JVM, so that a real job finds these paths loaded, linked and warm.
 */
final class Warmup {
    /**
     * Classes that decoding a queue, pipe or lock handle initializes; Posix links the FFM handles. (The
     * queue's own class is not public: {@link IpcQueues#initialize()} initializes it.)
     */
    private static final List<Class<?>> NATIVE = List.of(Posix.class, Ring.class, RingDescriptor.class, PipeEnd.class,
            ProcessLock.class);

    private Warmup() {}

    /** A record of the shape the handles of queues, pipes and locks take on the wire. */
    private record Sample(String in, String out, int from) implements java.io.Serializable { }

    /** Rounds of {@link #exercise} a forkserver spare runs while it waits for its job. */
    static final int SPARE_ROUNDS = 20;

    static void exercise(int rounds) throws Exception {
        exercise(rounds, () -> false);
    }

    /**
     * What a forkserver spare does once it has said hello: the decoding of a process's job, the natives when
     * its parent uses them ({@link #natives}), then {@link #SPARE_ROUNDS} rounds of {@link #exercise}; stopped
     * as soon as its job (or anything else) is on {@code fromParent}, so that a spare claimed while it boots
     * (starts back to back) runs its job at once, as a child booted for it would. A step already begun is
     * finished: the first decodes a job, which the job's own decoding needs anyway. Failures are ignored:
     * the warm-up is only a head start.
     *
     * @param fromParent the child's stdin, not read yet past the launch header
     * @param natives whether to link the semaphores' FFM handles (the parent uses them)
     */
    static void untilJob(java.io.InputStream fromParent, boolean natives) {
        java.util.function.BooleanSupplier jobThere = () -> {
            try {
                return fromParent.available() > 0;
            } catch (java.io.IOException e) {
                return true; // the parent is gone: the read of the job says so
            }
        };
        try {
            exercise(0, jobThere);
            if (natives && !jobThere.getAsBoolean()) {
                natives();
            }
            exercise(SPARE_ROUNDS, jobThere);
        } catch (Exception | LinkageError e) {
            // only a head start: the job does the same, and reports what fails
        }
    }

    /**
     * @param rounds how many times each path runs
     * @param stop asked before each step: true ends the warm-up
     */
    static void exercise(int rounds, java.util.function.BooleanSupplier stop) throws Exception {
        if (stop.getAsBoolean()) {
            return;
        }
        byte[] processJob = Tags.frame(Tags.JOB, sampleProcessJob().encode());
        Jobs.decode(processJob); // as the child finds its job: a process's first, the likelier one
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
            byte[] failed = PoolFrames.failure(i, new IllegalStateException("sample"));
            Codec.decode(PoolFrames.resultBody(ok), null);
            if (stop.getAsBoolean()) {
                return;
            }
            Codec.decode(PoolFrames.resultBody(failed), null);
            Codec.decode(Codec.encode(List.of(i, "x", 1L)), null);
            Codec.decode(Codec.encode(new Sample("x", null, i)), null); // a record, as handles travel
            if (stop.getAsBoolean()) {
                return;
            }
            List<Object> args = chunks.get(i % chunks.size());
            byte[] result = WorkerJob.runSample(WorkerJob.sampleChunk(i, i % 8 == 7, sampleFunction(args), args));
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
        try {
            Posix.semClose(Posix.semAttach("mp4j-warmup-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        } catch (UncheckedIOException expected) {
            // no such semaphore: the call and its errno path ran
        }
    }
}
