package dev.mp4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableRunnable;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.StreamCorruptedException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A pool worker's job travels in a form of its own, read without JDK deserialization. */
@Timeout(30)
class WorkerJobTest {
    @Test
    void theFormHoldsEveryFieldAndTheInitializer() throws Exception {
        String word = "initialized";
        WorkerJob job = new WorkerJob("SpawnPoolWorker-7", () -> System.setProperty("mp4j.test.initializer", word),
                123_456_789L, 1L << 30);
        byte[] bytes = job.encode();
        assertEquals(WorkerJob.MARK, bytes[0]);
        WorkerJob back = WorkerJob.decode(bytes);
        assertArrayEquals(bytes, back.encode(), "every field, the initializer's form included, came back");
        assertTrue(new String(bytes, StandardCharsets.ISO_8859_1).contains("SpawnPoolWorker-7"));
    }

    @Test
    void noInitializerAndAnyLogLevelComeBack() throws Exception {
        byte[] bytes = new WorkerJob("w", null).encode();
        assertArrayEquals(bytes, WorkerJob.decode(bytes).encode());
    }

    @Test
    void anInitializerThatCannotBeSerializedIsNamed() {
        Object notSerializable = new Object();
        SerializableRunnable init = () -> notSerializable.hashCode();
        NotSerializableException e = assertThrows(NotSerializableException.class,
                () -> new WorkerJob("w", init).encode());
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
    }

    @Test
    void aSampleChunkRunsAsAWorkerRunsAChunk() throws Exception {
        java.util.List<Object> args = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            args.add(i);
        }
        dev.mp4j.function.SerializableFunction<Object, Object> inc = x -> (Integer) x + 1;
        for (boolean each : new boolean[] {false, true}) {
            byte[] result = WorkerJob.runSample(WorkerJob.sampleChunk(7, each, inc, args));
            assertEquals(7, PoolFrames.id(result));
            assertEquals(each ? PoolFrames.Status.EACH_VALUES : PoolFrames.Status.CHUNK_VALUES,
                    PoolFrames.Status.of(result[PoolFrames.ResultFrame.STATUS]));
            java.util.List<?> values = (java.util.List<?>) dev.mp4j.internal.wire.Codec.decode(
                    PoolFrames.resultBody(result), null);
            assertEquals(300, values.size());
            assertEquals(1, values.get(0));
            assertEquals(300, values.get(299));
        }
        dev.mp4j.function.SerializableFunction<Object, Object> fails = x -> {
            throw new IllegalStateException("no " + x);
        };
        byte[] failed = WorkerJob.runSample(WorkerJob.sampleChunk(8, false, fails, args));
        assertEquals(PoolFrames.Status.VALUE, PoolFrames.Status.of(failed[PoolFrames.ResultFrame.STATUS]),
                "a chunk that stops at a failure travels whole, its error with it");
    }

    @Test
    void aDamagedFormIsRefusedWithAnIoException() throws Exception {
        byte[] good = new WorkerJob("w", () -> { }).encode();
        byte[] mark = good.clone();
        mark[0] = 0x02;
        assertThrows(StreamCorruptedException.class, () -> WorkerJob.decode(mark));
        assertThrows(IOException.class, () -> WorkerJob.decode(Arrays.copyOf(good, good.length - 1)));
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(StreamCorruptedException.class, () -> WorkerJob.decode(longer));
        byte[] length = good.clone();
        int at = 1 + 2 + 1; // the mark, the name's UTF length and "w": then the authkey's length
        length[at] = (byte) 0x80; // negative
        assertThrows(StreamCorruptedException.class, () -> WorkerJob.decode(length));
        assertThrows(IOException.class, () -> WorkerJob.decode(new byte[] {WorkerJob.MARK}));
    }
}
