package dev.mp4j.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.python.Pythons.Python;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PyManagerServer}: Java objects served to a CPython client's DictProxy, ListProxy and AutoProxy of a queue
 * (server_client.py), on every CPython installed; and a Java {@link PyManager} as its client.
 */
@Timeout(120)
class PyManagerServerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] KEY = "server key".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private static PyManagerServer server(Map<Object, Object> map, List<Object> list, LinkedBlockingQueue<Object> q) {
        PyManagerServer s = new PyManagerServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), KEY);
        s.register("get_dict", () -> map);
        s.register("get_list", () -> list);
        s.register("get_queue", () -> q);
        s.start();
        return s;
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void aCPythonClientUsesJavaObjects(Python python) throws InterruptedException {
        Python py = Pythons.require(python);
        Map<Object, Object> map = Collections.synchronizedMap(new LinkedHashMap<>());
        List<Object> list = Collections.synchronizedList(new ArrayList<>());
        LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
        try (PyManagerServer s = server(map, list, q)) {
            int port = ((InetSocketAddress) s.address()).getPort();
            try (PyPeer client = PyPeer.start(py, dir, "server_client.py", Integer.toString(port), "server key")) {
                assertEquals("[1, 'dflt', 2, True, False, [\"'a'\", '(1, 2)'], \"KeyError ('missing',)\", "
                        + "{'a': 1, (1, 2): [3]}, [10, 2, 3], 3, [10, 2], [3, 2, 10], 3, ['x', 2, 3], 'IndexError', "
                        + "['x', 2, 3, 4], 'item', None, 0, True, 'Empty', 'Empty', 'RemoteError']",
                        client.line(WAIT));
                assertEquals(0, client.waitFor(WAIT), client.stderr());
            }
            assertEquals(1L, map.get("a"));
            assertEquals(List.of(3L), map.get(new PyTuple(1L, 2L)));
            assertEquals(List.of("x", 2L, 3L, 4L), list);
            assertEquals(Map.of("for", "java"), q.poll(10, TimeUnit.SECONDS));
            assertEquals(List.of(), s.idents(), "the client's proxies released every object when it ended");
        }
    }

    @Test
    void aJavaClientOfAJavaServer() {
        Map<Object, Object> map = Collections.synchronizedMap(new LinkedHashMap<>());
        List<Object> list = Collections.synchronizedList(new ArrayList<>(List.of(1L, 2L)));
        LinkedBlockingQueue<Object> q = new LinkedBlockingQueue<>();
        try (PyManagerServer s = server(map, list, q)) {
            PyManager m = PyManager.connect(s.address(), KEY);
            try {
                useAll(m, map, s);
            } finally {
                m.close();
            }
            assertEquals(List.of(), s.idents(), "the client's close released every object");
        }
    }

    private static void useAll(PyManager m, Map<Object, Object> map, PyManagerServer s) {
        Map<Object, Object> d = m.dict(m.call("get_dict"));
        d.put("k", List.of(1L));
        assertEquals(List.of(1L), map.get("k"));
        assertEquals(List.of(1L), d.get("k"));
        List<Object> l = m.list(m.call("get_list"));
        l.add(3L);
        assertEquals(List.of(1L, 2L, 3L), new ArrayList<>(l));
        assertThrows(IndexOutOfBoundsException.class, () -> l.get(5));
        dev.mp4j.multiprocessing.Queue<Object> mq = m.queue(m.call("get_queue"));
        mq.put(null);
        assertEquals(null, mq.get(WAIT));
        assertThrows(dev.mp4j.multiprocessing.Empty.class, mq::getNowait);
        PythonError e = assertThrows(PythonError.class, () -> m.call("not registered"));
        assertTrue(e.traceback().contains("not registered"), e.traceback());
        assertEquals(3, s.idents().size());
    }

    @Test
    void aNullAuthkeyIsRefusedBeforeAnythingListens() {
        assertThrows(IllegalArgumentException.class, () -> new PyManagerServer(null, null));
    }
}
