package dev.mp4j.internal.spawn;

import dev.mp4j.function.SerializableCallable;
import dev.mp4j.internal.pool.PoolWire;
import dev.mp4j.internal.pool.WorkerJob;
import dev.mp4j.internal.wire.Codec;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The work a child does after it connects — decoding a job that holds a lambda, a worker's task and result
 * frames — done ahead on sample objects: by a forkserver spare while it waits for its job, and by the AOT
 * training JVM, so that a real job finds these paths loaded, linked and warm.
 */
final class Warmup {
    private Warmup() {}

    static void exercise(int rounds) throws Exception {
        SerializableCallable<Integer> task = () -> 42;
        byte[] job = new WorkerJob("SpawnProcess-0", null).encode();
        for (int i = 0; i < rounds; i++) {
            WorkerJob.decode(job);
            byte[] frame = PoolWire.task(i, Codec.encode(task));
            Object t = Codec.decodeFromParent(Arrays.copyOfRange(frame, 9, frame.length)); // as a worker reads it
            byte[] ok = PoolWire.value(i, ((Callable<?>) t).call());
            byte[] failed = PoolWire.failure(i, new IllegalStateException("sample"));
            Codec.decode(PoolWire.resultBody(ok), null);
            Codec.decode(PoolWire.resultBody(failed), null);
            Codec.decode(Codec.encode(List.of(i, "x", 1L)), null);
        }
        new dev.mp4j.multiprocessing.Process(() -> { }).toString();
    }
}
