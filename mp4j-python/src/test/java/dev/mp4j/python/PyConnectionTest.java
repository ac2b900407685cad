package dev.mp4j.python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.multiprocessing.AuthenticationError;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.Listener;
import dev.mp4j.python.Pythons.Python;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The docs' "Listeners and Clients" example with one side in Java, both ways, on every CPython installed (HMAC-MD5
 * challenges before 3.12, {@code {sha256}} since).
 */
@Timeout(90)
class PyConnectionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String KEY = "secret password";

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void aJavaClientOfTheDocsPythonListener(Python python) {
        Python py = Pythons.require(python);
        try (PyPeer peer = PyPeer.start(py, dir, "listener_peer.py", KEY);
                PyConnection conn = PyConnection.wrap(Connections.client(PyPeer.loopback(peer.port()),
                        KEY.getBytes(StandardCharsets.UTF_8)))) {
            assertEquals(Canon.of(new ArrayList<>(Arrays.asList(2.25, null, "junk",
                    new PyGlobal("builtins", "float")))), Canon.of(conn.recv()));
            assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), conn.connection().recvBytes());
            byte[] arr = new byte[20];
            assertEquals(8, conn.connection().recvBytesInto(arr));
            ByteBuffer b = ByteBuffer.wrap(arr).order(ByteOrder.nativeOrder());
            assertEquals(42, b.getInt());
            assertEquals(1729, b.getInt());

            Map<Object, Object> m = new LinkedHashMap<>();
            m.put("k", List.of(1, new PyTuple(2L, "x"), new byte[] {7}));
            m.put(new PyTuple(1L, 2L), new PythonError("builtins.KeyError", List.of("missing")));
            conn.send(m);
            assertTrue(conn.poll(WAIT));
            Object echo = conn.recv();
            assertEquals(Canon.of(new PyTuple("echo", Pickle.loads(Pickle.dumps(m)))), Canon.of(echo));
            conn.send("stop");
            assertEquals(0, peer.waitFor(WAIT), peer.stderr());
            assertThrows(EOFError.class, conn::recv);
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void theDocsPythonClientOfAJavaListener(Python python) {
        Python py = Pythons.require(python);
        try (Listener listener = new Listener(PyPeer.loopback(0), 1, KEY.getBytes(StandardCharsets.UTF_8))) {
            int port = ((InetSocketAddress) listener.address()).getPort();
            try (PyPeer peer = PyPeer.start(py, dir, "client_peer.py", Integer.toString(port), KEY);
                    PyConnection conn = PyConnection.wrap(listener.accept())) {
                List<Object> docs = new ArrayList<>(Arrays.asList(2.25, null, "junk",
                        new PyGlobal("builtins", "float")));
                conn.send(docs);
                conn.connection().sendBytes("hello".getBytes(StandardCharsets.US_ASCII));
                ByteBuffer arr = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putInt(42).putInt(1729);
                conn.connection().sendBytes(arr.array());
                assertEquals("[2.25, None, 'junk', <class 'float'>]", peer.line(WAIT));
                assertEquals("b'hello'", peer.line(WAIT));
                assertEquals("8", peer.line(WAIT));
                assertEquals("array('i', [42, 1729, 0, 0, 0])", peer.line(WAIT));
                assertEquals(Canon.of(new PyTuple("got", docs)), Canon.of(conn.recv()));
                assertEquals(0, peer.waitFor(WAIT), peer.stderr());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("dev.mp4j.python.Pythons#each")
    void aWrongKeyIsRefusedByBothSides(Python python) {
        Python py = Pythons.require(python);
        try (PyPeer peer = PyPeer.start(py, dir, "listener_peer.py", KEY)) {
            int port = peer.port();
            assertThrows(AuthenticationError.class,
                    () -> Connections.client(PyPeer.loopback(port), "wrong".getBytes(StandardCharsets.UTF_8)).close());
            // the listener's accept failed: the peer ends with an error, which is what is expected here
            peer.waitFor(WAIT);
        }
    }

    @org.junit.jupiter.api.Test
    void aPickleThatIsNotReadLeavesTheConnectionUsable() {
        try (Listener listener = new Listener(PyPeer.loopback(0), 1, KEY.getBytes(StandardCharsets.UTF_8))) {
            Thread client = Thread.ofVirtual().start(() -> {
                try (Connection c = Connections.client(listener.address(), KEY.getBytes(StandardCharsets.UTF_8))) {
                    c.sendBytes(new byte[] {(byte) 0x80, 4, 'P', 'x', '\n', '.'}); // a persistent id
                    c.sendBytes(Pickle.dumps("after"));
                    c.recvBytes(); // until the other side closes
                } catch (EOFError expected) {
                    // the server closed
                }
            });
            try (PyConnection conn = PyConnection.wrap(listener.accept())) {
                assertThrows(PickleError.class, conn::recv);
                assertEquals("after", conn.recv());
            }
            try {
                client.join(WAIT);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
