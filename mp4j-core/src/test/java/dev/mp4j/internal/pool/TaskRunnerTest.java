package dev.mp4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mp4j.function.SerializableFunction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How a worker runs a chunk: its values in an array of its own, or where the map's result takes them. */
@Timeout(30)
class TaskRunnerTest {
    private static final SerializableFunction<Object, Object> PLUS_ONE = x -> (Integer) x + 1;

    /** Fails at the argument 5, returns x + 1 otherwise. */
    private static final SerializableFunction<Object, Object> FAILS_AT_5 = x -> {
        if ((Integer) x == 5) {
            throw new IllegalStateException("five");
        }
        return (Integer) x + 1;
    };

    private static Object[] range(int from, int to) {
        Object[] a = new Object[to - from];
        for (int i = from; i < to; i++) {
            a[i - from] = i;
        }
        return a;
    }

    private static Chunks.Chunk chunk(SerializableFunction<Object, Object> fn, List<Object> args) {
        return new Chunks.Chunk(new Chunks.Fn(fn), args);
    }

    @Test
    void aChunkOfASliceWritesItsValuesWhereTheResultTakesThem() {
        Object[] items = range(0, 100); // the map's items; this chunk is items 40..90 (more than a block)
        Object[] slots = new Object[100];
        TaskRunner.Outcome out = TaskRunner.run(chunk(PLUS_ONE, new Chunks.Slice(items, 40, 90)), slots, 40, null);
        assertNull(out.error());
        Chunks.ChunkResult r = assertInstanceOf(Chunks.ChunkResult.class, out.value());
        assertNull(r.error());
        Chunks.Slice values = assertInstanceOf(Chunks.Slice.class, r.values());
        assertSame(slots, values.array(), "no array of the chunk's own");
        assertEquals(40, values.from());
        assertEquals(90, values.to());
        assertArrayEquals(range(41, 91), Arrays.copyOfRange(slots, 40, 90));
        assertNull(slots[39]);
        assertNull(slots[90]);
        assertArrayEquals(range(0, 100), items, "the items are read, not written");
    }

    @Test
    void aFailingCallStopsTheChunkWithTheValuesBeforeIt() {
        Object[] slots = new Object[20];
        TaskRunner.Outcome out = TaskRunner.run(chunk(FAILS_AT_5, new Chunks.Slice(range(0, 20), 3, 13)), slots, 3,
                null);
        Chunks.ChunkResult r = (Chunks.ChunkResult) out.value();
        assertEquals("five", r.error().getMessage());
        assertEquals(List.of(4, 5), r.values());
        assertSame(slots, ((Chunks.Slice) r.values()).array());
        assertEquals(3, ((Chunks.Slice) r.values()).from());
    }

    @Test
    void elsewhereTheValuesGetAnArrayOfTheirOwn() {
        Object[] items = range(0, 100);
        Object[] into = new Object[100];
        List<Object> list = new ArrayList<>(Arrays.asList(range(0, 10)));
        // values not at the items' own indexes, a list not a slice, no room, nowhere
        Object[][] intos = {into, into, new Object[50], null};
        List<?>[] argss = {new Chunks.Slice(items, 40, 90), list, new Chunks.Slice(items, 40, 90), list};
        int[] ats = {0, 0, 40, 0};
        for (int k = 0; k < intos.length; k++) {
            @SuppressWarnings("unchecked")
            List<Object> args = (List<Object>) argss[k];
            Chunks.ChunkResult r = (Chunks.ChunkResult) TaskRunner.run(chunk(PLUS_ONE, args), intos[k], ats[k], null)
                    .value();
            assertNull(r.error());
            assertEquals(args.stream().map(x -> (Integer) x + 1).toList(), r.values());
            if (r.values() instanceof Chunks.Slice s) {
                assertNotSame(intos[k], s.array(), "case " + k);
            }
        }
        assertArrayEquals(new Object[100], into, "nothing written where the values do not go in place");
        Chunks.ChunkResult failed = (Chunks.ChunkResult) TaskRunner.run(chunk(FAILS_AT_5, list), null, 0, null).value();
        assertEquals(List.of(1, 2, 3, 4, 5), failed.values());
    }

    @Test
    void aMarkIsAppliedToTheExceptionAndNullLeavesItAsItIs() {
        IllegalStateException marked = new IllegalStateException("marked");
        Chunks.ChunkResult r = (Chunks.ChunkResult) TaskRunner.run(chunk(FAILS_AT_5, List.of(5)), t -> marked).value();
        assertSame(marked, r.error());
        Chunks.EachResult each = (Chunks.EachResult) TaskRunner.run(
                new Chunks.EachChunk(new Chunks.Fn(FAILS_AT_5), new Chunks.Slice(range(0, 40), 3, 8)), null).value();
        assertEquals(Arrays.asList(4, 5, null, 7, 8), each.values());
        assertEquals("five", each.error(2).getMessage());
        assertNull(each.error(0));
    }
}
