package dev.mp4j.multiprocessing.conn;

import static dev.mp4j.multiprocessing.conn.Fixtures.SENTINEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.InterruptedError;
import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.multiprocessing.BufferTooShort;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.Listener;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.conn.Fixtures.Family;
import dev.mp4j.multiprocessing.conn.Fixtures.Pair;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** CPython's _TestConnection (the byte and object parts), on socket connections of both families. */
@Timeout(60)
class ConnectionTest {
    private static final Duration TIMEOUT1 = Duration.ofMillis(100);

    private static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.nativeOrder());
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    /** The body of test_connection against an end whose peer echoes byte messages until SENTINEL. */
    private static void exercise(Connection conn) {
        List<Object> seq = Arrays.asList(1, 2.25, null);
        byte[] msg = "hello world".getBytes();
        byte[] longmsg = "hello world".repeat(10).getBytes();
        byte[] arr = ints(0, 1, 2, 3);

        conn.send(new ArrayList<>(seq));
        assertEquals(seq, conn.recv());

        conn.sendBytes(msg);
        assertArrayEquals(msg, conn.recvBytes());

        byte[] buffer = new byte[40];
        conn.sendBytes(arr);
        assertEquals(arr.length, conn.recvBytesInto(buffer));
        byte[] expected = new byte[40];
        System.arraycopy(arr, 0, expected, 0, arr.length);
        assertArrayEquals(expected, buffer);

        buffer = new byte[40];
        conn.sendBytes(arr);
        assertEquals(arr.length, conn.recvBytesInto(buffer, 3 * 4));
        expected = new byte[40];
        System.arraycopy(arr, 0, expected, 12, arr.length);
        assertArrayEquals(expected, buffer);

        byte[] spaces = " ".repeat(40).getBytes();
        conn.sendBytes(longmsg);
        BufferTooShort e = assertThrows(BufferTooShort.class, () -> conn.recvBytesInto(spaces));
        assertArrayEquals(longmsg, e.message());
        assertArrayEquals(" ".repeat(40).getBytes(), spaces, "the buffer is left alone");

        long t0 = System.nanoTime();
        assertFalse(conn.poll());
        assertFalse(conn.poll(Duration.ofSeconds(-1)));
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(50));

        t0 = System.nanoTime();
        assertFalse(conn.poll(TIMEOUT1));
        long elapsed = System.nanoTime() - t0;
        assertTrue(elapsed >= TIMEOUT1.toNanos() - TimeUnit.MILLISECONDS.toNanos(2), "poll returned early: " + elapsed);

        conn.send(null);
        assertTrue(conn.poll(Duration.ofSeconds(10)));
        t0 = System.nanoTime();
        assertTrue(conn.poll(TIMEOUT1));
        assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(50));
        assertNull(conn.recv());

        byte[] reallyBig = new byte[16 << 20];
        Arrays.fill(reallyBig, (byte) 'X');
        conn.sendBytes(reallyBig);
        assertArrayEquals(reallyBig, conn.recvBytes());

        conn.sendBytes(SENTINEL);
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void testConnectionWithThread(Family family) throws Exception {
        Pair p = Fixtures.pair(family);
        CompletableFuture<Void> child = Fixtures.thread("echo", () -> {
            Fixtures.echoLoop(p.b());
            p.b().close();
            return null;
        });
        exercise(p.a());
        Fixtures.join(child);
        assertTrue(p.a().readable());
        assertTrue(p.a().writable());
        assertThrows(EOFError.class, () -> p.a().recv());
        assertThrows(EOFError.class, () -> p.a().recvBytes());
        p.close();
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void testConnectionWithProcess(Family family) {
        try (Listener l = family.listener()) {
            SocketAddress address = l.address();
            Process p = new Process((SerializableRunnable) () -> Fixtures.echo(address));
            p.setDaemon(true);
            p.start();
            try (Connection conn = l.accept()) {
                exercise(conn);
                assertThrows(EOFError.class, conn::recv);
                assertThrows(EOFError.class, conn::recvBytes);
            } finally {
                Fixtures.joinProcess(p);
            }
            assertEquals(0, p.exitCode().getAsInt());
        }
    }

    @Test
    void testSendbytes() {
        byte[] msg = "abcdefghijklmnopqrstuvwxyz".getBytes();
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            Connection a = p.a();
            Connection b = p.b();
            a.sendBytes(msg);
            assertArrayEquals(msg, b.recvBytes());
            a.sendBytes(msg, 5, 21);
            assertArrayEquals(Arrays.copyOfRange(msg, 5, 26), b.recvBytes());
            a.sendBytes(msg, 7, 8);
            assertArrayEquals(Arrays.copyOfRange(msg, 7, 15), b.recvBytes());
            a.sendBytes(msg, 26, 0);
            assertArrayEquals(new byte[0], b.recvBytes());

            assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, 27, 0));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, 22, 5));
            assertTrue(e.getMessage().contains("offset 22") && e.getMessage().contains("size 5"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, 26, 1));
            e = assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, -1, 1));
            assertTrue(e.getMessage().contains("offset"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, 4, -1));
            assertTrue(e.getMessage().contains("size"), e.getMessage());
            assertFalse(b.poll(), "nothing was sent by the refused calls");
        }
    }

    @Test
    void testRecvBytesIntoOffsets() {
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            byte[] buf = new byte[4];
            assertThrows(IllegalArgumentException.class, () -> p.b().recvBytesInto(buf, -1));
            assertThrows(IllegalArgumentException.class, () -> p.b().recvBytesInto(buf, 5));
            p.a().sendBytes(new byte[0]);
            assertEquals(0, p.b().recvBytesInto(buf, 4), "offset == length takes an empty message");
            p.a().sendBytes(new byte[] {1});
            BufferTooShort e = assertThrows(BufferTooShort.class, () -> p.b().recvBytesInto(buf, 4));
            assertArrayEquals(new byte[] {1}, e.message());
            p.a().sendBytes(new byte[] {7, 8});
            assertEquals(2, p.b().recvBytesInto(buf, 2));
            assertArrayEquals(new byte[] {0, 0, 7, 8}, buf);
        }
    }

    @Test
    void testContext() {
        Pair p = Fixtures.pair(Family.AF_UNIX);
        try (Connection a = p.a(); Connection b = p.b()) {
            a.send(1729);
            assertEquals(1729, (int) b.recv());
            assertFalse(a.closed());
            assertFalse(b.closed());
        }
        assertTrue(p.a().closed());
        assertTrue(p.b().closed());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.a().recv());
        assertEquals("handle is closed", e.getMessage());
        assertThrows(IllegalStateException.class, () -> p.b().recv());
        assertThrows(IllegalStateException.class, () -> p.b().send(1));
        assertThrows(IllegalStateException.class, () -> p.b().sendBytes(new byte[1]));
        assertThrows(IllegalStateException.class, () -> p.b().poll());
        assertThrows(IllegalStateException.class, () -> p.b().recvBytesInto(new byte[1]));
        p.a().close(); // idempotent
        assertTrue(p.a().closed());
    }

    @Test
    void testPeerClosedMeansEof() {
        Pair p = Fixtures.pair(Family.AF_INET);
        p.a().sendBytes("last".getBytes());
        p.a().close();
        assertTrue(p.b().poll(Duration.ofSeconds(10)));
        assertArrayEquals("last".getBytes(), p.b().recvBytes());
        assertTrue(p.b().poll(), "the peer's end counts as something to read");
        assertThrows(EOFError.class, () -> p.b().recv());
        assertThrows(EOFError.class, () -> p.b().recvBytesInto(new byte[8]));
        assertFalse(p.b().closed());
        p.b().close();
    }

    @Test
    void testNullAndObjects() {
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            p.a().send(null);
            p.a().send(List.of("x", 2));
            p.a().send(new IllegalStateException("boom"));
            assertNull(p.b().recv());
            assertEquals(List.of("x", 2), p.b().recv());
            IllegalStateException e = p.b().recv();
            assertEquals("boom", e.getMessage());
        }
    }

    @Test
    void testUnserializableObjectIsRefused() {
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.a().send(new Object()));
            assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
            p.a().send("after");
            assertEquals("after", p.b().recv(), "a refused send leaves nothing on the wire");
        }
    }

    @Test
    void testSocketConnectionCannotBeSentToAnotherProcess() throws Exception {
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream());
            NotSerializableException e = assertThrows(NotSerializableException.class, () -> out.writeObject(p.a()));
            assertTrue(e.getMessage().contains("cannot be sent to another process"), e.getMessage());
            IllegalArgumentException iae = assertThrows(IllegalArgumentException.class, () -> p.a().send(p.b()));
            assertInstanceOf(NotSerializableException.class, iae.getCause());
        }
    }

    @Test
    void testConcurrentSendsDoNotInterleave() throws Exception {
        int threads = 4;
        int each = 50;
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> senders = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                byte fill = (byte) ('a' + t);
                senders.add(Fixtures.thread("sender-" + t, () -> {
                    go.await();
                    for (int i = 0; i < each; i++) {
                        byte[] msg = new byte[100_000 + i * 997];
                        Arrays.fill(msg, fill);
                        p.a().sendBytes(msg);
                    }
                    return null;
                }));
            }
            go.countDown();
            int[] counts = new int[threads];
            for (int i = 0; i < threads * each; i++) {
                byte[] msg = p.b().recvBytes();
                byte first = msg[0];
                for (byte x : msg) {
                    assertEquals(first, x, "a frame mixes bytes of two senders");
                }
                int t = first - 'a';
                assertEquals(100_000 + counts[t] * 997, msg.length);
                counts[t]++;
            }
            for (CompletableFuture<Void> f : senders) {
                Fixtures.join(f);
            }
            assertFalse(p.b().poll());
        }
    }

    @Test
    void testInterruptedRecvLeavesConnectionUsable() throws Exception {
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            CountDownLatch started = new CountDownLatch(1);
            Thread[] self = new Thread[1];
            CompletableFuture<Boolean> r = Fixtures.thread("receiver", () -> {
                self[0] = Thread.currentThread();
                started.countDown();
                try {
                    p.b().recvBytes();
                    return false;
                } catch (InterruptedError e) {
                    return Thread.currentThread().isInterrupted();
                }
            });
            started.await();
            // the receiver may not be blocked yet; interrupting early gives the same outcome
            self[0].interrupt();
            assertTrue(Fixtures.join(r), "InterruptedError, with the interrupt flag set again");
            assertFalse(p.b().closed());
            p.a().sendBytes("still works".getBytes());
            assertArrayEquals("still works".getBytes(), p.b().recvBytes());
        }
    }

    @Test
    void testInterruptedRecvKeepsPartialMessage() throws Exception {
        byte[] big = new byte[4 << 20];
        new java.util.Random(1).nextBytes(big);
        int half = 2 << 20;
        try (Listener l = new Listener();
                java.nio.channels.SocketChannel raw = Fixtures.raw(l.address());
                Connection conn = l.accept()) {
            Thread[] self = new Thread[1];
            CountDownLatch started = new CountDownLatch(1);
            CompletableFuture<Boolean> r = Fixtures.thread("receiver", () -> {
                self[0] = Thread.currentThread();
                started.countDown();
                try {
                    conn.recvBytes();
                    return false;
                } catch (InterruptedError e) {
                    return true;
                }
            });
            started.await();
            // the header and 2 MiB of the payload: once written, the receiver has read most of it (the socket
            // buffers hold far less), and it waits for the rest
            Fixtures.writeAll(raw, ByteBuffer.allocate(4).putInt(big.length).array());
            Fixtures.writeAll(raw, Arrays.copyOfRange(big, 0, half));
            self[0].interrupt();
            assertTrue(Fixtures.join(r), "the receiver was interrupted");
            CompletableFuture<Void> rest = Fixtures.thread("writer", () -> {
                Fixtures.writeAll(raw, Arrays.copyOfRange(big, half, big.length));
                return null;
            });
            assertArrayEquals(big, conn.recvBytes(), "the interrupted receive kept what it had read");
            Fixtures.join(rest);
        }
    }

    @Test
    void testCloseWakesBlockedRecv() throws Exception {
        Pair p = Fixtures.pair(Family.AF_INET);
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<Void> r = Fixtures.thread("receiver", () -> {
            started.countDown();
            p.b().recvBytes();
            return null;
        });
        started.await();
        Fixtures.sleep(50); // let it block (the outcome is the same if it has not yet)
        p.b().close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Fixtures.join(r));
        assertEquals("handle is closed", e.getMessage());
        assertThrows(EOFError.class, () -> p.a().recv(), "the peer sees the end");
        p.a().close();
    }

    @Test
    void testDeliverAndAnswerOnAnyConnection() throws Exception {
        byte[] key = "abc".getBytes();
        try (Pair p = Fixtures.pair(Family.AF_UNIX)) {
            CompletableFuture<Void> other = Fixtures.thread("answerer", () -> {
                Connections.answerChallenge(p.b(), key);
                Connections.deliverChallenge(p.b(), key);
                return null;
            });
            Connections.deliverChallenge(p.a(), key);
            Connections.answerChallenge(p.a(), key);
            Fixtures.join(other);
            p.a().send("authenticated");
            assertEquals("authenticated", p.b().recv());
        }
    }

    @Test
    void testWritableAfterPeerGoneFailsCleanly() {
        Pair p = Fixtures.pair(Family.AF_UNIX);
        p.b().close();
        // the first sends may land in the socket buffer; a later one must fail with an I/O error
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                p.a().sendBytes(new byte[1 << 16]);
            }
        });
        assertTrue(e.getMessage().startsWith("cannot send"), e.getMessage());
        p.a().close();
    }
}
