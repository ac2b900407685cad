package dev.mp4j.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.python.Pythons.Python;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Pickle} against CPython's own pickle, on every CPython installed: what CPython writes at protocols 2 to 5
 * reads as API.md maps it, what mp4j writes reads in CPython as the value it stands for, and a Python object read
 * into Java and written back is the same Python object.
 */
@Timeout(120)
class PickleCPythonTest {
    private static final Duration RUN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    /** Python expressions and what they read as in Java. */
    private static final Object[][] READ = {
        {"None", null},
        {"True", true},
        {"False", false},
        {"0", 0L},
        {"255", 255L},
        {"256", 256L},
        {"65535", 65535L},
        {"65536", 65536L},
        {"-1", -1L},
        {"2**31 - 1", (long) Integer.MAX_VALUE},
        {"-2**31", (long) Integer.MIN_VALUE},
        {"2**31", 1L << 31},
        {"2**63 - 1", Long.MAX_VALUE},
        {"-2**63", Long.MIN_VALUE},
        {"2**63", BigInteger.ONE.shiftLeft(63)},
        {"-2**100", BigInteger.ONE.shiftLeft(100).negate()},
        {"1.5", 1.5},
        {"-0.0", -0.0},
        {"float('inf')", Double.POSITIVE_INFINITY},
        {"''", ""},
        {"'abc'", "abc"},
        {"'\\u00e9\\u20ac\\U0001F600'", "é€\uD83D\uDE00"},
        {"'a\\udc80b'", "a\uDC80b"},
        {"'x' * 300", "x".repeat(300)},
        {"b''", new byte[0]},
        {"b'ab'", new byte[] {'a', 'b'}},
        {"bytes(range(256)) * 2", bytes512()},
        {"bytearray(b'xy')", new PyByteArray(new byte[] {'x', 'y'})},
        {"()", new PyTuple()},
        {"(1,)", new PyTuple(1L)},
        {"(1, 2)", new PyTuple(1L, 2L)},
        {"(1, 2, 3)", new PyTuple(1L, 2L, 3L)},
        {"(1, 2, 3, 'four')", new PyTuple(1L, 2L, 3L, "four")},
        {"[]", new ArrayList<>()},
        {"[1, 'a', None]", new ArrayList<>(Arrays.asList(1L, "a", null))},
        {"list(range(2500))", longs(2500)},
        {"{}", new LinkedHashMap<>()},
        {"{'a': 1, 2: 'b', (1, 2): None}", map("a", 1L, 2L, "b", new PyTuple(1L, 2L), null)},
        {"set()", new LinkedHashSet<>()},
        {"{7}", new LinkedHashSet<>(List.of(7L))},
        {"frozenset([8])", new LinkedHashSet<>(List.of(8L))},
        {"[[1, [2, [3]]], {'k': (1, [2])}]", List.of(List.of(1L, List.of(2L, List.of(3L))),
                map("k", new PyTuple(1L, List.of(2L))))},
        {"KeyError('k')", new PythonError("builtins.KeyError", List.of("k"))},
        {"ValueError('a', 2)", new PythonError("builtins.ValueError", List.of("a", 2L))},
        {"AppError('x')", new PythonError("__main__.AppError", List.of("x"))},
        {"float", new PyGlobal("builtins", "float")},
        {"len", new PyGlobal("builtins", "len")},
        {"complex(1, 2)", new PyObject("builtins", "complex", List.of(1.0, 2.0), null)},
        {"decimal.Decimal('1.5')", new PyObject("decimal", "Decimal", List.of("1.5"), null)},
        {"Point(1, 2)", PyObject.viaNew("__main__", "Point", List.of(), map("x", 1L, "y", 2L))},
    };

    /** Python expressions whose values read into Java and written back must be equal in Python. */
    private static final String[] ROUND_TRIP = {
        "None", "True", "[1, -1, 2**31, -2**63, 2**64, -2**200]", "1.5", "'\\u00e9\\U0001F600 a\\udc80'",
        "b'\\x00\\xff' * 200", "bytearray(b'xy')", "(1, (2, 3), [4])", "{'a': [1], (1, 2): {3}}", "frozenset()",
        "float", "len", "complex(1, 2)", "fractions.Fraction(1, 3)", "decimal.Decimal('1.25')",
        "datetime.date(2020, 1, 2)", "datetime.datetime(2020, 1, 2, 3, 4, 5, 6)", "datetime.timedelta(days=3)",
        "collections.OrderedDict([('a', 1), ('b', 2)])", "collections.Counter('abca')",
        "collections.defaultdict(list, {'k': [1]})", "collections.deque([1, 2])", "Point(1, [2])",
        "Bag([1, 2])", "range(3, 9, 2)", "slice(1, 5)",
    };

    private static byte[] bytes512() {
        byte[] b = new byte[512];
        for (int i = 0; i < 512; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    private static List<Object> longs(int n) {
        List<Object> l = new ArrayList<>();
        for (long i = 0; i < n; i++) {
            l.add(i);
        }
        return l;
    }

    private static Map<Object, Object> map(Object... kv) {
        Map<Object, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private List<List<byte[]>> dump(Python py, List<String> expressions, String... protocols) {
        Path oracle = Pythons.script("pickle_oracle.py", dir);
        List<String> args = new ArrayList<>(List.of(oracle.toString(), "dump"));
        args.addAll(List.of(protocols));
        String out = Pythons.run(py.executable(), args,
                String.join("\n", expressions) + "\n", RUN);
        List<List<byte[]>> result = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                result.add(Arrays.stream(line.trim().split(" ")).map(Base64.getDecoder()::decode).toList());
            }
        }
        assertEquals(expressions.size(), result.size(), out);
        return result;
    }

    /** @return per check, "ok" or "FAIL ..." */
    private List<String> check(Python py, List<String> predicates, List<byte[]> pickles) {
        Path oracle = Pythons.script("pickle_oracle.py", dir);
        StringBuilder in = new StringBuilder();
        for (int i = 0; i < predicates.size(); i++) {
            in.append(predicates.get(i)).append('\t').append(Base64.getEncoder().encodeToString(pickles.get(i)))
                    .append('\n');
        }
        String out = Pythons.run(py.executable(), List.of(oracle.toString(), "check"), in.toString(), RUN);
        return Arrays.stream(out.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void readsWhatCPythonWritesAtEachProtocol(Python python) {
        Python py = Pythons.require(python);
        List<String> expressions = Arrays.stream(READ).map(c -> (String) c[0]).toList();
        List<List<byte[]>> pickles = dump(py, expressions);
        for (int i = 0; i < READ.length; i++) {
            assertEquals(4, pickles.get(i).size(), "protocols 2 to 5");
            for (int p = 0; p < pickles.get(i).size(); p++) {
                Object value = Pickle.loads(pickles.get(i).get(p));
                assertEquals(Canon.of(READ[i][1]), Canon.of(value), READ[i][0] + " at protocol " + (p + 2));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void readsWhatCPythonWritesAtProtocols0And1(Python python) {
        Python py = Pythons.require(python);
        // the values whose protocol-0/1 form is the same object; classes pickle as copyreg._reconstructor there
        List<Object[]> cases = Arrays.stream(READ).filter(c -> !(c[1] instanceof PyObject)).toList();
        List<List<byte[]>> pickles = dump(py, cases.stream().map(c -> (String) c[0]).toList(), "0", "1");
        for (int i = 0; i < cases.size(); i++) {
            for (int p = 0; p < 2; p++) {
                Object value = Pickle.loads(pickles.get(i).get(p));
                assertEquals(Canon.of(cases.get(i)[1]), Canon.of(value), cases.get(i)[0] + " at protocol " + p);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void whatCPythonWritesAtProtocols0And1ReadsBackTheSame(Python python) {
        Python py = Pythons.require(python);
        List<String> expressions = new ArrayList<>(List.of(ROUND_TRIP));
        Arrays.stream(READ).map(c -> (String) c[0]).forEach(expressions::add);
        List<List<byte[]>> pickles = dump(py, expressions, "0", "1");
        List<String> predicates = new ArrayList<>();
        List<byte[]> back = new ArrayList<>();
        for (int i = 0; i < expressions.size(); i++) {
            for (byte[] p : pickles.get(i)) {
                back.add(Pickle.dumps(Pickle.loads(p)));
                String x = "(" + expressions.get(i) + ")";
                // exceptions compare by identity in Python: their type and args, then
                predicates.add("lambda v: type(v) is type(" + x + ") and (v == " + x + " or isinstance(v, BaseException)"
                        + " and v.args == " + x + ".args)");
            }
        }
        List<String> results = check(py, predicates, back);
        assertEquals(predicates.size(), results.size());
        for (int i = 0; i < results.size(); i++) {
            assertEquals("ok", results.get(i), predicates.get(i) + " (protocol " + (i % 2) + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void newobjExWithKeywordsRoundTripsUnchanged(Python python) {
        Python py = Pythons.require(python);
        // NEWOBJ_EX is protocol 4's (protocols 2 and 3 write a functools.partial of __new__, refused: a call of an
        // object that is not a global)
        List<byte[]> pickles = dump(py, List.of("Keywords(1, k='v')"), "4", "5").get(0);
        List<String> predicates = new ArrayList<>();
        List<byte[]> back = new ArrayList<>();
        for (int p = 0; p < pickles.size(); p++) {
            PyObject o = assertInstanceOf(PyObject.class, Pickle.loads(pickles.get(p)));
            assertEquals(Map.of("k", "v"), o.kwargs(), o.toString());
            assertEquals(List.of(1L), o.args());
            back.add(Pickle.dumps(o));
            predicates.add("lambda v: v == Keywords(1, k='v') and v.__dict__ == {'a': 1, 'k': 'v'}");
        }
        assertEquals(List.of("ok", "ok"), check(py, predicates, back));
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void cpythonReadsWhatMp4jWrites(Python python) {
        Python py = Pythons.require(python);
        List<String> predicates = new ArrayList<>();
        List<byte[]> pickles = new ArrayList<>();
        Object[][] cases = {
            {null, "lambda v: v is None"},
            {true, "lambda v: v is True"},
            {1, "lambda v: v == 1 and type(v) is int"},
            {(short) -2, "lambda v: v == -2 and type(v) is int"},
            {(byte) 3, "lambda v: v == 3"},
            {300L, "lambda v: v == 300"},
            {70000L, "lambda v: v == 70000"},
            {-70000L, "lambda v: v == -70000"},
            {Long.MAX_VALUE, "lambda v: v == 2**63 - 1"},
            {Long.MIN_VALUE, "lambda v: v == -2**63"},
            {1L << 40, "lambda v: v == 2**40"},
            {-(1L << 40), "lambda v: v == -2**40"},
            {255L, "lambda v: v == 255"},
            {-129L, "lambda v: v == -129"},
            {BigInteger.ONE.shiftLeft(100), "lambda v: v == 2**100"},
            {BigInteger.ONE.shiftLeft(3000).negate(), "lambda v: v == -2**3000"},
            {1.5, "lambda v: v == 1.5 and type(v) is float"},
            {2.5f, "lambda v: v == 2.5 and type(v) is float"},
            {Double.NaN, "lambda v: v != v"},
            {"", "lambda v: v == ''"},
            {"é€\uD83D\uDE00 a\uDC80", "lambda v: v == '\\u00e9\\u20ac\\U0001F600 a\\udc80'"},
            {"y".repeat(70000), "lambda v: v == 'y' * 70000"},
            {new byte[] {0, (byte) 255}, "lambda v: v == b'\\x00\\xff' and type(v) is bytes"},
            {new byte[300], "lambda v: v == bytes(300)"},
            {new PyByteArray(new byte[] {'q'}), "lambda v: v == bytearray(b'q') and type(v) is bytearray"},
            {new PyTuple(), "lambda v: v == ()"},
            {new PyTuple(1, "a", new PyTuple(2)), "lambda v: v == (1, 'a', (2,))"},
            {new PyTuple(1, 2, 3, 4, 5), "lambda v: v == (1, 2, 3, 4, 5)"},
            {List.of(1, 2), "lambda v: v == [1, 2] and type(v) is list"},
            {longs(2500), "lambda v: v == list(range(2500))"},
            {map("a", 1, new PyTuple(1, 2), List.of()), "lambda v: v == {'a': 1, (1, 2): []}"},
            {new LinkedHashSet<>(List.of(1, 2)), "lambda v: v == {1, 2} and type(v) is set"},
            {new PyGlobal("builtins", "float"), "lambda v: v is float"},
            {new PythonError("builtins.KeyError", List.of("k")),
                "lambda v: type(v) is KeyError and v.args == ('k',)"},
            {new PyObject("fractions", "Fraction", List.of(1, 3), null), "lambda v: v == fractions.Fraction(1, 3)"},
            {PyObject.viaNew("__main__", "Point", List.of(), map("x", 1, "y", 2)), "lambda v: v == Point(1, 2)"},
        };
        for (Object[] c : cases) {
            pickles.add(Pickle.dumps(c[0]));
            predicates.add((String) c[1]);
        }
        List<Object> shared = new ArrayList<>(List.of(1));
        pickles.add(Pickle.dumps(List.of(shared, shared)));
        predicates.add("lambda v: v[0] is v[1] and v[0] == [1]");
        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        pickles.add(Pickle.dumps(cyclic));
        predicates.add("lambda v: v[0] is v");
        List<Object> inner = new ArrayList<>();
        PyTuple tuple = new PyTuple(inner);
        inner.add(tuple);
        pickles.add(Pickle.dumps(tuple));
        predicates.add("lambda v: type(v) is tuple and v[0][0] is v");
        pickles.add(Pickle.dumper().register(Pt.class, "__main__", "Point").dumps(new Pt(3, 4)));
        predicates.add("lambda v: v == Point(3, 4)");
        pickles.add(Pickle.dumper().register(Pt.class, "fractions", "Fraction").dumps(List.of(new Pt(1, 2))));
        predicates.add("lambda v: v == [fractions.Fraction(1, 2)]");

        List<String> results = check(py, predicates, pickles);
        assertEquals(predicates.size(), results.size(), String.join("\n", results));
        for (int i = 0; i < results.size(); i++) {
            assertEquals("ok", results.get(i), predicates.get(i));
        }
    }

    /** A record the tests register as a Python class. */
    public record Pt(int x, int y) {}

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void pythonObjectsReadIntoJavaAndWrittenBackAreTheSame(Python python) {
        Python py = Pythons.require(python);
        List<List<byte[]>> pickles = dump(py, List.of(ROUND_TRIP));
        List<String> predicates = new ArrayList<>();
        List<byte[]> back = new ArrayList<>();
        for (int i = 0; i < ROUND_TRIP.length; i++) {
            for (byte[] p : pickles.get(i)) {
                back.add(Pickle.dumps(Pickle.loads(p)));
                predicates.add("lambda v: v == (" + ROUND_TRIP[i] + ") and type(v) is type(" + ROUND_TRIP[i] + ")");
            }
        }
        List<String> results = check(py, predicates, back);
        assertEquals(predicates.size(), results.size());
        for (int i = 0; i < results.size(); i++) {
            assertEquals("ok", results.get(i), predicates.get(i) + " (protocol " + (i % 4 + 2) + ")");
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void sharedAndCyclicReferencesStayShared(Python python) {
        Python py = Pythons.require(python);
        List<List<byte[]>> pickles = dump(py, List.of("(lambda l: [l, l])([1])",
                "(lambda l: (l.append(l), l)[1])([])", "(lambda d: (d.__setitem__('me', d), d)[1])({})"));
        for (int p = 0; p < 4; p++) {
            List<?> twice = (List<?>) Pickle.loads(pickles.get(0).get(p));
            assertSame(twice.get(0), twice.get(1));
            List<?> self = (List<?>) Pickle.loads(pickles.get(1).get(p));
            assertSame(self, self.get(0));
            Map<?, ?> me = (Map<?, ?>) Pickle.loads(pickles.get(2).get(p));
            assertSame(me, me.get("me"));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void aHostileReduceRunsNothingOnTheJavaSide(Python python) throws Exception {
        Python py = Pythons.require(python);
        Path marker = dir.resolve("ran");
        String command = "touch " + marker;
        List<List<byte[]>> pickles = dump(py, List.of("Hostile('" + command + "')",
                "[Hostile('" + command + "')]"));
        for (List<byte[]> atEachProtocol : pickles) {
            for (byte[] p : atEachProtocol) {
                Object value = Pickle.loads(p);
                PyObject call = assertInstanceOf(PyObject.class, value instanceof List<?> l ? l.get(0) : value);
                assertEquals("system", call.name());
                assertTrue(call.module().equals("posix") || call.module().equals("os"), call.module());
                assertEquals(List.of(command), call.args());
                // an allow-listed loader does not change what an unlisted global is
                Object viaLoader = Pickle.loader().allow("builtins", "len", a -> 0).loads(p);
                assertEquals(Canon.of(value), Canon.of(viaLoader));
            }
        }
        assertFalse(Files.exists(marker), "nothing ran");
        // and the protocol-0 text form is read as data as well
        String text = Pythons.run(py.executable(), List.of("-c", "import pickle, sys, base64; sys.path.insert(0, '"
                + dir + "'); from pickle_oracle import Hostile; print(base64.b64encode(pickle.dumps(Hostile('"
                + command + "'), 0)).decode())"), "", RUN).trim();
        byte[] p0 = Base64.getDecoder().decode(text);
        PyObject call0 = assertInstanceOf(PyObject.class, Pickle.loads(p0));
        assertEquals(List.of(command), call0.args());
        assertEquals("system", call0.name());
        assertFalse(Files.exists(marker), "nothing ran");
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void allowListedClassesConstructJavaObjects(Python python) {
        Python py = Pythons.require(python);
        List<List<byte[]>> pickles = dump(py, List.of("[Point(1, 2), Point(3, 4)]", "fractions.Fraction(2, 4)"));
        Pickle.Loader loader = Pickle.loader()
                .allow("__main__", "Point", args -> {
                    Map<?, ?> state = (Map<?, ?>) args.getLast();
                    return new Pt(((Long) state.get("x")).intValue(), ((Long) state.get("y")).intValue());
                })
                .allow("fractions", "Fraction", args -> args.stream().map(String::valueOf)
                        .collect(Collectors.joining("/"))); // "1/2" before 3.12, (1, 2) since
        for (int p = 0; p < 4; p++) {
            assertEquals(List.of(new Pt(1, 2), new Pt(3, 4)), loader.loads(pickles.get(0).get(p)));
            assertEquals("1/2", loader.loads(pickles.get(1).get(p)));
            // the registrations belong to that loader alone
            assertInstanceOf(PyObject.class, Pickle.loads(pickles.get(1).get(p)));
        }
    }
}
