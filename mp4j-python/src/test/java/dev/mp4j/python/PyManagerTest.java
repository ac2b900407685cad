package dev.mp4j.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.multiprocessing.AuthenticationError;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.python.Pythons.Python;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PyManager} as a client of a CPython {@code SyncManager} server (manager_peer.py), on every CPython
 * installed: the docs' "Using a remote manager" both ways, CPython's {@code _TestRemoteManager.test_remote} values,
 * SyncManager's dict, list and Queue from Java, errors, {@code #PROXY} replies, and reference counting.
 */
@Timeout(120)
class PyManagerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KEY = "abracadabra";
    private static final byte[] AUTHKEY = KEY.getBytes(StandardCharsets.UTF_8);
    /** CPython's _TestRemoteManager.values, as Java reads them. */
    private static final PyTuple VALUES = new PyTuple("hello world", null, true, 2.25, "hall\u00e5 v\u00e4rlden",
            "\u043f\u0440\u0438\u0432\u0456\u0442 \u0441\u0432\u0456\u0442",
            "hall\u00e5 v\u00e4rlden".getBytes(StandardCharsets.ISO_8859_1));

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void theDocsRemoteManagerWithAJavaPutterAndAPythonGetter(Python python) {
        Python py = Pythons.require(python);
        try (PyPeer server = PyPeer.start(py, dir, "manager_peer.py", KEY)) {
            int port = server.port();
            try (PyManager m = PyManager.connect(PyPeer.loopback(port), AUTHKEY)) {
                Queue<Object> q = m.queue(m.call("get_queue"));
                q.put(VALUES);
                try (PyPeer getter = PyPeer.start(py, dir, "manager_client.py", Integer.toString(port), KEY, "get")) {
                    assertEquals("('hello world', None, True, 2.25, 'hall\\xe5 v\\xe4rlden', "
                            + "'\\u043f\\u0440\\u0438\\u0432\\u0456\\u0442 \\u0441\\u0432\\u0456\\u0442', "
                            + "b'hall\\xe5 v\\xe4rlden')", getter.line(WAIT));
                    assertEquals(0, getter.waitFor(WAIT), getter.stderr());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void testRemoteAPythonPutterAndAJavaGetter(Python python) {
        Python py = Pythons.require(python);
        try (PyPeer server = PyPeer.start(py, dir, "manager_peer.py", KEY)) {
            int port = server.port();
            try (PyManager m = PyManager.connect(PyPeer.loopback(port), AUTHKEY);
                    PyPeer putter = PyPeer.start(py, dir, "manager_client.py", Integer.toString(port), KEY, "put")) {
                assertEquals("put", putter.line(WAIT));
                Queue<Object> q = m.queue(m.call("get_queue"));
                assertEquals(Canon.of(VALUES), Canon.of(q.get(WAIT)));
                assertThrows(Empty.class, q::getNowait);
                assertThrows(Empty.class, () -> q.get(Duration.ofMillis(50)));
                assertTrue(q.empty());
                assertEquals(0, q.qsize());
                assertThrows(IllegalArgumentException.class, () -> q.put(new StringBuilder()), "unmapped: not sent");
                assertEquals(0, putter.waitFor(WAIT), putter.stderr());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void syncManagerTypesFromJava(Python python) {
        Python py = Pythons.require(python);
        try (PyPeer server = PyPeer.start(py, dir, "manager_peer.py", KEY);
                PyManager m = PyManager.connect(PyPeer.loopback(server.port()), AUTHKEY)) {
            PyProxy dictProxy = m.create("dict");
            assertEquals("dict", dictProxy.typeid());
            Map<Object, Object> d = m.dict(dictProxy);
            assertTrue(d.isEmpty());
            assertNull(d.put("a", 1L));
            assertEquals(1L, d.put("a", 2L));
            d.put(new PyTuple(1L, 2L), List.of("x"));
            assertEquals(2L, d.get("a"));
            assertEquals(List.of("x"), d.get(new PyTuple(1L, 2L)));
            assertTrue(d.containsKey("a"));
            assertFalse(d.containsKey("b"));
            assertNull(d.get("b"));
            assertEquals(2, d.size());
            Map<Object, Object> copy = new HashMap<>(d);
            assertEquals(Map.of("a", 2L, new PyTuple(1L, 2L), List.of("x")), copy);
            assertEquals(2L, d.remove("a"));
            assertNull(d.remove("a"));
            d.putAll(Map.of("p", 1L, "q", 2L));
            d.entrySet().removeIf(e -> e.getKey().equals("p"));
            assertEquals(2, d.size());
            d.clear();
            assertTrue(d.isEmpty());

            List<Object> l = m.list(m.create("list", List.of(1L, 2L, 3L)));
            assertEquals(List.of(1L, 2L, 3L), new ArrayList<>(l));
            assertEquals(3, l.size());
            assertEquals(2L, l.set(1, "two"));
            l.add("four");
            l.add(0, "zero");
            assertEquals(List.of("zero", 1L, "two", 3L, "four"), List.copyOf(l));
            assertEquals("zero", l.remove(0));
            assertThrows(IndexOutOfBoundsException.class, () -> l.get(10));
            assertThrows(IndexOutOfBoundsException.class, () -> l.set(10, 1L));
            l.clear();
            assertEquals(0, l.size());

            Queue<Object> q = m.queue(m.create("Queue"));
            assertThrows(Empty.class, q::getNowait);
            q.put(List.of(1L));
            q.putNowait("b");
            assertEquals(2, q.qsize());
            assertEquals(List.of(1L), q.get());
            assertEquals("b", q.get(WAIT));

            PyProxy value = m.create("Value", "i", 5);
            assertEquals(5L, value.callMethod("get"));
            value.callMethod("set", 7);
            assertEquals(7L, value.callMethod("get"));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void errorsProxiesAndReferences(Python python) throws InterruptedException {
        Python py = Pythons.require(python);
        try (PyPeer server = PyPeer.start(py, dir, "manager_peer.py", KEY)) {
            int port = server.port();
            assertThrows(IllegalArgumentException.class, () -> PyManager.connect(PyPeer.loopback(port), null));
            assertThrows(AuthenticationError.class, () -> PyManager.connect(PyPeer.loopback(port),
                    "wrong".getBytes(StandardCharsets.UTF_8)));
            try (PyManager m = PyManager.connect(PyPeer.loopback(port), AUTHKEY)) {
                PyProxy objects = m.call("objects");
                long baseline = (Long) objects.callMethod("count");

                // a method that raises: #ERROR, the exception itself
                PyProxy dict = m.create("dict");
                PythonError keyError = assertThrows(PythonError.class, () -> dict.callMethod("__getitem__", "nope"));
                assertEquals("builtins.KeyError", keyError.type());
                assertEquals(List.of("nope"), keyError.args());
                // a method not exposed: #TRACEBACK, Python's text
                PythonError notExposed = assertThrows(PythonError.class, () -> dict.callMethod("nonexistent"));
                assertEquals("multiprocessing.managers.RemoteError", notExposed.type());
                assertTrue(notExposed.traceback().contains("AttributeError"), notExposed.traceback());
                // a callable that raises in create: #TRACEBACK
                PythonError failed = assertThrows(PythonError.class, () -> m.call("fail", 1));
                assertTrue(failed.traceback().contains("failed on purpose"), failed.traceback());
                assertThrows(PythonError.class, () -> m.create("no such typeid"));

                // #PROXY: dict.__iter__ returns an Iterator the server keeps
                m.dict(dict).put("only", 1L);
                PyProxy it = assertInstanceOf(PyProxy.class, dict.callMethod("__iter__"));
                assertEquals("Iterator", it.typeid());
                assertEquals("only", it.callMethod("__next__"));
                PythonError stop = assertThrows(PythonError.class, () -> it.callMethod("__next__"));
                assertEquals("builtins.StopIteration", stop.type());

                assertEquals(baseline + 2, (Long) objects.callMethod("count"), "the dict and the iterator");
                it.close();
                it.close();
                assertThrows(IllegalStateException.class, () -> it.callMethod("__next__"));
                dict.close();
                assertEquals(baseline, (Long) objects.callMethod("count"), "closed proxies release their objects");

                // an unreachable proxy is released by the cleaner
                m.create("list", List.of(1L));
                assertEquals(baseline + 1, (Long) objects.callMethod("count"));
                long deadline = System.nanoTime() + WAIT.toNanos();
                while ((Long) objects.callMethod("count") != baseline && System.nanoTime() < deadline) {
                    System.gc();
                    Thread.sleep(20); // the cleaner's thread runs the release; polled, not timed
                }
                assertEquals(baseline, (Long) objects.callMethod("count"), "released by the cleaner");

                // closing the manager releases what is still open
                try (PyManager other = PyManager.connect(PyPeer.loopback(port), AUTHKEY)) {
                    other.create("dict");
                    other.create("list");
                    assertEquals(baseline + 2, (Long) objects.callMethod("count"));
                }
                assertEquals(baseline, (Long) objects.callMethod("count"), "released by close");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void proxiesAsArgumentsAndInsideResults(Python python) {
        Python py = Pythons.require(python);
        // 3.8's server cannot rebuild a proxy of its own (its AutoProxy lacks manager_owned), for Python clients too
        org.junit.jupiter.api.Assumptions.assumeTrue(py.atLeast(3, 9),
                "CPython 3.8's RebuildProxy fails in its own server");
        try (PyPeer server = PyPeer.start(py, dir, "manager_peer.py", KEY);
                PyManager m = PyManager.connect(PyPeer.loopback(server.port()), AUTHKEY)) {
            PyProxy queue = m.create("Queue");
            Map<Object, Object> d = m.dict(m.create("dict"));
            d.put("q", queue); // written as CPython's RebuildProxy; the server keeps a proxy it owns
            PyProxy got = assertInstanceOf(PyProxy.class, d.get("q")); // read back: a proxy with its own reference
            assertEquals("Queue", got.typeid());
            m.queue(got).put("through the dict");
            got.close();
            assertEquals("through the dict", m.queue(queue).get(WAIT));
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void concurrentCallsFromManyThreads(Python python) throws InterruptedException {
        Python py = Pythons.require(python);
        try (PyPeer server = PyPeer.start(py, dir, "manager_peer.py", KEY);
                PyManager m = PyManager.connect(PyPeer.loopback(server.port()), AUTHKEY)) {
            Map<Object, Object> d = m.dict(m.create("dict"));
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int base = t * 100;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 25; i++) {
                        d.put((long) (base + i), "v" + (base + i));
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(WAIT);
                assertFalse(t.isAlive());
            }
            assertEquals(200, d.size());
            assertEquals("v705", d.get(705L));
        }
    }
}
