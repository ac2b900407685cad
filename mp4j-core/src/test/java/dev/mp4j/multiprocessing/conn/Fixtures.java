package dev.mp4j.multiprocessing.conn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;
import dev.mp4j.multiprocessing.Listener;
import dev.mp4j.multiprocessing.Process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Shared pieces of the connection tests: families, connected pairs, child-process targets, threads. */
final class Fixtures {
    /** Python's SENTINEL of the echo child: ends the echo. */
    static final byte[] SENTINEL = "SENTINEL".getBytes();

    private Fixtures() {}

    /** Python's {@code connection.families} on Linux. */
    enum Family {
        AF_UNIX, AF_INET;

        /** @return an address for a new listener: null (a private temporary socket) or loopback port 0 */
        SocketAddress listenAddress() {
            return this == AF_UNIX ? null : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        }

        Listener listener() {
            return new Listener(listenAddress());
        }
    }

    /** Two connected ends: {@code a} from the client side, {@code b} accepted. */
    record Pair(Connection a, Connection b) implements AutoCloseable {
        @Override
        public void close() {
            a.close();
            b.close();
        }
    }

    static Pair pair(Family family) {
        Pair p;
        SocketAddress address;
        try (Listener l = family.listener()) {
            address = l.address();
            Connection a = Connections.client(address);
            p = new Pair(a, l.accept());
        }
        assertSocketRemoved(address, true);
        return p;
    }

    /** Asserts that a listener's Unix-domain socket file and its private directory are gone. */
    static void assertSocketRemoved(SocketAddress address, boolean privateDir) {
        if (address instanceof UnixDomainSocketAddress u) {
            assertFalse(Files.exists(u.getPath()), "socket file left: " + u.getPath());
            if (privateDir) {
                assertFalse(Files.exists(u.getPath().getParent()), "directory left: " + u.getPath().getParent());
            }
        }
    }

    /** Asserts a Unix-domain listener's socket lives in a private (0700) directory of its own. */
    static void assertPrivateDirectory(SocketAddress address) throws IOException {
        Path dir = ((UnixDomainSocketAddress) address).getPath().getParent();
        assertTrue(Files.isDirectory(dir));
        assertTrue(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))
                .equals("rwx------"), "permissions of " + dir);
    }

    /** A raw client socket, for speaking bad bytes to a listener. */
    static SocketChannel raw(SocketAddress address) throws IOException {
        return SocketChannel.open(address);
    }

    static void writeAll(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array();
    }

    /** Runs {@code body} on a new thread; the future holds its result or failure. */
    static <T> CompletableFuture<T> thread(String name, Callable<T> body) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(body.call());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /** Waits for a helper thread's outcome (the helper threads end with their future). */
    static <T> T join(CompletableFuture<T> f) throws Exception {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("helper thread did not finish", e);
        }
    }

    /** Joins a child process, failing (after killing it) if it does not end in time. */
    static void joinProcess(Process p) {
        if (!p.join(Duration.ofSeconds(60))) {
            p.kill();
            p.join(Duration.ofSeconds(10));
            throw new AssertionError(p + " did not end");
        }
    }

    // ---- child-process targets (run in child JVMs; only static state)

    /** Python's {@code _echo}, over a connection the child makes itself. */
    static void echo(SocketAddress address) {
        try (Connection c = Connections.client(address)) {
            echoLoop(c);
        }
    }

    static void echoLoop(Connection c) {
        while (true) {
            byte[] msg = c.recvBytes();
            if (java.util.Arrays.equals(msg, SENTINEL)) {
                return;
            }
            c.sendBytes(msg);
        }
    }

    /** Python's {@code _test}: connect, send "hello", close. */
    static void sendHello(SocketAddress address) {
        try (Connection c = Connections.client(address)) {
            c.send("hello");
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
