package dev.mp4j.multiprocessing.conn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.InterruptedError;
import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;
import dev.mp4j.multiprocessing.Listener;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.conn.Fixtures.Family;

import java.io.Serial;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CPython's _TestListener, _TestListenerClient and TestInvalidFamily, plus the listener's own contract. */
@Timeout(60)
class ListenerTest {
    @ParameterizedTest
    @EnumSource(Family.class)
    void testMultipleBind(Family family) {
        try (Listener l = family.listener()) {
            assertThrows(UncheckedIOException.class, () -> new Listener(l.address()));
            // the failed bind did not remove the first listener's socket
            try (Connection c = Connections.client(l.address()); Connection d = l.accept()) {
                c.send(1);
                assertEquals(1, (int) d.recv());
            }
        }
    }

    @Test
    void testContext() {
        Listener l;
        try (Listener listener = new Listener()) {
            l = listener;
            try (Connection c = Connections.client(l.address()); Connection d = l.accept()) {
                c.send(1729);
                assertEquals(1729, (int) d.recv());
            }
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, l::accept);
        assertEquals("listener is closed", e.getMessage());
        l.close(); // idempotent
    }

    @Test
    void testDefaultListenerIsPrivateAndCleanedUp() throws Exception {
        SocketAddress address;
        try (Listener l = new Listener()) {
            address = l.address();
            UnixDomainSocketAddress u = assertInstanceOf(UnixDomainSocketAddress.class, address);
            assertTrue(Files.exists(u.getPath()));
            Fixtures.assertPrivateDirectory(address);
            assertNull(l.lastAccepted());
            try (Connection c = Connections.client(address); Connection d = l.accept()) {
                assertNotNull(l.lastAccepted());
                c.sendBytes(new byte[] {1});
                assertEquals(1, d.recvBytes().length);
            }
        }
        Fixtures.assertSocketRemoved(address, true);
    }

    @Test
    void testChosenUnixPathIsRemovedButNotItsDirectory(@TempDir Path dir) {
        Path socket = dir.resolve("chosen.sock");
        try (Listener l = new Listener(UnixDomainSocketAddress.of(socket))) {
            assertEquals(UnixDomainSocketAddress.of(socket), l.address());
            assertTrue(Files.exists(socket));
            try (Connection c = Connections.client(UnixDomainSocketAddress.of(socket)); Connection d = l.accept()) {
                d.send("hi");
                assertEquals("hi", c.recv());
            }
        }
        assertFalse(Files.exists(socket));
        assertTrue(Files.isDirectory(dir));
    }

    @Test
    void testInetPortZeroGivesTheRealPort() {
        try (Listener l = new Listener(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 5, null)) {
            InetSocketAddress a = assertInstanceOf(InetSocketAddress.class, l.address());
            assertNotEquals(0, a.getPort());
            try (Connection c = Connections.client(a); Connection d = l.accept()) {
                InetSocketAddress peer = assertInstanceOf(InetSocketAddress.class, l.lastAccepted());
                assertTrue(peer.getAddress().isLoopbackAddress());
                c.send("x");
                assertEquals("x", d.recv());
            }
        }
    }

    /** Python's TestInvalidFamily: an address of no family we know. */
    @Test
    void testInvalidFamily() {
        SocketAddress pipe = new SocketAddress() {
            @Serial
            private static final long serialVersionUID = 1L;

            @Override
            public String toString() {
                return "\\\\.\\test";
            }
        };
        assertThrows(IllegalArgumentException.class, () -> new Listener(pipe));
        assertThrows(IllegalArgumentException.class, () -> Connections.client(pipe));
        assertThrows(IllegalArgumentException.class, () -> Connections.client(pipe, new byte[] {1}));
    }

    @Test
    void testConnectionRefused(@TempDir Path dir) {
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> Connections.client(UnixDomainSocketAddress.of(dir.resolve("nobody.sock"))));
        assertTrue(e.getMessage().contains("nobody.sock"), e.getMessage());
    }

    @Test
    void testCloseWakesAccept() throws Exception {
        Listener l = new Listener();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Connection> a = Fixtures.thread("acceptor", () -> {
            started.countDown();
            return l.accept();
        });
        started.await();
        Fixtures.sleep(50); // let it block in accept (the outcome is the same if it has not yet)
        l.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Fixtures.join(a));
        assertEquals("listener is closed", e.getMessage());
        Fixtures.assertSocketRemoved(l.address(), true);
    }

    @Test
    void testInterruptedAcceptLeavesListenerOpen() throws Exception {
        try (Listener l = new Listener()) {
            CountDownLatch started = new CountDownLatch(1);
            Thread[] self = new Thread[1];
            CompletableFuture<Boolean> a = Fixtures.thread("acceptor", () -> {
                self[0] = Thread.currentThread();
                started.countDown();
                try {
                    l.accept();
                    return false;
                } catch (InterruptedError e) {
                    return Thread.currentThread().isInterrupted();
                }
            });
            started.await();
            self[0].interrupt();
            assertTrue(Fixtures.join(a));
            try (Connection c = Connections.client(l.address()); Connection d = l.accept()) {
                c.send("after");
                assertEquals("after", d.recv());
            }
        }
    }

    @Test
    void testManyClientsBeforeAccept() throws Exception {
        try (Listener l = new Listener(null, 8, null)) {
            Connection[] clients = new Connection[5];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = Connections.client(l.address());
                clients[i].send(i);
            }
            int sum = 0;
            for (int i = 0; i < clients.length; i++) {
                try (Connection d = l.accept()) {
                    sum += (int) d.recv();
                }
            }
            assertEquals(0 + 1 + 2 + 3 + 4, sum);
            for (Connection c : clients) {
                c.close();
            }
        }
    }

    // ---- _TestListenerClient

    @ParameterizedTest
    @EnumSource(Family.class)
    void testListenerClient(Family family) {
        try (Listener l = family.listener()) {
            SocketAddress address = l.address();
            Process p = new Process((SerializableRunnable) () -> Fixtures.sendHello(address));
            p.setDaemon(true);
            p.start();
            try (Connection conn = l.accept()) {
                assertEquals("hello", conn.recv());
            } finally {
                Fixtures.joinProcess(p);
            }
        }
    }

    /** The client connected, wrote and closed before accept was called. */
    @Test
    void testIssue14725() {
        try (Listener l = new Listener()) {
            SocketAddress address = l.address();
            Process p = new Process((SerializableRunnable) () -> Fixtures.sendHello(address));
            p.setDaemon(true);
            p.start();
            Fixtures.joinProcess(p);
            assertEquals(0, p.exitCode().getAsInt());
            try (Connection conn = l.accept()) {
                assertEquals("hello", conn.recv());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void testIssue16955(Family family) {
        try (Listener l = family.listener(); Connection c = Connections.client(l.address());
                Connection a = l.accept()) {
            a.sendBytes("hello".getBytes());
            assertTrue(c.poll(Duration.ofSeconds(1)));
        }
    }
}
