package dev.mp4j.internal.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mp4j.function.SerializableFunction;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Decoding mutated and random streams, seeded, in bounded time: every input gives a value, an
 * {@link IOException} or a {@link ClassNotFoundException}, never another exception, an error or a hang.
 */
@Timeout(120)
class CodecFuzzTest {
    private static final long SEED = 0x6d70346aL;
    /** Time for each corpus, so the test stays short on a loaded machine; the iteration cap keeps it seeded. */
    private static final long BUDGET_NANOS = 3_000_000_000L;
    private static final int MAX_ITERATIONS = 40_000;

    record Sample(int id, String name, List<Object> items, double[] weights) implements Serializable {}

    private static List<byte[]> corpus(boolean jdk) throws IOException {
        SerializableFunction<Integer, Integer> fn = x -> x + 1;
        ArrayList<Object> items = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            items.add(i % 5 == 0 ? null : i % 3 == 0 ? "s" + i : i * 1000L);
        }
        HashMap<Object, Object> map = new HashMap<>(Map.of("a", 1, 2, List.of("b"), 'c', new int[] {3}));
        List<Object> values = List.of(1, -70000, Long.MIN_VALUE, 3.5, 1.5f, (short) 7, (byte) 8, 'x', true,
                "hello", "caf\u00e9 \ud83d\ude00", "lone \ud800", new byte[] {1, 2, 3}, new int[] {1, -1},
                new long[] {5}, new double[] {Double.NaN}, new char[] {'a'}, new boolean[] {true},
                new float[] {1f}, new short[] {2}, new Object[] {1, "a", null}, new String[] {"x", null},
                items, List.of(1, 2, 3), Stream.of(1, null).toList(), Set.of("p", "q"), Map.of("k", 2, "j", 3),
                map, new HashSet<>(Set.of(1, 2)), new LinkedHashSet<>(List.of(3, 2, 1)),
                new Sample(1, "one", items, new double[] {0.5}), List.of(new Sample(2, "two", List.of(), null),
                        new Sample(3, "three", List.of(1), new double[0])), fn, List.of(fn, fn),
                boxed(i -> i * 37 - 500), boxed(i -> (long) i << 33), List.copyOf(boxed(i -> i / 3.0)),
                boxed(i -> i).stream().toList());
        List<byte[]> out = new ArrayList<>();
        for (Object v : values) {
            out.add(jdk ? Codec.encodeJdk(v) : Codec.encode(v));
        }
        return out;
    }

    /** A list that takes one bulk tag (FastFormat.BOXED_LIST). */
    private static ArrayList<Object> boxed(java.util.function.IntFunction<Object> item) {
        ArrayList<Object> out = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            out.add(item.apply(i));
        }
        return out;
    }

    private static void decodeCleanly(byte[] input, ObjectInputFilter filter, String context) {
        try {
            Codec.decode(input, filter);
        } catch (IOException | ClassNotFoundException e) {
            // a clean answer for a bad stream
        } catch (Throwable t) {
            fail(context + ": " + t + " for input " + HexFormat.of().formatHex(input), t);
        }
    }

    private static byte[] mutate(byte[] original, Random r) {
        byte[] b = original.clone();
        if (b.length < 2) {
            return new byte[] {FastFormat.MAGIC, (byte) r.nextInt(256)};
        }
        int kind = r.nextInt(7);
        switch (kind) {
            case 0 -> { // flip a few bits
                for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
                    int at = 1 + r.nextInt(Math.max(1, b.length - 1));
                    if (at < b.length) {
                        b[at] ^= (byte) (1 << r.nextInt(8));
                    }
                }
            }
            case 1 -> { // a byte set to an interesting value
                byte[] interesting = {0, 1, -1, 0x7f, (byte) 0x80, 0x3f, 0x40, 20, 22, 30, 31, 32};
                int at = 1 + r.nextInt(Math.max(1, b.length - 1));
                if (at < b.length) {
                    b[at] = interesting[r.nextInt(interesting.length)];
                }
            }
            case 2 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1)); // truncated
            case 3 -> { // a slice removed
                int from = r.nextInt(b.length);
                int to = Math.min(b.length, from + 1 + r.nextInt(8));
                byte[] c = new byte[b.length - (to - from)];
                System.arraycopy(b, 0, c, 0, from);
                System.arraycopy(b, to, c, from, b.length - to);
                b = c;
            }
            case 4 -> { // a slice repeated
                int from = r.nextInt(b.length);
                int len = Math.min(b.length - from, 1 + r.nextInt(16));
                byte[] c = new byte[b.length + len];
                System.arraycopy(b, 0, c, 0, from + len);
                System.arraycopy(b, from, c, from + len, b.length - from);
                b = c;
            }
            case 5 -> { // a varint-sized huge length
                int at = 1 + r.nextInt(Math.max(1, b.length - 1));
                if (at + 4 < b.length) {
                    b[at] = -1;
                    b[at + 1] = -1;
                    b[at + 2] = -1;
                    b[at + 3] = (byte) (r.nextBoolean() ? 0x07 : 0x7f);
                }
            }
            default -> { // random bytes over a random tail
                int from = r.nextInt(b.length);
                for (int i = from; i < b.length && i < from + 6; i++) {
                    b[i] = (byte) r.nextInt(256);
                }
            }
        }
        return b;
    }

    private static void fuzz(List<byte[]> corpus, long seed, String what) {
        Random r = new Random(seed);
        ObjectInputFilter strict = ObjectInputFilter.Config.createFilter(
                "maxarray=1000;maxdepth=20;maxrefs=500;java.lang.*;java.util.*;dev.mp4j.**;!*");
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int done = 0;
        while (done < MAX_ITERATIONS && System.nanoTime() < deadline) {
            byte[] input = mutate(corpus.get(r.nextInt(corpus.size())), r);
            if (r.nextInt(4) == 0) {
                input = mutate(input, r);
            }
            decodeCleanly(input, (done & 1) == 0 ? null : strict, what + " iteration " + done + " (seed " + seed + ")");
            done++;
        }
        assertTrue(done > 100, what + ": only " + done + " iterations ran");
    }

    @Test
    void mutatedFastStreams() throws IOException {
        List<byte[]> corpus = corpus(false);
        for (byte[] b : corpus) {
            assertTrue(b[0] == FastFormat.MAGIC, "the corpus is in the fast form");
        }
        fuzz(corpus, SEED, "fast");
    }

    @Test
    void mutatedJdkStreams() throws IOException {
        fuzz(corpus(true), SEED + 1, "jdk");
    }

    @Test
    void randomBytesAfterTheMagic() {
        Random r = new Random(SEED + 2);
        long deadline = System.nanoTime() + BUDGET_NANOS;
        for (int i = 0; i < MAX_ITERATIONS && System.nanoTime() < deadline; i++) {
            byte[] b = new byte[1 + r.nextInt(40)];
            r.nextBytes(b);
            b[0] = FastFormat.MAGIC;
            if (b.length > 1) {
                b[1] = (byte) r.nextInt(FastFormat.TAG_COUNT + 2); // mostly valid tags, to get further in
            }
            decodeCleanly(b, null, "random iteration " + i);
        }
    }
}
