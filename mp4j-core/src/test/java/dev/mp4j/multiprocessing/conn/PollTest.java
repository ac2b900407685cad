package dev.mp4j.multiprocessing.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;
import dev.mp4j.multiprocessing.Listener;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.conn.Fixtures.Family;
import dev.mp4j.multiprocessing.conn.Fixtures.Pair;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CPython's _TestPoll on socket connections. */
@Timeout(60)
class PollTest {
    private static final List<byte[]> STRINGS = List.of("hello".getBytes(), new byte[0], "a".getBytes(),
            "b".getBytes(), new byte[0], "bye".getBytes(), new byte[0], "lop".getBytes());

    @ParameterizedTest
    @EnumSource(Family.class)
    void testEmptyString(Family family) {
        try (Pair p = Fixtures.pair(family)) {
            assertFalse(p.a().poll());
            p.b().sendBytes(new byte[0]);
            assertTrue(p.a().poll(Duration.ofSeconds(10)));
            assertTrue(p.a().poll());
            assertTrue(p.a().poll());
            assertEquals(0, p.a().recvBytes().length);
            assertFalse(p.a().poll());
        }
    }

    static void childStrings(SocketAddress address) {
        try (Connection c = Connections.client(address)) {
            for (byte[] s : STRINGS) {
                Fixtures.sleep(50);
                c.sendBytes(s);
            }
        }
    }

    @Test
    void testStrings() {
        try (Listener l = new Listener()) {
            SocketAddress address = l.address();
            Process p = new Process((SerializableRunnable) () -> childStrings(address));
            p.start();
            try (Connection a = l.accept()) {
                for (byte[] s : STRINGS) {
                    for (int i = 0; i < 1000; i++) {
                        if (a.poll(Duration.ofMillis(10))) {
                            break;
                        }
                    }
                    assertArrayEquals(s, a.recvBytes());
                }
            } finally {
                Fixtures.joinProcess(p);
            }
        }
    }

    /** Polling pulls bytes into this end's buffer, never a part of a message out of the stream. */
    @Test
    void testBoundaries() throws Exception {
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            CompletableFuture<Boolean> poller = Fixtures.thread("poller", () -> p.b().poll(Duration.ofSeconds(5)));
            for (String s : List.of("first", "second")) {
                p.a().sendBytes(s.getBytes());
            }
            p.a().close();
            assertTrue(Fixtures.join(poller));
            assertArrayEquals("first".getBytes(), p.b().recvBytes());
            assertArrayEquals("second".getBytes(), p.b().recvBytes());
        }
    }

    static void childDontMerge(SocketAddress address) {
        try (Connection b = Connections.client(address)) {
            b.recv(); // go
            b.sendBytes("a".getBytes());
            b.sendBytes("b".getBytes());
            b.sendBytes("cd".getBytes());
        }
    }

    @Test
    void testDontMerge() {
        try (Listener l = new Listener()) {
            SocketAddress address = l.address();
            Process p = new Process((SerializableRunnable) () -> childDontMerge(address));
            p.start();
            try (Connection a = l.accept()) {
                assertFalse(a.poll(Duration.ZERO));
                assertFalse(a.poll(Duration.ofMillis(100)));
                a.send("go");
                assertArrayEquals("a".getBytes(), a.recvBytes());
                assertTrue(a.poll(Duration.ofSeconds(1)));
                assertTrue(a.poll(Duration.ofSeconds(1)));
                assertArrayEquals("b".getBytes(), a.recvBytes());
                assertTrue(a.poll(Duration.ofSeconds(1)));
                assertTrue(a.poll(Duration.ofSeconds(1)));
                assertTrue(a.poll(Duration.ZERO));
                assertArrayEquals("cd".getBytes(), a.recvBytes());
            } finally {
                Fixtures.joinProcess(p);
            }
        }
    }

    @Test
    void testNullTimeoutWaitsForever() throws Exception {
        try (Pair p = Fixtures.pair(Family.AF_INET)) {
            CompletableFuture<Boolean> poller = Fixtures.thread("poller", () -> p.b().poll(null));
            Fixtures.sleep(100); // the workload: a late message
            assertFalse(poller.isDone());
            p.a().send("late");
            assertTrue(Fixtures.join(poller));
            assertEquals("late", p.b().recv());
        }
    }

    @Test
    void testPollTimeoutIsHonoured() {
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            long t0 = System.nanoTime();
            assertFalse(p.b().poll(Duration.ofMillis(200)));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms >= 195 && ms < 5000, ms + " ms");
        }
    }
}
