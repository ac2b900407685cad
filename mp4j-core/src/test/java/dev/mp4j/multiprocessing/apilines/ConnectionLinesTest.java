package dev.mp4j.multiprocessing.apilines;

import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;
import dev.mp4j.multiprocessing.Listener;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Sentinel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API.md, {@code Connection}, {@code Connections} and {@code Listener} lines the connection tests leave out:
 * null as a message and as a timeout on a TCP connection with a key, negative timeouts counting as zero on
 * poll and wait, wait on a pipe end and a process sentinel together, and use after close.
 */
@Timeout(60)
class ConnectionLinesTest {
    static final byte[] KEY = {1, 2, 3};

    /** A connected pair over TCP on the loopback address, authenticated both ways. */
    record Pair(Listener listener, Connection server, Connection client) implements AutoCloseable {
        static Pair open() throws Exception {
            Listener l = new Listener(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, KEY);
            CompletableFuture<Connection> accepted = CompletableFuture.supplyAsync(l::accept);
            Connection c = Connections.client(l.address(), KEY);
            return new Pair(l, accepted.get(30, TimeUnit.SECONDS), c);
        }

        @Override
        public void close() {
            client.close();
            server.close();
            listener.close();
        }
    }

    @Test
    void nullMessagesAndNullTimeoutsOverTcp() throws Exception {
        try (Pair p = Pair.open()) {
            InetSocketAddress bound = (InetSocketAddress) p.listener().address();
            assertTrue(bound.getPort() > 0, "port 0 picks a free port: " + bound);
            assertEquals(InetAddress.getLoopbackAddress(), ((InetSocketAddress) p.listener().lastAccepted()).getAddress());
            p.client().send(null);
            assertTrue(p.server().poll(null), "a null timeout waits as long as needed");
            assertNull(p.server().recv());
            p.server().send(null);
            assertEquals(List.of(p.client()), Connections.wait(List.of(p.client()), null));
            assertNull(p.client().recv());
        }
    }

    @Test
    void negativeTimeoutsCountAsZero() throws Exception {
        try (Pair p = Pair.open()) {
            long start = System.nanoTime();
            assertFalse(p.server().poll(Duration.ofSeconds(-10)));
            assertEquals(List.of(), Connections.wait(List.of(p.server(), p.client()), Duration.ofSeconds(-10)));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "a negative timeout waited");
            p.client().sendBytes(new byte[] {5});
            assertTrue(p.server().poll(Duration.ofSeconds(30)));
            assertTrue(p.server().poll(Duration.ofSeconds(-1)), "ready now: a negative timeout still says so");
            assertEquals(List.of(p.server()), Connections.wait(List.of(p.client(), p.server()), Duration.ofMillis(-1)));
        }
    }

    @Test
    void waitOnAPipeEndAndAProcessSentinel() {
        Pipe pipe = Multiprocessing.pipe(false);
        Connection r = pipe.conn1();
        Connection w = pipe.conn2();
        Process p = new Process(() -> w.send("from the child"));
        p.setDaemon(true);
        p.start();
        try {
            // the message comes before the child ends; at the end both are ready
            List<Sentinel> ready = Connections.wait(List.of(r), Duration.ofSeconds(30));
            assertEquals(List.of(r), ready);
            assertEquals("from the child", r.recv());
            ready = Connections.wait(List.of(p.sentinel()), Duration.ofSeconds(30));
            assertEquals(List.of(p.sentinel()), ready);
            assertEquals(List.of(p.sentinel()), Connections.wait(List.of(r, p.sentinel()), Duration.ZERO),
                    "the pipe has nothing to read while the parent holds the writing end too");
            assertEquals(0, p.exitCode().orElseThrow());
        } finally {
            p.join(Duration.ofSeconds(30));
            r.close();
            w.close();
        }
    }

    @Test
    void aClosedConnectionOrListenerRefusesUse() throws Exception {
        Pair p = Pair.open();
        p.close();
        Connection c = p.client();
        assertTrue(c.closed());
        c.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> c.send(1));
        assertThrows(IllegalStateException.class, c::recv);
        assertThrows(IllegalStateException.class, () -> c.sendBytes(new byte[1], 0, 1));
        assertThrows(IllegalStateException.class, () -> c.recvBytes(10));
        assertThrows(IllegalStateException.class, () -> c.recvBytesInto(new byte[4], 1));
        assertThrows(IllegalStateException.class, () -> c.poll(Duration.ZERO));
        assertThrows(IllegalStateException.class, () -> Connections.wait(List.of(c), Duration.ZERO));
        assertThrows(IllegalStateException.class, p.listener()::accept);
    }
}
