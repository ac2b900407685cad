package dev.mp4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.Tags;
import dev.mp4j.multiprocessing.RemoteTraceback;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pool's frames: what each descriptor writes is where its drawing says, and reads back. */
@Timeout(30)
class PoolFramesTest {
    @Test
    void aTaskFrameIsTagIdThenTheTask() {
        byte[] f = PoolFrames.task(0x0102030405060708L, new byte[] {42, 43});
        assertArrayEquals(new byte[] {'T', 1, 2, 3, 4, 5, 6, 7, 8, 42, 43}, f);
        assertEquals(Tags.TASK, Tags.of(f));
        assertEquals(0x0102030405060708L, PoolFrames.id(f));
        assertArrayEquals(new byte[] {42, 43}, PoolFrames.TaskFrame.task(f));
    }

    @Test
    void aChunkFrameCarriesItsFunctionOnceThenOnlyItsId() {
        byte[] fn = {7, 7, 7};
        byte[] args = {9, 9};
        byte[] first = frame(PoolFrames.ChunkFrame.head(5, true, 77, fn), args);
        ByteBuffer b = ByteBuffer.wrap(first);
        assertEquals(Tags.CHUNK, first[0]);
        assertEquals(5, b.getLong(1));
        assertEquals(1, first[9], "KIND: each");
        assertEquals(77, b.getLong(10));
        assertEquals(3, b.getInt(18));
        assertEquals(22 + 3 + 2, first.length);
        assertTrue(PoolFrames.ChunkFrame.each(first));
        assertEquals(77, PoolFrames.ChunkFrame.fnId(first));
        assertArrayEquals(fn, PoolFrames.ChunkFrame.fn(first));
        assertArrayEquals(args, Arrays.copyOfRange(first, PoolFrames.ChunkFrame.argsOffset(first), first.length));
        assertEquals(22 + 3, PoolFrames.ChunkFrame.argsOffset(first));
        first[21] = 9; // a function longer than the frame
        assertThrows(IllegalArgumentException.class, () -> PoolFrames.ChunkFrame.argsOffset(first));

        byte[] later = frame(PoolFrames.ChunkFrame.head(6, false, 77, null), args);
        assertEquals(-1, ByteBuffer.wrap(later).getInt(18));
        assertEquals(0, later[9], "KIND: plain");
        assertFalse(PoolFrames.ChunkFrame.each(later));
        assertEquals(6, PoolFrames.id(later));
        assertNull(PoolFrames.ChunkFrame.fn(later));
        assertArrayEquals(args, Arrays.copyOfRange(later, PoolFrames.ChunkFrame.argsOffset(later), later.length));
        assertEquals(22, PoolFrames.ChunkFrame.argsOffset(later));
    }

    /** @return the CHUNK frame a worker receives: the head, then the arguments, as one frame's payload */
    private static byte[] frame(byte[] head, byte[] args) {
        byte[] f = Arrays.copyOf(head, head.length + args.length);
        System.arraycopy(args, 0, f, head.length, args.length);
        return f;
    }

    @Test
    void aResultFrameSaysItsStatusAndRunTime() throws Exception {
        byte[] f = PoolFrames.value(3, "three");
        assertEquals(Tags.RESULT, Tags.of(f));
        assertEquals(3, PoolFrames.id(f));
        assertEquals(PoolFrames.Status.VALUE, PoolFrames.ResultFrame.status(f));
        assertEquals(0, PoolFrames.ResultFrame.runNanos(f));
        PoolFrames.ResultFrame.runNanos(f, 123_456_789L);
        assertEquals(123_456_789L, ByteBuffer.wrap(f).getLong(10));
        assertEquals(123_456_789L, PoolFrames.ResultFrame.runNanos(f));
        assertEquals("three", Codec.decode(PoolFrames.resultBody(f), null));

        byte[] values = PoolFrames.values(4, true, new ArrayList<>(List.of(1, 2)));
        assertEquals(PoolFrames.Status.EACH_VALUES, PoolFrames.ResultFrame.status(values));
        assertEquals(List.of(1, 2), Codec.decode(PoolFrames.ResultFrame.body(values), null));
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            many.add(i);
        }
        byte[] view = PoolFrames.values(7, false, Arrays.asList(many.toArray())); // a list that is no ArrayList
        assertEquals(7, PoolFrames.id(view));
        Object decoded = Codec.decode(view, PoolFrames.ResultFrame.BODY, view.length - PoolFrames.ResultFrame.BODY,
                null);
        assertEquals(many, decoded);
        assertInstanceOf(ArrayList.class, decoded);
        assertEquals(PoolFrames.Status.CHUNK_VALUES,
                PoolFrames.ResultFrame.status(PoolFrames.values(4, false, new ArrayList<>())));

        byte[] failed = PoolFrames.failure(5, new IllegalStateException("boom"));
        assertEquals(PoolFrames.Status.EXCEPTION, PoolFrames.ResultFrame.status(failed));
        Throwable t = (Throwable) Codec.decode(PoolFrames.resultBody(failed), null);
        assertInstanceOf(IllegalStateException.class, t);
        assertInstanceOf(RemoteTraceback.class, t.getSuppressed()[0], "marked with where it was raised");
    }

    @Test
    void statusCodesAreTheirBytes() {
        assertEquals(4, PoolFrames.Status.values().length);
        for (PoolFrames.Status s : PoolFrames.Status.values()) {
            assertEquals(s, PoolFrames.Status.of(s.code()));
        }
        assertEquals(0, PoolFrames.Status.VALUE.code());
        assertEquals(1, PoolFrames.Status.EXCEPTION.code());
        assertEquals(2, PoolFrames.Status.CHUNK_VALUES.code());
        assertEquals(3, PoolFrames.Status.EACH_VALUES.code());
        assertThrows(IllegalArgumentException.class, () -> PoolFrames.Status.of((byte) 4));
        assertThrows(IllegalArgumentException.class, () -> PoolFrames.Status.of((byte) -1));
    }

    @Test
    void theOneNumberFramesAndTheOthers() throws Exception {
        assertArrayEquals(new byte[] {'S', 0, 0, 0, 0, 0, 0, 0, 9}, PoolFrames.softLimit(9));
        assertEquals(9, PoolFrames.LongFrame.value(PoolFrames.bounce(9)));
        assertEquals(Tags.BOUNCE, Tags.of(PoolFrames.bounce(9)));
        assertEquals(1L << 40, PoolFrames.LongFrame.value(PoolFrames.memory(1L << 40)));
        assertArrayEquals(new byte[] {'Q'}, PoolFrames.quit());
        byte[] init = PoolFrames.initFailed(new IllegalArgumentException("init"));
        assertEquals(Tags.INIT_FAILED, Tags.of(init));
        Object error = Codec.decode(PoolFrames.InitFailedFrame.error(init), null);
        assertInstanceOf(IllegalArgumentException.class, error);
    }
}
