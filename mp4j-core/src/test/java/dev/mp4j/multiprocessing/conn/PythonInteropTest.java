package dev.mp4j.multiprocessing.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.multiprocessing.AuthenticationError;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;
import dev.mp4j.multiprocessing.Listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mp4j and CPython's multiprocessing.connection on the same socket: the framing and the authkey handshake
 * (CPython 3.11 uses the HMAC-MD5 form, 3.12 and later the {sha256} one). Byte messages only: an object
 * sent with send() is Java serialization on one side and pickle on the other.
 */
@Timeout(60)
class PythonInteropTest {
    private static final byte[] KEY = "interop key".getBytes(StandardCharsets.US_ASCII);
    private static final long PROCESS_SECONDS = 30;

    /** The Python side: "listen" or "connect", the family ("inet" or a Unix path), the key, then a script. */
    private static final String SCRIPT = """
            import hashlib, sys
            from multiprocessing import AuthenticationError
            from multiprocessing.connection import Client, Listener

            mode, where, key = sys.argv[1], sys.argv[2], sys.argv[3].encode()

            def talk(c):
                m = c.recv_bytes()
                c.send_bytes(m[::-1])
                c.send_bytes(b'from python')
                big = c.recv_bytes()
                print('GOT', len(big), hashlib.sha256(big).hexdigest(), flush=True)
                c.send_bytes(big)
                print('DONE', flush=True)

            try:
                if mode == 'listen':
                    address = ('127.0.0.1', 0) if where == 'inet' else where
                    with Listener(address, authkey=key) as l:
                        print('ADDRESS', l.address[1] if where == 'inet' else l.address, flush=True)
                        with l.accept() as c:
                            talk(c)
                else:
                    address = ('127.0.0.1', int(sys.argv[4])) if where == 'inet' else where
                    with Client(address, authkey=key) as c:
                        talk(c)
            except AuthenticationError as e:
                print('AUTHFAIL', e, flush=True)
            """;

    private static Path script;

    @BeforeAll
    static void python(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(works("python3", "-c", "import multiprocessing.connection"), "python3 is not installed");
        script = dir.resolve("peer.py");
        Files.writeString(script, SCRIPT);
    }

    private static boolean works(String... command) {
        try {
            java.lang.Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A Python peer whose output lines are collected by a thread, read here with a timeout. */
    private static final class Peer implements AutoCloseable {
        final java.lang.Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = new ArrayList<>();
        final Thread reader;

        Peer(String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("python3", script.toString()));
            cmd.addAll(List.of(args));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process was destroyed
                }
            }, "python-output");
            reader.setDaemon(true);
            reader.start();
        }

        /** @return the next line starting with {@code tag} (other lines, such as a traceback, are kept for the message) */
        String expect(String tag) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PROCESS_SECONDS);
            while (true) {
                String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("python printed no " + tag + " line; output so far: " + all);
                }
                all.add(line);
                if (line.startsWith(tag)) {
                    return line.substring(tag.length()).trim();
                }
            }
        }

        int exit() throws InterruptedException {
            assertTrue(process.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS), "python did not exit");
            reader.join(TimeUnit.SECONDS.toMillis(PROCESS_SECONDS));
            return process.exitValue();
        }

        @Override
        public void close() {
            try {
                if (process.isAlive()) {
                    process.destroyForcibly();
                    process.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS);
                }
                reader.join(TimeUnit.SECONDS.toMillis(PROCESS_SECONDS));
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The mp4j side of {@code talk}. */
    private static void talk(Connection c, Peer peer) throws Exception {
        c.sendBytes("hello".getBytes());
        assertArrayEquals("olleh".getBytes(), c.recvBytes());
        assertArrayEquals("from python".getBytes(), c.recvBytes());
        byte[] big = new byte[3 << 20];
        new Random(7).nextBytes(big);
        c.sendBytes(big);
        String[] got = peer.expect("GOT").split(" ");
        assertEquals(String.valueOf(big.length), got[0]);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(big)), got[1]);
        assertArrayEquals(big, c.recvBytes());
        peer.expect("DONE");
    }

    @ParameterizedTest
    @ValueSource(strings = {"inet", "unix"})
    void testMp4jClientPythonListener(String family, @TempDir Path dir) throws Exception {
        String where = family.equals("inet") ? "inet" : dir.resolve("py.sock").toString();
        try (Peer peer = new Peer("listen", where, new String(KEY, StandardCharsets.US_ASCII))) {
            String address = peer.expect("ADDRESS");
            SocketAddress a = family.equals("inet")
                    ? new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(address))
                    : UnixDomainSocketAddress.of(address);
            try (Connection c = Connections.client(a, KEY)) {
                talk(c, peer);
            }
            assertEquals(0, peer.exit(), String.valueOf(peer.all));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"inet", "unix"})
    void testPythonClientMp4jListener(String family, @TempDir Path dir) throws Exception {
        SocketAddress listen = family.equals("inet")
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)
                : UnixDomainSocketAddress.of(dir.resolve("mp4j.sock"));
        try (Listener l = new Listener(listen, 1, KEY)) {
            String[] args = family.equals("inet")
                    ? new String[] {"connect", "inet", new String(KEY, StandardCharsets.US_ASCII),
                            String.valueOf(((InetSocketAddress) l.address()).getPort())}
                    : new String[] {"connect", ((UnixDomainSocketAddress) l.address()).getPath().toString(),
                            new String(KEY, StandardCharsets.US_ASCII)};
            try (Peer peer = new Peer(args)) {
                try (Connection c = l.accept()) {
                    assertNotNull(l.lastAccepted());
                    talk(c, peer);
                }
                assertEquals(0, peer.exit(), String.valueOf(peer.all));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"listen", "connect"})
    void testWrongKeyAgainstPython(String pythonMode) throws Exception {
        if (pythonMode.equals("listen")) {
            try (Peer peer = new Peer("listen", "inet", "another key")) {
                int port = Integer.parseInt(peer.expect("ADDRESS"));
                assertThrows(AuthenticationError.class,
                        () -> Connections.client(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), KEY));
                peer.expect("AUTHFAIL");
                assertEquals(0, peer.exit());
            }
        } else {
            try (Listener l = new Listener(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, KEY);
                    Peer peer = new Peer("connect", "inet", "another key",
                            String.valueOf(((InetSocketAddress) l.address()).getPort()))) {
                assertThrows(AuthenticationError.class, l::accept);
                peer.expect("AUTHFAIL");
                assertEquals(0, peer.exit());
            }
        }
    }
}
