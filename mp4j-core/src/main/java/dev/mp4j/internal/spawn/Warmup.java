package dev.mp4j.internal.spawn;

import dev.mp4j.function.SerializableCallable;
import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.pool.PoolFrames;
import dev.mp4j.internal.pool.WorkerJob;
import dev.mp4j.internal.wire.Codec;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The work a child does after it connects — decoding a job that holds a lambda, a worker's task and result
 * frames — done ahead on sample objects: by a forkserver spare while it waits for its job, and by the AOT
 * training JVM, so that a real job finds these paths loaded, linked and warm.
 */
final class Warmup {
    /** Classes that decoding a queue, pipe or lock handle initializes; Posix links the FFM handles. */
    private static final List<String> NATIVE = List.of("dev.mp4j.internal.ffm.Posix", "dev.mp4j.internal.ring.Ring",
            "dev.mp4j.internal.ring.RingDescriptor",
            "dev.mp4j.internal.queue.PipeEnd", "dev.mp4j.internal.queue.QueueImpl", "dev.mp4j.internal.sync.ProcessLock");

    private Warmup() {}

    /** A record of the shape the handles of queues, pipes and locks take on the wire. */
    private record Sample(String in, String out, int from) implements java.io.Serializable { }

    static void exercise(int rounds) throws Exception {
        SerializableCallable<Integer> task = () -> 42;
        byte[] job = new WorkerJob("SpawnProcess-0", null).encode();
        for (int i = 0; i < rounds; i++) {
            WorkerJob.decode(job);
            byte[] frame = PoolFrames.task(i, Codec.encode(task));
            Object t = Codec.decodeFromParent(PoolFrames.taskBody(frame)); // as a worker reads it
            byte[] ok = PoolFrames.value(i, ((Callable<?>) t).call());
            byte[] failed = PoolFrames.failure(i, new IllegalStateException("sample"));
            Codec.decode(PoolFrames.resultBody(ok), null);
            Codec.decode(PoolFrames.resultBody(failed), null);
            Codec.decode(Codec.encode(List.of(i, "x", 1L)), null);
            Codec.decode(Codec.encode(new Sample("x", null, i)), null); // a record, as handles travel
        }
        new dev.mp4j.multiprocessing.Process(() -> { }).toString();
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
        ClassLoader loader = Warmup.class.getClassLoader();
        for (String name : NATIVE) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e); // mp4j's own: cannot be missing
            }
        }
        try {
            Posix.semClose(Posix.semAttach("mp4j-warmup-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        } catch (UncheckedIOException expected) {
            // no such semaphore: the call and its errno path ran
        }
    }
}
