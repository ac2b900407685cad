package dev.mp4j.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Pickle} on its own: Java round trips, the bounds, malformed input, the allow-list and registrations. */
@Timeout(60)
class PickleTest {
    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    private static Object roundTrip(Object o) {
        return Pickle.loads(Pickle.dumps(o));
    }

    @Test
    void javaValuesComeBackAsTheirPythonMapping() {
        assertEquals(Canon.of(null), Canon.of(roundTrip(null)));
        assertEquals(7L, roundTrip(7));
        assertEquals(-7L, roundTrip((short) -7));
        assertEquals(7L, roundTrip((byte) 7));
        assertEquals(2.5, roundTrip(2.5f));
        for (long v : new long[] {0, 1, 255, 256, 65535, 65536, -1, -128, -129, -32768, -32769, Integer.MAX_VALUE,
                Integer.MIN_VALUE, 1L << 31, -(1L << 31) - 1, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertEquals(v, roundTrip(v), "long " + v);
        }
        BigInteger big = BigInteger.TWO.pow(64);
        assertEquals(big, roundTrip(big));
        assertEquals(big.negate(), roundTrip(big.negate()));
        assertEquals(BigInteger.TWO.pow(5000).negate(), roundTrip(BigInteger.TWO.pow(5000).negate()));
        assertEquals(5L, roundTrip(BigInteger.valueOf(5)));
        assertEquals("é\uD83D\uDE00\uDC80x", roundTrip("é\uD83D\uDE00\uDC80x"));
        assertEquals("z".repeat(1000), roundTrip("z".repeat(1000)));
        assertTrue(Arrays.equals(new byte[] {1, 2}, (byte[]) roundTrip(new byte[] {1, 2})));
        assertEquals(new PyByteArray(new byte[] {3}), roundTrip(new PyByteArray(new byte[] {3})));
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put(new PyTuple(1L, "a"), List.of(1L));
        m.put(null, Set.of());
        Object back = roundTrip(m);
        assertInstanceOf(LinkedHashMap.class, back);
        assertEquals(Canon.of(m), Canon.of(back));
        assertInstanceOf(ArrayList.class, roundTrip(List.of()));
        assertInstanceOf(LinkedHashSet.class, roundTrip(Set.of(1)));
        PythonError e = (PythonError) roundTrip(new PythonError("builtins.KeyError", List.of("k")));
        assertEquals("builtins.KeyError", e.type());
        assertEquals(List.of("k"), e.args());
        PyObject o = PyObject.viaNew("m", "C", List.of(1L), Map.of("a", 1L));
        assertEquals(o, roundTrip(o));
        assertNotEquals(new PyObject("m", "C", List.of(1L), Map.of("a", 1L)), o);
        assertEquals(new PyGlobal("builtins", "float"), roundTrip(new PyGlobal("builtins", "float")));
    }

    @Test
    void aTupleIsImmutableAndEqualsAListWithTheSameItems() {
        PyTuple t = new PyTuple(1L, "a");
        assertEquals(List.of(1L, "a"), t);
        assertEquals(List.of(1L, "a").hashCode(), t.hashCode());
        assertThrows(UnsupportedOperationException.class, () -> t.add(2L));
        assertEquals("(1,)", new PyTuple(1).toString());
        Object[] items = {1L};
        PyTuple copy = new PyTuple(items);
        items[0] = 2L;
        assertEquals(1L, copy.get(0));
    }

    @Test
    void anUnmappedJavaObjectIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Pickle.dumps(List.of(new StringBuilder("x"))));
        assertTrue(e.getMessage().contains("java.lang.StringBuilder"), e.getMessage());
        record Unregistered(int a) {}
        e = assertThrows(IllegalArgumentException.class, () -> Pickle.dumps(new Unregistered(1)));
        assertTrue(e.getMessage().contains("Unregistered"), e.getMessage());
    }

    @Test
    void registrationsBelongToTheirDumper() {
        Pickle.Dumper d = Pickle.dumper().register(PickleCPythonTest.Pt.class, "app", "Point");
        PyObject p = (PyObject) Pickle.loads(d.dumps(new PickleCPythonTest.Pt(1, 2)));
        assertEquals(new PyObject("app", "Point", List.of(1L, 2L), null), p);
        assertThrows(IllegalArgumentException.class, () -> Pickle.dumps(new PickleCPythonTest.Pt(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> Pickle.dumper().dumps(new PickleCPythonTest.Pt(1, 2)));
    }

    @Test
    void aJavaStructureTooDeepToPickleIsRefused() {
        List<Object> l = new ArrayList<>();
        List<Object> top = l;
        for (int i = 0; i < 1500; i++) {
            List<Object> inner = new ArrayList<>();
            l.add(inner);
            l = inner;
        }
        List<Object> deep = top;
        assertThrows(IllegalArgumentException.class, () -> Pickle.dumps(deep));
    }

    @Test
    void everyTruncationOfAPickleIsAPickleError() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("k", List.of(1L, 2.5, "s", new byte[3], new PyTuple(1L, 2L, 3L, 4L), BigInteger.TWO.pow(70)));
        m.put(new PyTuple(), new PythonError("builtins.ValueError", List.of("v")));
        byte[] full = Pickle.dumps(m);
        for (int len = 0; len < full.length; len++) {
            byte[] cut = Arrays.copyOf(full, len);
            assertThrows(PickleError.class, () -> Pickle.loads(cut), "prefix of " + len);
        }
    }

    @Test
    void lengthsBeyondTheInputAreRefusedBeforeAnyAllocation() {
        for (String h : new String[] {
            "80 04 42 ff ff ff 7f", // BINBYTES of 2 GiB
            "80 04 58 ff ff ff ff", // BINUNICODE of 4 GiB
            "80 04 8d ff ff ff ff ff ff ff 3f", // BINUNICODE8
            "80 04 8e 00 00 00 00 00 00 00 80", // BINBYTES8 of 2^63
            "80 05 96 ff ff ff ff ff ff 00 00", // BYTEARRAY8
            "80 04 8b ff ff ff 7f 00", // LONG4
            "80 04 8b 00 00 00 80", // LONG4, negative length
            "80 04 95 ff ff ff ff 00 00 00 00 4e 2e", // FRAME longer than the input
            "80 04 8c 05 61 62", // SHORT_BINUNICODE past the end
        }) {
            assertThrows(PickleError.class, () -> Pickle.loads(hex(h)), h);
        }
    }

    @Test
    void malformedInputIsAPickleError() {
        for (String h : new String[] {
            "", "2e", "80 06 4e 2e", "80 04 ff", "80 04 30 2e", "80 04 31 2e", "80 04 61 2e", "80 04 4b 01 61 2e",
            "80 04 28 65 2e", "80 04 4b 01 4b 02 73 2e", "80 04 68 05 2e", "80 04 6a 00 00 00 01 2e",
            "80 04 4b 01 29 52 2e", // REDUCE of an int
            "80 04 63 6f 73 0a 73 79 73 74 65 6d 0a 4b 01 52 2e", // REDUCE with an int, not a tuple
            "80 04 4b 01 4b 02 93 2e", // STACK_GLOBAL of ints
            "80 04 4b 01 62 2e", // BUILD of an int
            "80 04 8c 02 c3 28 2e", // str not UTF-8
            "80 04 8c 02 c0 80 2e", // overlong
            "80 04 8c 04 f4 90 80 80 2e", // beyond U+10FFFF
            "80 04 55 01 ff 2e", // Python 2 str not ASCII
            "80 04 97 2e", "80 04 50 61 0a 2e", "80 04 82 01 2e",
            "49 31 78 0a 2e", "49 0a 2e", "4c 31 2e 35 4c 0a 2e", "46 31 65 0a 2e", "46 30 78 31 70 33 0a 2e", // bad text
            "53 61 0a 2e", "53 27 61 0a 2e", "53 27 5c 78 34 27 0a 2e", "53 27 c3 a9 27 0a 2e", // bad STRING
            "56 5c 75 30 30 0a 2e", "56 5c 55 30 30 31 31 30 30 30 30 0a 2e", // UNICODE escapes truncated, too large
            "67 2d 31 0a 2e", "4e 70 78 0a 2e", "28 6f 2e", // GET -1, PUT x, OBJ without a class
            "80 04 8c 01 6d 8c 01 43 93 29 4b 01 92 2e", // NEWOBJ_EX with kwargs that are not a dict
            "80 04 8c 01 6d 8c 01 43 93 29 7d 4b 01 4b 01 73 92 2e", // NEWOBJ_EX with a keyword that is not a str
            "80 04 63 6f 73", // GLOBAL without its newline
            "80 04 5d 28 4b 01 4b 02 4b 03 75 2e", // odd SETITEMS
            "80 04 4b 01 28 4b 01 90 2e", // ADDITEMS to an int
            "80 04 29 28 4b 01 65 2e", // APPENDS to a tuple
        }) {
            assertThrows(PickleError.class, () -> Pickle.loads(hex(h)), h);
        }
    }

    @Test
    void protocolZeroTextOpcodesAreReadAsCPythonReadsThem() {
        // INT, I01, LONG, FLOAT (inf and nan too), STRING with escapes, UNICODE with its escapes, PUT and GET
        assertEquals(List.of(7L, -3L, true, false, 1L << 40, new BigInteger("123456789012345678901234567890"), 1.5,
                Double.NEGATIVE_INFINITY, "a\nA\u0007\\z'", "\u00e9\u20ac\uD83D\uDE00\\x", "\\\\u0041", "s", "s"),
                Pickle.loads(("(lI7\naI-3\naI01\naI00\naL1099511627776L\naL123456789012345678901234567890L\naF1.5\na"
                        + "F-inf\naS'a\\n\\x41\\a\\\\z\\''\naV\u00e9\\u20ac\\U0001f600\\x\naV\\\\u0041\na"
                        + "Vs\np7\nag7\na.").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        assertTrue(Double.isNaN((Double) Pickle.loads(hex("46 6e 61 6e 0a 2e"))));
        // INST and OBJ: a call with arguments, cls.__new__(cls) without
        assertEquals(new PyObject("app", "C", List.of(1L), null), Pickle.loads("(I1\niapp\nC\n.".getBytes()));
        assertEquals(PyObject.viaNew("app", "C", List.of(), null), Pickle.loads("(capp\nC\no.".getBytes()));
        // a protocol-0 GLOBAL of Python 2's names is read under Python 3's (fix_imports)
        assertEquals(new PyGlobal("builtins", "len"), Pickle.loads("c__builtin__\nlen\n.".getBytes()));
        PickleError tooLong = assertThrows(PickleError.class,
                () -> Pickle.loads(("I" + "9".repeat(4301) + "\n.").getBytes()));
        assertTrue(tooLong.getMessage().contains("4300 digits"), tooLong.getMessage());
    }

    @Test
    void refusedOpcodesAreNamed() {
        for (String[] c : new String[][] {
            {"80 04 50 61 0a 2e", "PERSID"}, {"80 04 4e 51 2e", "BINPERSID"}, {"80 04 82 01 2e", "EXT1"},
            {"80 04 83 01 00 2e", "EXT2"}, {"80 04 84 01 00 00 00 2e", "EXT4"}, {"80 05 97 2e", "NEXT_BUFFER"},
            {"80 05 98 2e", "READONLY_BUFFER"},
        }) {
            PickleError e = assertThrows(PickleError.class, () -> Pickle.loads(hex(c[0])), c[0]);
            assertTrue(e.getMessage().startsWith("opcode " + c[1] + " "), e.getMessage());
        }
    }

    @Test
    void newobjExWithKeywordsRoundTripsUnchanged() {
        byte[] in = hex("80 04 8c 01 6d 8c 01 43 93 29 7d 8c 01 6b 4b 01 73 92 2e"); // m.C.__new__(C, k=1)
        PyObject o = assertInstanceOf(PyObject.class, Pickle.loads(in));
        assertEquals(PyObject.viaNew("m", "C", List.of(), Map.of("k", 1L), null), o);
        assertEquals(Map.of("k", 1L), o.kwargs());
        assertEquals(o, Pickle.loads(Pickle.dumps(o)));
        assertNotEquals(PyObject.viaNew("m", "C", List.of(), null), o);
        PickleError allowed = assertThrows(PickleError.class, () -> Pickle.loader().allow("m", "C", a -> a)
                .loads(in));
        assertTrue(allowed.getMessage().contains("keyword"), allowed.getMessage());
    }

    @Test
    void aMemoIndexFarBeyondTheInputUsesNoLargeTable() {
        Object o = Pickle.loads(hex("80 04 5d 72 ff ff ff ff 6a ff ff ff ff 86 2e"));
        PyTuple t = assertInstanceOf(PyTuple.class, o);
        assertSame(t.get(0), t.get(1));
    }

    @Test
    void nestingIsBoundedByMaxDepth() {
        ByteArrayOutputStream tuples = new ByteArrayOutputStream();
        tuples.writeBytes(hex("80 04 4b 01"));
        for (int i = 0; i < 1500; i++) {
            tuples.write(0x85);
        }
        tuples.write('.');
        byte[] deepTuples = tuples.toByteArray();
        assertThrows(PickleError.class, () -> Pickle.loads(deepTuples));
        assertInstanceOf(PyTuple.class, Pickle.loader().maxDepth(2000).loads(deepTuples));
        Object eleven = List.of();
        for (int i = 0; i < 10; i++) {
            eleven = List.of(eleven);
        }
        byte[] elevenLevels = Pickle.dumps(eleven);
        assertThrows(PickleError.class, () -> Pickle.loader().maxDepth(10).loads(elevenLevels));
        assertEquals(eleven, Pickle.loader().maxDepth(11).loads(elevenLevels));

        ByteArrayOutputStream lists = new ByteArrayOutputStream();
        lists.write(0x80);
        lists.write(4);
        for (int i = 0; i < 1500; i++) {
            lists.write(']');
        }
        for (int i = 0; i < 1499; i++) {
            lists.write('a');
        }
        lists.write('.');
        byte[] deepLists = lists.toByteArray();
        assertThrows(PickleError.class, () -> Pickle.loads(deepLists));
        assertThrows(IllegalArgumentException.class, () -> Pickle.loader().maxDepth(0));
    }

    @Test
    void keysThatPythonCouldNotHashOrThatWouldCostTooMuchAreRefused() {
        assertThrows(PickleError.class, () -> Pickle.loads(hex("80 04 7d 5d 4b 01 73 2e")), "a list as a dict key");
        assertThrows(PickleError.class, () -> Pickle.loads(hex("80 04 8f 28 7d 90 2e")), "a dict in a set");
        assertThrows(PickleError.class, () -> Pickle.loads(hex("80 04 7d 5d 85 4b 01 73 2e")), "a tuple of a list");
        // (t, t) eighty times over through DUP: 2^81 items when walked, in 170 bytes
        ByteArrayOutputStream dag = new ByteArrayOutputStream();
        dag.writeBytes(hex("80 04 8f 28 4b 01 85"));
        for (int i = 0; i < 80; i++) {
            dag.writeBytes(hex("32 86"));
        }
        dag.writeBytes(hex("90 2e"));
        byte[] huge = dag.toByteArray();
        assertThrows(PickleError.class, () -> Pickle.loads(huge));
        // the same shape ten levels deep is a fine key
        ByteArrayOutputStream small = new ByteArrayOutputStream();
        small.writeBytes(hex("80 04 8f 28 4b 01 85"));
        for (int i = 0; i < 10; i++) {
            small.writeBytes(hex("32 86"));
        }
        small.writeBytes(hex("90 2e"));
        assertEquals(1, ((Set<?>) Pickle.loads(small.toByteArray())).size());

        // m.C(p, p) eighty times over, as a set item
        ByteArrayOutputStream objects = new ByteArrayOutputStream();
        objects.writeBytes(hex("80 04 8f 28 8c 01 6d 8c 01 43 93 94 29 52"));
        for (int i = 1; i <= 80; i++) {
            objects.writeBytes(hex("94 30 68 00 68"));
            objects.write(i);
            objects.writeBytes(hex("68"));
            objects.write(i);
            objects.writeBytes(hex("86 52"));
        }
        objects.writeBytes(hex("90 2e"));
        byte[] hugeObject = objects.toByteArray();
        assertThrows(PickleError.class, () -> Pickle.loads(hugeObject));
        // an object may not change once it is inside a key: m.C() as a set item, then given a state
        assertThrows(PickleError.class, () -> Pickle.loads(hex(
                "80 04 8c 01 6d 8c 01 43 93 29 52 94 8f 28 68 00 90 30 68 00 7d 62 2e")));
    }

    @Test
    void anArrayListPicklesAsAnyOtherListAndComesBackWhole() {
        List<Object> mixed = new ArrayList<>();
        long[] edges = {0, 255, 256, 65535, 65536, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 40, Long.MIN_VALUE};
        for (int i = 0; i < 2600; i++) {
            mixed.add(i % 97 == 0 ? "s" + i : i % 89 == 0 ? null : i % 83 == 0 ? List.of((long) i) : i % 79 == 0
                    ? (Object) i : edges[i % edges.length] + (i % 3));
        }
        byte[] fast = Pickle.dumps(mixed);
        assertTrue(Arrays.equals(Pickle.dumps(java.util.Collections.unmodifiableList(mixed)), fast),
                "an ArrayList and another list of the same items pickle alike");
        List<Object> expected = new ArrayList<>();
        for (Object o : mixed) {
            expected.add(o instanceof Integer i ? (Object) (long) i : o);
        }
        assertEquals(expected, Pickle.loads(fast));

        // a long list with more input after it: its first batch sizes it for more items than it gets
        List<Long> longs = new ArrayList<>();
        for (long i = 0; i < 1500; i++) {
            longs.add(i);
        }
        PyTuple t = new PyTuple(longs, "z".repeat(50_000), longs);
        assertEquals(t, Pickle.loads(Pickle.dumps(t)));
    }

    @Test
    void everyIntOfBinint1AndBinint2ReadsBackAsItsLongAndSmallOnesAreShared() {
        List<Long> all = new ArrayList<>();
        for (long i = 0; i < 65_536; i++) {
            all.add(i);
        }
        all.addAll(List.of(-1L, 65_536L, -65_536L, (long) Integer.MAX_VALUE, (long) Integer.MIN_VALUE, 1L << 40));
        byte[] p = Pickle.dumps(all);
        List<?> first = assertInstanceOf(ArrayList.class, Pickle.loads(p));
        List<?> second = assertInstanceOf(ArrayList.class, Pickle.loads(p));
        assertEquals(all, first);
        assertEquals(all, second);
        for (int i = 0; i < 65_536; i++) {
            assertSame(first.get(i), second.get(i), "the Long of " + i);
        }
        // BININT1 and BININT2 written by hand: K 0xff, M 0xffff, M 0x0100; BININT -1
        assertEquals(List.of(255L, 65_535L, 256L, -1L),
                Pickle.loads(hex("80 02 5d 28 4b ff 4d ff ff 4d 00 01 4a ff ff ff ff 65 2e")));
    }

    @Test
    void shortStringsReadBackWhateverEarlierLoadsRead() {
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            strings.add(Integer.toString(i, 36));
        }
        strings.addAll(List.of("", "a", "x".repeat(16), "y".repeat(17), "é", "aé", "\u0000", "\u007f"));
        for (int round = 0; round < 3; round++) {
            assertEquals(strings, Pickle.loads(Pickle.dumps(strings)));
            for (String s : strings.subList(0, 50)) {
                assertEquals(Map.of(s, s + "!"), Pickle.loads(Pickle.dumps(Map.of(s, s + "!"))));
            }
        }
    }

    @Test
    void threadsThatPickleAtOnceEachGetTheirOwnValues() throws Exception {
        int threads = 4;
        List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                int id = t;
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("k" + id, List.of((long) i, "v" + (i % 7), (long) id << 20));
                        m.put("s" + (i % 13), i % 2 == 0 ? 2.5 : null);
                        if (!m.equals(Pickle.loads(Pickle.dumps(m)))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (java.util.concurrent.Future<Boolean> r : results) {
                assertTrue(r.get(50, java.util.concurrent.TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void aLoadInsideALoadAndALoadAfterAFailureReadWhatTheyShould() {
        Pickle.Loader loader = Pickle.loader().allow("app", "C", args -> List.of(args, Pickle.loads(Pickle.dumps(
                List.of("inner", args.size())))));
        Object loaded = loader.loads(Pickle.dumps(List.of(PyObject.viaNew("app", "C", List.of(1L), null), "outer")));
        assertEquals(List.of(List.of(List.of(1L), List.of("inner", 1L)), "outer"), loaded);
        byte[] good = Pickle.dumps(List.of(Map.of("k", List.of(1L, 2L)), "v"));
        byte[] bad = Arrays.copyOf(good, good.length - 3);
        for (int i = 0; i < 3; i++) {
            assertThrows(PickleError.class, () -> Pickle.loads(bad));
            assertEquals(List.of(Map.of("k", List.of(1L, 2L)), "v"), Pickle.loads(good));
        }
    }

    @Test
    void maxBytesRefusesALongerInput() {
        byte[] p = Pickle.dumps("x".repeat(100));
        assertThrows(PickleError.class, () -> Pickle.loader().maxBytes(50).loads(p));
        assertEquals("x".repeat(100), Pickle.loader().maxBytes(p.length).loads(p));
    }

    @Test
    void allowListedConstructorsGetTheArgumentsThenTheState() {
        List<List<Object>> seen = new ArrayList<>();
        Pickle.Loader loader = Pickle.loader().allow("app", "C", args -> {
            seen.add(args);
            return "C" + args;
        });
        PyObject shared = PyObject.viaNew("app", "C", List.of(1L), Map.of("a", 2L));
        Object loaded = loader.loads(Pickle.dumps(List.of(shared, shared, new PyObject("app", "C", List.of(), null))));
        List<?> list = assertInstanceOf(List.class, loaded);
        assertEquals("C[1, {a=2}]", list.get(0));
        assertSame(list.get(0), list.get(1));
        assertEquals("C[]", list.get(2));
        assertEquals(2, seen.size(), "one construction per object");

        Pickle.Loader refusing = Pickle.loader().allow("app", "C", args -> {
            throw new IllegalStateException("no");
        });
        PickleError e = assertThrows(PickleError.class, () -> refusing.loads(Pickle.dumps(shared)));
        assertInstanceOf(IllegalStateException.class, e.getCause());

        // an allow-listed object that reaches itself through its own state
        PyObject cyclic = PyObject.viaNew("app", "C", List.of(), null);
        Map<Object, Object> state = new LinkedHashMap<>();
        state.put("self", cyclic);
        cyclic.setState(state);
        byte[] p = Pickle.dumps(cyclic);
        assertThrows(PickleError.class, () -> Pickle.loader().allow("app", "C", a -> "c").loads(p));
        PyObject plain = (PyObject) Pickle.loads(p);
        assertSame(plain, ((Map<?, ?>) plain.state()).get("self"));
    }

    @Test
    void protocol2NamesReadAsCPythonReadsThem() {
        // cexceptions\nKeyError\n (X'k' tR. at protocol 2; c__builtin__\nset\n(]K\x01a tR; _codecs.encode
        Object e = Pickle.loads(hex("80 02 63 65 78 63 65 70 74 69 6f 6e 73 0a 4b 65 79 45 72 72 6f 72 0a 58 01 00 00"
                + " 00 6b 85 52 2e"));
        assertEquals("builtins.KeyError", assertInstanceOf(PythonError.class, e).type());
        Object g = Pickle.loads(hex("80 02 63 5f 5f 62 75 69 6c 74 69 6e 5f 5f 0a 6c 6f 6e 67 0a 2e"));
        assertEquals(new PyGlobal("builtins", "int"), g);
        // at protocol 4 the same names are taken as they are
        Object g4 = Pickle.loads(hex("80 04 63 5f 5f 62 75 69 6c 74 69 6e 5f 5f 0a 6c 6f 6e 67 0a 2e"));
        assertEquals(new PyGlobal("__builtin__", "long"), g4);
    }

    @Test
    void randomCorruptionsOfValidPicklesThrowPickleErrorOnly() {
        Random r = new Random(42);
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("list", List.of(1L, -300L, 1L << 40, "é", new byte[2], new PyByteArray(new byte[1])));
        m.put(new PyTuple(1L, 2L), Set.of(3L));
        m.put("obj", PyObject.viaNew("m", "C", List.of(), Map.of("k", new PyGlobal("builtins", "len"))));
        m.put("err", new PythonError("builtins.KeyError", List.of("x")));
        byte[] valid = Pickle.dumps(m);
        for (int i = 0; i < 20_000; i++) {
            byte[] b = valid.clone();
            for (int k = r.nextInt(4); k >= 0; k--) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            try {
                Pickle.loads(b);
            } catch (PickleError expected) {
                // the only exception allowed
            }
        }
    }
}
