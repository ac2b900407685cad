package dev.mp4j.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableFunction;
import dev.mp4j.internal.pool.Chunks;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The codec: the fast form's round trips, its filter checks, and the JDK fallback. */
@Timeout(60)
class CodecTest {
    private static Object roundTrip(Object value) throws Exception {
        return Codec.decode(Codec.encode(value), null);
    }

    private static boolean isFast(Object value) throws IOException {
        byte[] b = Codec.encode(value);
        return b.length > 0 && b[0] == FastFormat.MAGIC;
    }

    /** Round trip through the fast form, asserting it was used, equal and of the same class. */
    private static Object fast(Object value) throws Exception {
        assertTrue(isFast(value), () -> "fast form for " + value);
        Object back = roundTrip(value);
        assertEquals(value, back);
        if (value != null) {
            assertSame(value.getClass(), back.getClass());
        }
        return back;
    }

    record Point(int x, long y, String label, double[] weights) implements Serializable {}

    record Pair(Object left, Object right) implements Serializable {}

    record Checked(int n) implements Serializable {
        Checked {
            if (n < 0) {
                throw new IllegalArgumentException("negative: " + n);
            }
        }
    }

    record Masked(String secret) implements Serializable {
        @Override
        public String secret() {
            return "***";
        }
    }

    record Replaced(int n) implements Serializable {
        private Object writeReplace() {
            return List.of(n);
        }
    }

    record NotSerializable(int n) {}

    enum Color { RED, GREEN }

    enum Op {
        PLUS {
            @Override
            int apply(int a, int b) {
                return a + b;
            }
        },
        TIMES {
            @Override
            int apply(int a, int b) {
                return a * b;
            }
        };

        abstract int apply(int a, int b);
    }

    @Test
    void scalarsRoundTripExactly() throws Exception {
        assertNull(roundTrip(null));
        assertTrue(isFast(null));
        for (Object v : new Object[] {true, false, (byte) 0, (byte) -128, (byte) 127, (short) -32768, (short) 32767,
                'a', '\uffff', '\ud800', 0, -1, 1, -128, 127, -129, 128, 1023, Integer.MIN_VALUE, Integer.MAX_VALUE,
                0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 1L << 40, 0f, -0f, Float.NaN, Float.MIN_VALUE,
                Float.NEGATIVE_INFINITY, 0d, -0d, Double.NaN, Double.MAX_VALUE, Double.MIN_VALUE,
                Double.POSITIVE_INFINITY}) {
            fast(v);
        }
        assertEquals(Double.doubleToRawLongBits(-0d), Double.doubleToRawLongBits((Double) roundTrip(-0d)));
        double payloadNaN = Double.longBitsToDouble(0x7ff8_0000_dead_beefL);
        assertEquals(0x7ff8_0000_dead_beefL, Double.doubleToRawLongBits((Double) roundTrip(payloadNaN)));
        float fNaN = Float.intBitsToFloat(0x7fc0_beef);
        assertEquals(0x7fc0_beef, Float.floatToRawIntBits((Float) roundTrip(fNaN)));
        // the Integer cache's edges decode to the cached instances, as Integer.valueOf gives them
        assertSame(Integer.valueOf(127), roundTrip(127));
        assertSame(Integer.valueOf(-128), roundTrip(-128));
        assertSame(Boolean.TRUE, roundTrip(true));
    }

    @Test
    void stringsOfEveryKind() throws Exception {
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            big.append((char) ('a' + i % 26));
        }
        for (String s : new String[] {"", "a", "hello, world", "caf\u00e9", "\u00ff\u0100", "\u20ac\u4e2d\u6587",
                "\ud83d\ude00 smile", "x\ud800", "\udc00x", "\ud800\ud800\udc00", "\udbff\udfff", "\u0000nul",
                "\ud83d", big.toString(), big + "\u00e9", big + "\ud800"}) {
            assertEquals(s, fast(s));
        }
        StringBuilder every = new StringBuilder();
        for (int c = 0; c < 0x10000; c++) {
            every.append((char) c);
        }
        String all = every.toString();
        assertEquals(all, fast(all)); // every code unit, lone surrogates included
        StringBuilder nonBmp = new StringBuilder();
        for (int cp = 0x10000; cp < 0x10FFFF; cp += 997) {
            nonBmp.appendCodePoint(cp);
        }
        assertEquals(nonBmp.toString(), fast(nonBmp.toString()));
    }

    @Test
    void primitiveArrays() throws Exception {
        byte[] bytes = new byte[1 << 20];
        new java.util.Random(3).nextBytes(bytes);
        assertArrayEquals(bytes, (byte[]) roundTrip(bytes));
        assertTrue(isFast(bytes));
        assertEquals(1 + 1 + 3 + bytes.length, Codec.encode(bytes).length); // magic, tag, 3-byte length
        assertArrayEquals(new byte[0], (byte[]) roundTrip(new byte[0]));
        assertArrayEquals(new int[] {0, -1, Integer.MIN_VALUE, 7}, (int[]) roundTrip(new int[] {0, -1, Integer.MIN_VALUE, 7}));
        assertArrayEquals(new long[] {Long.MIN_VALUE, 1, 2}, (long[]) roundTrip(new long[] {Long.MIN_VALUE, 1, 2}));
        assertArrayEquals(new short[] {-1, 5}, (short[]) roundTrip(new short[] {-1, 5}));
        assertArrayEquals(new char[] {'\ud800', 'z'}, (char[]) roundTrip(new char[] {'\ud800', 'z'}));
        assertArrayEquals(new boolean[] {true, false, true}, (boolean[]) roundTrip(new boolean[] {true, false, true}));
        assertArrayEquals(new float[] {-0f, Float.NaN, 1.5f}, (float[]) roundTrip(new float[] {-0f, Float.NaN, 1.5f}));
        double[] d = {-0d, Double.longBitsToDouble(0x7ff8_0000_0000_1234L), 1e300};
        double[] back = (double[]) roundTrip(d);
        for (int i = 0; i < d.length; i++) {
            assertEquals(Double.doubleToRawLongBits(d[i]), Double.doubleToRawLongBits(back[i]));
        }
        int[] large = new int[300_000];
        Arrays.setAll(large, i -> i * 31);
        assertArrayEquals(large, (int[]) roundTrip(large));
        assertTrue(isFast(large));
        Object[] objects = {1, "two", null, new int[] {3}, List.of(4)};
        Object[] objectsBack = (Object[]) roundTrip(objects);
        assertSame(Object[].class, objectsBack.getClass());
        assertEquals(Arrays.deepToString(objects), Arrays.deepToString(objectsBack));
        String[] strings = {"a", null, "\u00e9"};
        assertArrayEquals(strings, (String[]) roundTrip(strings));
        assertSame(String[].class, roundTrip(strings).getClass());
        assertTrue(isFast(strings));
        assertTrue(!isFast(new Integer[] {1})); // other array classes take JDK serialization
        assertArrayEquals(new Integer[] {1, null}, (Integer[]) roundTrip(new Integer[] {1, null}));
    }

    @Test
    void collectionsKeepTheirClassAndBehaviour() throws Exception {
        ArrayList<Object> list = new ArrayList<>(Arrays.asList(1, null, "x", 2L, List.of()));
        ArrayList<?> listBack = (ArrayList<?>) fast(list);
        assertNotSame(list, listBack);
        listBack.add(null); // mutable
        fast(new ArrayList<>());
        List<Integer> of = List.of(1, 2, 3);
        List<?> ofBack = (List<?>) fast(of);
        assertThrows(UnsupportedOperationException.class, () -> ofBack.add(null));
        assertThrows(NullPointerException.class, () -> ofBack.contains(null)); // as List.of's own
        fast(List.of());
        fast(List.of("one"));
        fast(List.of("one", "two"));
        List<Object> nullable = Stream.<Object>of(1, null, 3).toList();
        List<?> nullableBack = (List<?>) fast(nullable);
        assertTrue(nullableBack.contains(null));
        assertThrows(UnsupportedOperationException.class, () -> nullableBack.add(null));
        List<?> noNullsButNullable = (List<?>) fast(Stream.of(1, 2).toList());
        assertEquals(false, noNullsButNullable.contains(null)); // Stream.toList's list answers, List.of's throws
        assertEquals(false, ((List<?>) fast(Stream.of().toList())).contains(null));
        assertThrows(NullPointerException.class, () -> ((List<?>) fast(List.of())).contains(null));

        Set<?> set = (Set<?>) fast(Set.of("a", "b", "c"));
        assertThrows(UnsupportedOperationException.class, () -> set.remove("a"));
        fast(Set.of());
        fast(Set.of(1));
        fast(Map.of());
        fast(Map.of("k", 1));
        Map<?, ?> mapOf = (Map<?, ?>) fast(Map.of("k", 1, "j", List.of(2), "i", new ArrayList<>(List.of(3))));
        assertThrows(UnsupportedOperationException.class, () -> mapOf.remove("k"));

        HashMap<Object, Object> hash = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            hash.put(i % 2 == 0 ? i : "k" + i, i % 3 == 0 ? null : List.of(i));
        }
        hash.put(null, "null key");
        HashMap<?, ?> hashBack = (HashMap<?, ?>) fast(hash);
        assertEquals(new ArrayList<>(hash.keySet()), new ArrayList<>(hashBack.keySet())); // same order too
        fast(new HashMap<>());
        HashSet<Object> hs = new HashSet<>(List.of(1, 2, 3, "x"));
        hs.add(null);
        fast(hs);
        LinkedHashSet<Object> lhs = new LinkedHashSet<>();
        for (int i = 100; i > 0; i--) {
            lhs.add(i);
        }
        LinkedHashSet<?> lhsBack = (LinkedHashSet<?>) fast(lhs);
        assertEquals(new ArrayList<>(lhs), new ArrayList<>(lhsBack)); // insertion order kept

        List<Object> nested = new ArrayList<>();
        nested.add(new HashMap<>(Map.of("a", new ArrayList<>(List.of(new int[] {1}, new HashSet<>(Set.of(2)))))));
        nested.add(List.of(Map.of(1, List.of(2, Set.of(3)))));
        Object nestedBack = roundTrip(nested);
        assertTrue(isFast(nested));
        assertEquals(nested.toString().replaceAll("\\[I@\\w+", "ints"), nestedBack.toString()
                .replaceAll("\\[I@\\w+", "ints"));
    }

    @Test
    void otherClassesFallBackWithTheirOwnClass() throws Exception {
        LinkedHashMap<String, Integer> access = new LinkedHashMap<>(16, 0.75f, true);
        access.put("a", 1);
        access.put("b", 2);
        assertTrue(!isFast(access)); // its access order cannot be read, so JDK serialization keeps it
        @SuppressWarnings("unchecked")
        LinkedHashMap<String, Integer> accessBack = (LinkedHashMap<String, Integer>) roundTrip(access);
        accessBack.get("a");
        assertEquals(List.of("b", "a"), new ArrayList<>(accessBack.keySet()));
        TreeMap<String, Integer> tree = new TreeMap<>(Collections.reverseOrder());
        tree.put("a", 1);
        tree.put("b", 2);
        TreeMap<?, ?> treeBack = (TreeMap<?, ?>) roundTrip(tree);
        assertEquals(List.of("b", "a"), new ArrayList<>(treeBack.keySet()));
        for (Object o : new Object[] {new LinkedList<>(List.of(1)), Collections.unmodifiableList(new ArrayList<>()),
                Arrays.asList(1, 2), Collections.emptyList(), new java.util.Date(5), new AtomicInteger(3).get()}) {
            Object back = roundTrip(o);
            assertEquals(o, back);
            assertSame(o.getClass(), back.getClass());
        }
        // one element the fast form cannot write sends the whole graph through JDK serialization
        List<Object> mixed = new ArrayList<>(List.of(1, "a"));
        mixed.add(new java.util.Date(7));
        assertTrue(!isFast(mixed));
        assertEquals(mixed, roundTrip(mixed));
        assertThrows(NotSerializableException.class, () -> Codec.encode(new NotSerializable(1)));
        assertThrows(NotSerializableException.class, () -> Codec.encode(List.of(new Object())));
    }

    @Test
    void sharingAndCyclesTakeJdkSerialization() throws Exception {
        ArrayList<Object> shared = new ArrayList<>(List.of(1));
        List<Object> twice = new ArrayList<>(List.of(shared, shared));
        assertTrue(!isFast(twice));
        @SuppressWarnings("unchecked")
        List<List<Object>> back = (List<List<Object>>) roundTrip(twice);
        assertSame(back.get(0), back.get(1));
        ArrayList<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        cycle.add(List.of(cycle));
        List<?> cycleBack = (List<?>) roundTrip(cycle);
        assertSame(cycleBack, cycleBack.get(0));
        HashMap<String, Object> selfMap = new HashMap<>();
        selfMap.put("me", selfMap);
        HashMap<?, ?> selfBack = (HashMap<?, ?>) roundTrip(selfMap);
        assertSame(selfBack, selfBack.get("me"));
        byte[] bytes = {1, 2};
        Object[] sameArray = (Object[]) roundTrip(new Object[] {bytes, bytes});
        assertSame(sameArray[0], sameArray[1]);
        // immutable values may repeat in the fast form
        String s = "repeated";
        assertTrue(isFast(List.of(s, s, 5, 5, List.of(1), List.of(1))));
        // nesting deeper than the fast form allows
        Object deep = 1;
        for (int i = 0; i < FastFormat.MAX_DEPTH + 5; i++) {
            deep = new ArrayList<>(List.of(deep));
        }
        assertTrue(!isFast(deep));
        assertEquals(deep, roundTrip(deep));
        Object justDeepEnough = 1;
        for (int i = 0; i < FastFormat.MAX_DEPTH - 1; i++) {
            justDeepEnough = List.of(justDeepEnough);
        }
        fast(justDeepEnough);
    }

    @Test
    void recordsTakeTheFastFormThroughTheirCanonicalConstructor() throws Exception {
        Point p = new Point(1, 2L, "p", new double[] {0.5});
        Point back = (Point) roundTrip(p);
        assertTrue(isFast(p));
        assertEquals(p.x(), back.x());
        assertEquals(p.label(), back.label());
        assertArrayEquals(p.weights(), back.weights());
        List<Object> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(new Pair(i, new Pair("n" + i, null)));
        }
        fast(many);
        // JDK serialization writes fields, not what an accessor returns
        assertEquals("***", ((Masked) fast(new Masked("hunter2"))).secret());
        assertTrue(fast(new Masked("hunter2")).toString().contains("hunter2"));
        // a record with writeReplace keeps JDK serialization's meaning
        assertTrue(!isFast(new Replaced(4)));
        assertEquals(List.of(4), roundTrip(new Replaced(4)));
        // the canonical constructor validates, as for JDK deserialization
        byte[] ok = Codec.encode(new Checked(5));
        int at = indexOf(ok, (byte) FastFormat.INT);
        ok[at + 1] = 1; // zigzag 1 is -1
        assertThrows(java.io.InvalidObjectException.class, () -> Codec.decode(ok, null));
        // the pool's own messages
        SerializableFunction<Object, Object> fn = x -> (Integer) x + 1;
        assertTrue(isFast(fn));
        @SuppressWarnings("unchecked")
        SerializableFunction<Object, Object> fnBack = (SerializableFunction<Object, Object>) roundTrip(fn);
        assertEquals(3, fnBack.apply(2));
        fast(new Chunks.ChunkResult(new ArrayList<>(List.of(2, 3)), null));
        assertTrue(!isFast(new Chunks.ChunkResult(new ArrayList<>(), new IllegalStateException("x"))));
    }

    @Test
    void enumsAreTheSameConstants() throws Exception {
        assertSame(Color.GREEN, fast(Color.GREEN));
        assertSame(Op.TIMES, fast(Op.TIMES));
        List<Object> mixed = new ArrayList<>(List.of(Color.RED, Op.PLUS, Color.GREEN, new Pair(Color.RED, Op.TIMES)));
        List<?> back = (List<?>) fast(mixed);
        assertSame(Color.RED, back.get(0));
        assertSame(Op.TIMES, ((Pair) back.get(3)).right());
        rejectedBy(rejecting(Color.class), List.of(Color.RED));
        rejectedBy(rejecting(Enum.class), Op.PLUS);
        byte[] bytes = Codec.encode(Color.RED);
        bytes[bytes.length - 1] = 'X'; // "RED" becomes "REX"
        assertThrows(java.io.InvalidObjectException.class, () -> Codec.decode(bytes, null));
    }

    private static int indexOf(byte[] b, byte v) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == v) {
                return i;
            }
        }
        throw new AssertionError("no byte " + v);
    }

    @Test
    void serializableLambdasTakeTheFastForm() throws Exception {
        SerializableFunction<Integer, Integer> plain = x -> x * 2;
        assertTrue(isFast(plain));
        @SuppressWarnings("unchecked")
        SerializableFunction<Integer, Integer> back = (SerializableFunction<Integer, Integer>) roundTrip(plain);
        assertEquals(42, back.apply(21));
        int offset = 100;
        List<String> names = List.of("a", "b");
        SerializableFunction<Integer, String> capturing = i -> names.get(i) + offset;
        assertTrue(isFast(capturing));
        @SuppressWarnings("unchecked")
        SerializableFunction<Integer, String> capturingBack = (SerializableFunction<Integer, String>) roundTrip(capturing);
        assertEquals("b100", capturingBack.apply(1));
        SerializableFunction<String, Integer> ref = String::length;
        @SuppressWarnings("unchecked")
        SerializableFunction<String, Integer> refBack = (SerializableFunction<String, Integer>) roundTrip(ref);
        assertEquals(3, refBack.apply("abc"));
        java.util.Date date = new java.util.Date(1);
        SerializableFunction<Integer, Long> capturesOther = i -> date.getTime() + i;
        assertTrue(!isFast(capturesOther));
        @SuppressWarnings("unchecked")
        SerializableFunction<Integer, Long> otherBack = (SerializableFunction<Integer, Long>) roundTrip(capturesOther);
        assertEquals(3L, otherBack.apply(2));
        assertSame(roundTrip(plain), roundTrip(plain)); // one instance per call site, as JDK serialization gives
        rejectedBy(info -> info.serialClass() != null && info.serialClass().isHidden()
                ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED, plain); // even when cached
        Runnable notSerializable = () -> { };
        assertThrows(NotSerializableException.class, () -> Codec.encode(notSerializable));
    }

    private static SerializableFunction<Integer, Integer> adding(int k) {
        return x -> x + k;
    }

    @Test
    void laterInstancesOfALambdaClassAreWrittenAsTheFirstWas() throws Exception {
        SerializableFunction<Integer, Integer> add1 = adding(1);
        SerializableFunction<Integer, Integer> add2 = adding(2);
        SerializableFunction<Integer, Integer> times2 = x -> x * 2;
        byte[] first = Codec.encode(add1);
        byte[] other = Codec.encode(times2);
        byte[] second = Codec.encode(add2);
        // one lambda class: the same bytes up to the captured argument, which is last
        assertEquals(first.length, second.length);
        assertArrayEquals(Arrays.copyOf(first, first.length - 1), Arrays.copyOf(second, second.length - 1));
        assertNotEquals(first[first.length - 1], second[second.length - 1]);
        assertArrayEquals(first, Codec.encode(add1));
        assertArrayEquals(other, Codec.encode(times2)); // another class keeps its own names
        @SuppressWarnings("unchecked")
        SerializableFunction<Integer, Integer> back = (SerializableFunction<Integer, Integer>) Codec.decode(second, null);
        assertEquals(12, back.apply(10));
        @SuppressWarnings("unchecked")
        SerializableFunction<Integer, Integer> timesBack = (SerializableFunction<Integer, Integer>) Codec.decode(other,
                null);
        assertEquals(20, timesBack.apply(10));
        // the filter sees the classes of a later instance as of the first
        rejectedBy(rejecting(CodecTest.class), add2);
        rejectedBy(info -> info.serialClass() != null && info.serialClass().isHidden()
                ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED, add2);
    }

    record Größe(int maß, String straße) implements Serializable {}

    @Test
    void namesReadBeforeAreTheSameNamesAgain() throws Exception {
        for (int i = 0; i < 3; i++) { // the first read keeps the names, later ones find them
            assertEquals(new Größe(i, "x" + i), fast(new Größe(i, "x" + i)));
            fast(List.of(i, Thread.State.values()[i]));
        }
    }

    @Test
    void headroomIsZeroWhateverTheWriterWroteBefore() throws Exception {
        byte[] alone = Codec.encode(List.of(1, 2));
        for (int i = 0; i < 3; i++) {
            Codec.encode(new ArrayList<>(List.of("x".repeat(300), "y".repeat(300))));
            byte[] b = Codec.encode(List.of(1, 2), 24);
            assertArrayEquals(new byte[24], Arrays.copyOf(b, 24));
            assertArrayEquals(alone, Arrays.copyOfRange(b, 24, b.length));
        }
    }

    /** A record whose constructor decodes a value of its own while its stream is read. */
    record Nested(String s) implements Serializable {
        Nested {
            try {
                assertEquals(List.of(7L, "seven"), Codec.decode(Codec.encode(List.of(7L, "seven")), null));
            } catch (IOException | ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aDecodeInsideADecodeReadsBothStreams() throws Exception {
        List<Object> outer = List.of(new Nested("a"), "after", new Nested("b"), 3.5);
        assertTrue(isFast(outer));
        assertEquals(outer, roundTrip(outer));
    }

    @Test
    void aLambdaIsMadeByItsCapturingClassOrElseByReadResolve() throws Throwable {
        SerializableFunction<Integer, Integer> fn = x -> x + 1;
        java.lang.invoke.SerializedLambda sl = (java.lang.invoke.SerializedLambda)
                (Object) FastFormat.LAMBDA_WRITE_REPLACE.get(fn.getClass()).invokeExact((Object) fn);
        java.lang.invoke.MethodHandle direct = FastFormat.LAMBDA_DESERIALIZER.get(CodecTest.class);
        assertNotNull(direct, "this test class's $deserializeLambda$ is reachable");
        @SuppressWarnings("unchecked")
        SerializableFunction<Integer, Integer> made = (SerializableFunction<Integer, Integer>) (Object) direct.invokeExact(sl);
        assertEquals(5, made.apply(4));
        // where there is no such method to reach (String has none, and java.lang is not open to mp4j), the
        // reader takes readResolve, which makes the lambda from its own capturing class
        assertNull(FastFormat.LAMBDA_DESERIALIZER.get(String.class));
        @SuppressWarnings("unchecked")
        SerializableFunction<Integer, Integer> resolved = (SerializableFunction<Integer, Integer>)
                (Object) FastFormat.lambdaReadResolve().invokeExact((Object) sl);
        assertEquals(5, resolved.apply(4));
    }

    // ------------------------------------------------------------------------------------------ filters

    private static ObjectInputFilter rejecting(Class<?> cl) {
        return info -> info.serialClass() == cl ? ObjectInputFilter.Status.REJECTED
                : ObjectInputFilter.Status.UNDECIDED;
    }

    private static void rejectedBy(ObjectInputFilter filter, Object value) throws IOException {
        byte[] bytes = Codec.encode(value);
        assertThrows(InvalidClassException.class, () -> Codec.decode(bytes, filter), () -> "rejects " + value);
    }

    private static void acceptedBy(ObjectInputFilter filter, Object value) throws Exception {
        assertEquals(value, Codec.decode(Codec.encode(value), filter));
    }

    @Test
    void theFilterSeesTheClassesAJdkStreamWouldShow() throws Exception {
        rejectedBy(rejecting(Integer.class), 5);
        rejectedBy(rejecting(Integer.class), List.of("a", 5));
        rejectedBy(rejecting(Number.class), 5L);
        rejectedBy(rejecting(Number.class), 5d);
        acceptedBy(rejecting(Integer.class), List.of("a", 5L));
        rejectedBy(rejecting(ArrayList.class), new ArrayList<>(List.of(1)));
        rejectedBy(rejecting(HashMap.class), new HashMap<>(Map.of(1, 2)));
        rejectedBy(rejecting(HashSet.class), new LinkedHashSet<>(Set.of(1)));
        rejectedBy(rejecting(FastFormat.COLL_SER), List.of(1));
        rejectedBy(rejecting(Boolean.class), true);
        rejectedBy(rejecting(Character.class), 'c');
        rejectedBy(rejecting(byte[].class), new byte[3]);
        rejectedBy(rejecting(String[].class), new String[] {"x"});
        rejectedBy(rejecting(Point.class), new Point(1, 2, "x", null));
        rejectedBy(rejecting(Checked.class), List.of(new Checked(1)));
        SerializableFunction<Integer, Integer> fn = x -> x;
        rejectedBy(rejecting(java.lang.invoke.SerializedLambda.class), fn);
        rejectedBy(rejecting(CodecTest.class), fn); // the capturing class
        rejectedBy(info -> info.serialClass() != null && info.serialClass().isHidden()
                ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED, fn); // the lambda's class
        acceptedBy(rejecting(Integer.class), "strings are not shown, as in a JDK stream");

        ObjectInputFilter patterns = ObjectInputFilter.Config.createFilter("java.lang.Integer;!*");
        rejectedBy(patterns, 5); // java.lang.Number is in the stream too
        ObjectInputFilter javaLang = ObjectInputFilter.Config.createFilter("java.lang.*;java.util.*;!*");
        acceptedBy(javaLang, new ArrayList<>(List.of(1, 2L, "s", List.of(3), new HashMap<>(Map.of(4, 5)))));
        rejectedBy(javaLang, new Point(1, 2, "x", null));
        rejectedBy(javaLang, new int[] {1}.length == 1 ? new Object[] {new Pair(1, 2)} : null);

        // the same filters say the same of the JDK form
        ObjectInputFilter intFilter = rejecting(Integer.class);
        assertThrows(InvalidClassException.class, () -> Codec.decode(Codec.encodeJdk(List.of(5)), intFilter));
        assertThrows(InvalidClassException.class, () -> Codec.decode(Codec.encodeJdk(5), patterns));
    }

    @Test
    void theFilterLimitsApply() throws Exception {
        List<Integer> thousand = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            thousand.add(i);
        }
        ObjectInputFilter maxArray = ObjectInputFilter.Config.createFilter("maxarray=999");
        rejectedBy(maxArray, thousand);
        rejectedBy(maxArray, new byte[1000]);
        rejectedBy(maxArray, new HashSet<>(thousand));
        rejectedBy(maxArray, List.copyOf(thousand));
        acceptedBy(maxArray, thousand.subList(0, 999).stream().toList());
        ObjectInputFilter maxDepth = ObjectInputFilter.Config.createFilter("maxdepth=3");
        acceptedBy(maxDepth, List.of(List.of(1)));
        rejectedBy(maxDepth, List.of(List.of(List.of(1))));
        rejectedBy(maxDepth, new ArrayList<>(List.of(new ArrayList<>(List.of(new ArrayList<>(List.of("x")))))));
        ObjectInputFilter maxRefs = ObjectInputFilter.Config.createFilter("maxrefs=100");
        rejectedBy(maxRefs, thousand);
        acceptedBy(maxRefs, thousand.subList(0, 50).stream().toList());
        ObjectInputFilter maxBytes = ObjectInputFilter.Config.createFilter("maxbytes=100");
        rejectedBy(maxBytes, new ArrayList<>(thousand));
        // a filter that throws rejects, as in ObjectInputStream
        ObjectInputFilter broken = info -> {
            throw new IllegalStateException("broken filter");
        };
        InvalidClassException e = assertThrows(InvalidClassException.class,
                () -> Codec.decode(Codec.encode(1), broken));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        // a null status rejects too
        assertThrows(InvalidClassException.class, () -> Codec.decode(Codec.encode(1), info -> null));
    }

    @Test
    void theFilterSeesDepthReferencesAndBytes() throws Exception {
        List<ObjectInputFilter.FilterInfo> seen = new ArrayList<>();
        ObjectInputFilter recorder = info -> {
            seen.add(info);
            return ObjectInputFilter.Status.UNDECIDED;
        };
        Codec.decode(Codec.encode(new ArrayList<>(List.of(List.of(1, 2)))), recorder);
        assertTrue(seen.stream().anyMatch(i -> i.serialClass() == ArrayList.class && i.depth() == 1));
        assertTrue(seen.stream().anyMatch(i -> i.serialClass() == Object[].class && i.arrayLength() == 1));
        assertTrue(seen.stream().anyMatch(i -> i.serialClass() == Object[].class && i.arrayLength() == 2
                && i.depth() == 2));
        assertTrue(seen.stream().anyMatch(i -> i.serialClass() == Integer.class && i.depth() == 3));
        assertTrue(seen.stream().allMatch(i -> i.streamBytes() > 0 && i.references() >= 0));
        assertTrue(seen.stream().anyMatch(i -> i.references() >= 4));
    }

    private static byte[] freshStream(Object o) throws IOException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }

    @Test
    void theKeptJdkWriterWritesWhatANewStreamWrites() throws Exception {
        Object[] values = {new java.util.Date(1), new TreeMap<>(Map.of("a", 1)), new java.util.Date(2),
                new Object[] {new java.util.Date(3), "s"}, null, new java.util.BitSet(), new byte[100_000],
                new java.util.Date(4)};
        for (int round = 0; round < 3; round++) {
            for (Object v : values) {
                assertArrayEquals(freshStream(v), Codec.encodeJdk(v), String.valueOf(v));
            }
        }
        // a failed write leaves no broken writer behind
        assertThrows(NotSerializableException.class, () -> Codec.encodeJdk(List.of(new Object())));
        assertArrayEquals(freshStream(values[0]), Codec.encodeJdk(values[0]));
        // writers on many threads at once
        try (var exec = java.util.concurrent.Executors.newFixedThreadPool(4)) {
            List<java.util.concurrent.Future<Boolean>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int seed = t;
                fs.add(exec.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        Object v = new TreeMap<>(Map.of("k" + seed, i));
                        if (!Arrays.equals(freshStream(v), Codec.encodeJdk(v))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (var f : fs) {
                assertTrue(f.get());
            }
        }
    }

    @Test
    void aJdkStreamsArraysAreBoundedByItsLength() throws Exception {
        byte[] one = Codec.encodeJdk(new int[] {1, 2});
        // patch the array length (the 4 bytes before the elements) to a huge value
        int at = one.length - 8 - 4;
        one[at] = 0x7f;
        one[at + 1] = (byte) 0xff;
        one[at + 2] = (byte) 0xff;
        one[at + 3] = 0;
        assertThrows(InvalidClassException.class, () -> Codec.decode(one, null));
        assertArrayEquals(new int[] {1, 2}, (int[]) Codec.decode(Codec.encodeJdk(new int[] {1, 2}), null));
    }

    @Test
    void durationsTakeTheFastFormAndShowTheFilterTheJdkStreamsClass() throws Exception {
        for (Duration d : new Duration[] {Duration.ZERO, Duration.ofNanos(1), Duration.ofSeconds(-5, 7),
                Duration.ofMillis(1500), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999),
                Duration.ofSeconds(Long.MIN_VALUE)}) {
            fast(d);
        }
        assertEquals(List.of(Duration.ofSeconds(3), "x"), fast(new ArrayList<>(List.of(Duration.ofSeconds(3), "x"))));
        rejectedBy(rejecting(FastFormat.TIME_SER), Duration.ofSeconds(1));
        assertEquals("java.time.Ser", FastFormat.TIME_SER.getName());
        // the same filter says the same of the JDK form
        assertThrows(InvalidClassException.class, () -> Codec.decode(Codec.encodeJdk(Duration.ofSeconds(1)),
                rejecting(FastFormat.TIME_SER)));
        byte m = FastFormat.MAGIC;
        byte[] nanosTooMany = {m, FastFormat.DURATION, 0, (byte) 0x80, (byte) 0x94, (byte) 0xeb, (byte) 0xdc, 0x03};
        assertThrows(StreamCorruptedException.class, () -> Codec.decode(nanosTooMany, null));
        assertThrows(StreamCorruptedException.class, () -> Codec.decode(new byte[] {m, FastFormat.DURATION, 0}, null));
    }

    private static List<Object> numbers(int n, java.util.function.IntFunction<Object> item) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(item.apply(i));
        }
        return out;
    }

    @Test
    void listsOfOneBoxedNumberTypeTakeOneBulkTag() throws Exception {
        List<Object> ints = numbers(1000, i -> i % 7 == 0 ? Integer.MIN_VALUE + i : i * 3 - 1500);
        ints.set(999, Integer.MAX_VALUE);
        List<Object> longs = numbers(100, i -> (long) i << 40 ^ -i);
        List<Object> doubles = numbers(100, i -> i * 0.5);
        doubles.set(1, Double.longBitsToDouble(0x7ff0000000000123L)); // a NaN with a payload
        doubles.set(2, -0.0);
        for (List<?> list : List.<List<?>>of(new ArrayList<>(ints), new ArrayList<>(longs), new ArrayList<>(doubles),
                List.copyOf(ints), ints.stream().toList(), List.copyOf(numbers(FastFormat.MIN_BOXED, i -> i)))) {
            byte[] b = Codec.encode(list);
            assertEquals(FastFormat.BOXED_LIST, b[1], () -> "one bulk tag for " + list.getClass());
            Object back = fast(list);
            assertEquals(list.size(), ((List<?>) back).size());
        }
        @SuppressWarnings("unchecked")
        List<Object> back = (List<Object>) roundTrip(new ArrayList<>(doubles));
        assertEquals(0x7ff0000000000123L, Double.doubleToRawLongBits((Double) back.get(1)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits((Double) back.get(2)));
        // Stream.toList()'s list stays one that takes nulls; List.of's one that refuses them
        assertThrows(NullPointerException.class, () -> ((List<?>) roundTrip(List.copyOf(ints))).contains(null));
        assertTrue(!((List<?>) roundTrip(ints.stream().toList())).contains(null));

        // anything else is tagged item by item, and comes back the same
        List<Object> mixed = new ArrayList<>(ints);
        mixed.set(500, 5L);
        List<Object> withNull = new ArrayList<>(ints);
        withNull.set(999, null);
        List<Object> strings = numbers(100, i -> "s" + i);
        for (Object list : List.of(mixed, withNull, strings, new ArrayList<>(ints.subList(0, FastFormat.MIN_BOXED - 1)),
                Stream.of(1, 2, null).toList())) {
            assertNotEquals(FastFormat.BOXED_LIST, Codec.encode(list)[1], () -> "tagged items for " + list);
            fast(list);
        }
        fast(new ArrayList<>(List.of(new ArrayList<>(ints), List.copyOf(longs), "x")));
    }

    @Test
    void theElementsOfAListComeInAnArrayWhateverFormTheListTook() throws Exception {
        List<Object> ints = numbers(300, i -> i * -77_777);
        List<Object> doubles = numbers(40, i -> i / 3.0);
        List<Object> strings = numbers(40, i -> "s" + i);
        List<Object> nested = new ArrayList<>(List.of(new ArrayList<>(ints), "x"));
        for (List<Object> list : List.of(ints, doubles, strings, nested, new ArrayList<>())) {
            byte[] b = Codec.encode(new ArrayList<>(list));
            Object[] a = Codec.decodeElements(b, 0, b.length, null);
            assertArrayEquals(list.toArray(), a);
            assertEquals(list, Codec.decode(b, null)); // the same stream still reads as its list
            byte[] framed = Codec.encode(new ArrayList<>(list), 3);
            assertArrayEquals(list.toArray(), Codec.decodeElements(framed, 3, framed.length - 3, null));
        }
        assertArrayEquals(new Object[] {1, 2}, Codec.decodeElements(Codec.encode(List.of(1, 2)), 0,
                Codec.encode(List.of(1, 2)).length, null));
        byte[] jdk = Codec.encode(new LinkedList<>(List.of(1, new StringBuilder("b"))));
        Object[] a = Codec.decodeElements(jdk, 0, jdk.length, null);
        assertEquals(2, a.length);
        assertEquals("b", a[1].toString());
        byte[] notAList = Codec.encode("x");
        assertThrows(StreamCorruptedException.class, () -> Codec.decodeElements(notAList, 0, notAList.length, null));
        byte[] b = Codec.encode(new ArrayList<>(ints));
        ObjectInputFilter noLists = info -> info.serialClass() == ArrayList.class ? ObjectInputFilter.Status.REJECTED
                : ObjectInputFilter.Status.UNDECIDED;
        assertThrows(InvalidClassException.class, () -> Codec.decodeElements(b, 0, b.length, noLists));
    }

    @Test
    void decodeElementsIntoBoxesABulkListOfTheRightSizeStraightIntoTheGivenArray() throws Exception {
        for (int n : new int[] {FastFormat.MIN_BOXED, FastFormat.SMALL_BULK, FastFormat.SMALL_BULK + 1, 1000}) {
            List<Object> ints = numbers(n, i -> i * -77_777);
            List<Object> longs = numbers(n, i -> (long) i * -0x1234_5678_9abcL);
            List<Object> doubles = numbers(n, i -> i / -3.0);
            for (List<Object> list : List.of(ints, longs, doubles)) {
                byte[] b = Codec.encode(new ArrayList<>(list), 5);
                Object[] into = new Object[n + 7];
                into[2] = "before";
                into[n + 3] = "after";
                assertSame(into, Codec.decodeElements(b, 5, b.length - 5, null, into, 3, n));
                assertArrayEquals(list.toArray(), Arrays.copyOfRange(into, 3, n + 3));
                assertEquals("before", into[2]);
                assertEquals("after", into[n + 3]);
                // another size than the room: an array of its own, the room untouched
                Object[] other = new Object[n + 2];
                Object[] own = Codec.decodeElements(b, 5, b.length - 5, null, other, 1, n + 1);
                assertNotSame(other, own);
                assertArrayEquals(list.toArray(), own);
                assertArrayEquals(new Object[n + 2], other);
            }
        }
        // not a bulk list of numbers: an array of its own
        List<Object> strings = new ArrayList<>(List.of("a", "b", "c"));
        byte[] s = Codec.encode(strings);
        Object[] room = new Object[3];
        Object[] own = Codec.decodeElements(s, 0, s.length, null, room, 0, 3);
        assertNotSame(room, own);
        assertArrayEquals(strings.toArray(), own);
        byte[] b = Codec.encode(new ArrayList<>(numbers(100, i -> i)));
        assertThrows(IndexOutOfBoundsException.class, () -> Codec.decodeElements(b, 0, b.length, null,
                new Object[100], 1, 100));
    }

    @Test
    void shortAndLongBulkListsHaveOneFormTheirValuesLittleEndian() throws Exception {
        for (int n : new int[] {FastFormat.MIN_BOXED, 100, FastFormat.SMALL_BULK, FastFormat.SMALL_BULK + 1, 1000}) {
            List<Object> ints = numbers(n, i -> i * -77_777);
            List<Object> longs = numbers(n, i -> (long) i * -0x1234_5678_9abcL);
            List<Object> doubles = numbers(n, i -> i / -3.0);
            for (List<Object> list : List.of(ints, longs, doubles)) {
                for (List<Object> form : List.of(new ArrayList<>(list), List.copyOf(list), list.stream().toList())) {
                    byte[] b = Codec.encode(form);
                    assertEquals(FastFormat.BOXED_LIST, b[1]);
                    int width = list.get(0) instanceof Integer ? 4 : 8;
                    java.nio.ByteBuffer body = java.nio.ByteBuffer.wrap(b, b.length - width * n, width * n)
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    for (Object v : list) {
                        Object read = v instanceof Integer ? (Object) body.getInt()
                                : v instanceof Long ? (Object) body.getLong()
                                : (Object) Double.longBitsToDouble(body.getLong());
                        assertEquals(v, read);
                    }
                    Object back = fast(form);
                    assertEquals(form, back);
                    Object[] elements = Codec.decodeElements(b, 0, b.length, null);
                    assertArrayEquals(list.toArray(), elements);
                }
                for (int at : new int[] {0, Math.min(n - 2, FastFormat.BLOCK + 3), n - 1}) {
                    List<Object> odd = new ArrayList<>(list);
                    odd.set(at, list.get(0) instanceof Long ? (Object) 1.5 : (Object) 7L);
                    assertNotEquals(FastFormat.BOXED_LIST, Codec.encode(odd)[1], () -> "n " + n + " at " + at);
                    fast(odd);
                }
            }
        }
    }

    @Test
    void theFilterSeesABulkListAsItsElementsTaggedOneByOne() throws Exception {
        List<Object> ints = numbers(100, i -> i);
        List<ObjectInputFilter.FilterInfo> fast = new ArrayList<>();
        List<ObjectInputFilter.FilterInfo> jdk = new ArrayList<>();
        Codec.decode(Codec.encode(new ArrayList<>(ints)), recording(fast));
        Codec.decode(Codec.encodeJdk(new ArrayList<>(ints)), recording(jdk));
        assertEquals(classes(jdk), classes(fast));
        assertTrue(fast.stream().anyMatch(i -> i.serialClass() == Integer.class && i.depth() == 2));
        assertTrue(fast.stream().anyMatch(i -> i.serialClass() == Object[].class && i.arrayLength() == 100));
        assertTrue(fast.getLast().references() >= 101, () -> "references " + fast.getLast().references());
        rejectedBy(rejecting(Integer.class), new ArrayList<>(ints));
        rejectedBy(rejecting(Long.class), numbers(20, i -> (long) i));
        rejectedBy(rejecting(Double.class), List.copyOf(numbers(20, i -> (double) i)));
        rejectedBy(rejecting(Number.class), new ArrayList<>(ints));
        rejectedBy(rejecting(FastFormat.COLL_SER), ints.stream().toList());
        rejectedBy(ObjectInputFilter.Config.createFilter("maxrefs=100"), new ArrayList<>(ints));
        acceptedBy(ObjectInputFilter.Config.createFilter("maxrefs=101"), new ArrayList<>(ints));
        rejectedBy(ObjectInputFilter.Config.createFilter("maxarray=99"), new ArrayList<>(ints));
        rejectedBy(ObjectInputFilter.Config.createFilter("maxdepth=1"), new ArrayList<>(ints));
    }

    private static ObjectInputFilter recording(List<ObjectInputFilter.FilterInfo> seen) {
        return info -> {
            seen.add(info);
            return ObjectInputFilter.Status.UNDECIDED;
        };
    }

    private static Set<Class<?>> classes(List<ObjectInputFilter.FilterInfo> seen) {
        Set<Class<?>> out = new HashSet<>();
        for (ObjectInputFilter.FilterInfo i : seen) {
            if (i.serialClass() != null) {
                out.add(i.serialClass());
            }
        }
        return out;
    }

    @Test
    void corruptBulkListsAreCleanErrors() {
        byte m = FastFormat.MAGIC;
        byte bl = FastFormat.BOXED_LIST;
        byte al = FastFormat.ARRAY_LIST;
        for (byte[] bad : new byte[][] {{m, bl}, {m, bl, al}, {m, bl, al, FastFormat.INT},
                {m, bl, al, FastFormat.INT, -1, -1, -1, -1, 0x07}, // 2^31 - 1 elements in a few bytes
                {m, bl, al, FastFormat.INT, 2, 1, 0, 0, 0}, {m, bl, al, FastFormat.LONG, 1, 1, 0, 0, 0, 0, 0, 0},
                {m, bl, FastFormat.HASH_SET, FastFormat.INT, 0}, {m, bl, al, FastFormat.STR8, 0},
                {m, bl, al, FastFormat.SHORT, 0}, {m, bl, al, FastFormat.INT, 1, 1, 0, 0, 0, 0}}) {
            IOException e = assertThrows(IOException.class, () -> Codec.decode(bad, null), Arrays.toString(bad));
            assertInstanceOf(StreamCorruptedException.class, e, e::toString);
        }
    }

    @Test
    void corruptFastStreamsAreCleanErrors() throws IOException {
        byte m = FastFormat.MAGIC;
        for (byte[] bad : new byte[][] {{m}, {m, (byte) 99}, {m, FastFormat.INT}, {m, FastFormat.INT, (byte) 0x80},
                {m, FastFormat.INT, -1, -1, -1, -1, 0x7f}, {m, FastFormat.BYTES, -1, -1, -1, -1, 0x07},
                {m, FastFormat.BYTES, 5, 1}, {m, FastFormat.ARRAY_LIST, -1, -1, -1, 0x7f},
                {m, FastFormat.STR8, 10, 'a'}, {m, FastFormat.LIST_OF, 1, FastFormat.NULL},
                {m, FastFormat.SET_OF, 2, FastFormat.INT, 2, FastFormat.INT, 2},
                {m, FastFormat.RECORD_REF, 0}, {m, FastFormat.NULL, FastFormat.NULL},
                {m, FastFormat.BOOLEANS, 1, 2}, {m, FastFormat.STRINGS, 1, FastFormat.INT, 0},
                {m, FastFormat.DOUBLE, 1, 2, 3}, {m, FastFormat.MAP_OF, 1, FastFormat.NULL, FastFormat.NULL}}) {
            IOException e = assertThrows(IOException.class, () -> Codec.decode(bad, null), Arrays.toString(bad));
            assertInstanceOf(StreamCorruptedException.class, e, e::toString);
        }
        byte[] deep = new byte[2 + 2 * (FastFormat.MAX_DEPTH + 1)];
        deep[0] = m;
        for (int i = 0; i <= FastFormat.MAX_DEPTH; i++) {
            deep[1 + 2 * i] = FastFormat.LIST_OF;
            deep[2 + 2 * i] = 1;
        }
        deep[deep.length - 1] = FastFormat.NULL;
        assertThrows(StreamCorruptedException.class, () -> Codec.decode(deep, null));
        assertThrows(IOException.class, () -> Codec.decode(new byte[0], null));
        assertNotEquals(FastFormat.MAGIC, Codec.encodeJdk(1)[0]);
    }

    @Test
    void aFormReadAtAnOffsetIsReadAsTheSameFormAlone() throws Exception {
        List<Object> values = List.of(numbers(40, i -> i), numbers(20, i -> (long) i), numbers(17, i -> i * 0.5),
                new ArrayList<>(List.of("a", 1, List.of(2L))), new ArrayList<>(List.of(new StringBuilder("jdk"))));
        for (Object v : values) {
            for (int headroom : new int[] {0, 1, 18}) {
                byte[] framed = Codec.encode(v, headroom);
                byte[] alone = Codec.encode(v);
                assertArrayEquals(alone, Arrays.copyOfRange(framed, headroom, framed.length), v::toString);
                List<ObjectInputFilter.FilterInfo> atOffset = new ArrayList<>();
                List<ObjectInputFilter.FilterInfo> whole = new ArrayList<>();
                Object back = Codec.decode(framed, headroom, framed.length - headroom, recording(atOffset));
                Codec.decode(alone, recording(whole));
                assertEquals(v.toString(), back.toString());
                assertSame(v.getClass(), back.getClass());
                assertEquals(whole.stream().map(i -> i.serialClass() + "/" + i.streamBytes() + "/" + i.references())
                        .toList(), atOffset.stream().map(i -> i.serialClass() + "/" + i.streamBytes() + "/"
                        + i.references()).toList(), v::toString);
                assertEquals(v.toString(), Codec.decodeFromParent(framed, headroom, framed.length - headroom).toString());
            }
        }
        byte[] ints = Codec.encode(new ArrayList<>(numbers(40, i -> i)), 3);
        assertThrows(IndexOutOfBoundsException.class, () -> Codec.decode(ints, 3, ints.length, null));
        IOException cut = assertThrows(IOException.class, () -> Codec.decode(ints, 3, ints.length - 4, null));
        assertInstanceOf(StreamCorruptedException.class, cut, cut::toString);
    }

    @Test
    void aRangeOfAnArrayIsWrittenAsTheArrayListOfItsElements() throws Exception {
        Object[] a = {1, 2, "x", null, 3L};
        Object[] ints = numbers(50, i -> i).toArray();
        Object[] mixed = new Object[40];
        Arrays.fill(mixed, 7);
        mixed[30] = 7L; // not a list of one number class: tagged one by one
        Object[] jdk = {new StringBuilder("b"), 1};
        for (Object[] array : new Object[][] {a, ints, mixed, jdk}) {
            for (int[] range : new int[][] {{0, array.length}, {1, array.length}, {0, 0}, {1, array.length - 1}}) {
                ArrayList<Object> list = new ArrayList<>(Arrays.asList(array).subList(range[0], range[1]));
                byte[] framed = Codec.encodeList(array, range[0], range[1], 5);
                assertArrayEquals(Codec.encode(list, 5), framed, list::toString);
                Object back = Codec.decode(framed, 5, framed.length - 5, null);
                assertInstanceOf(ArrayList.class, back);
                assertEquals(list.toString(), back.toString());
            }
        }
        assertThrows(IndexOutOfBoundsException.class, () -> Codec.encodeList(a, 2, 6, 0));
    }

    /** A list whose elements the codec must not ask for itself (as a manager's proxy, whose get is a call). */
    static final class CountingList extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;
        transient int gets;

        @Override
        public Object get(int index) {
            gets++;
            return super.get(index);
        }
    }

    @Test
    void sizingTheBufferAsksNoElementOfAListOfAnotherClass() throws Exception {
        CountingList list = new CountingList();
        list.addAll(numbers(40, i -> i));
        Object back = Codec.decode(Codec.encode(list), null);
        assertEquals(0, list.gets);
        assertEquals(list, back);
    }
}
