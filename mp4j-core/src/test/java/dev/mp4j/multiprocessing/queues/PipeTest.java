package dev.mp4j.multiprocessing.queues;

import dev.mp4j.internal.queue.PipeEnd;
import dev.mp4j.multiprocessing.BufferTooShort;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.Process;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CPython's _TestConnection for pipes: test_connection, test_duplex_false, test_spawn_close, test_sendbytes, and more. */
@Timeout(60)
class PipeTest {
    private static final byte[] SENTINEL = new byte[0];
    private static final Duration TIMEOUT1 = Duration.ofMillis(100);

    @AfterAll
    static void shmCleaned() throws InterruptedException {
        Kids.assertShmCleaned();
    }

    static void echo(Connection conn) {
        for (byte[] msg = conn.recvBytes(); msg.length != 0; msg = conn.recvBytes()) {
            conn.sendBytes(msg);
        }
        conn.close();
    }

    private static long millis(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.nativeOrder());
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    @Test
    void testConnection() {
        Pipe pipe = Kids.trackedPipe(true);
        Connection conn = pipe.conn1();
        Connection childConn = pipe.conn2();
        Process p = Kids.start(() -> echo(childConn));

        List<Object> seq = Arrays.asList(1, 2.25, null);
        byte[] msg = "hello world".getBytes(StandardCharsets.ISO_8859_1);
        byte[] longmsg = new byte[msg.length * 10];
        for (int i = 0; i < 10; i++) {
            System.arraycopy(msg, 0, longmsg, i * msg.length, msg.length);
        }
        byte[] arr = ints(0, 1, 2, 3);

        conn.send(seq);
        assertEquals(seq, conn.recv());
        conn.sendBytes(msg);
        assertArrayEquals(msg, conn.recvBytes());

        byte[] buffer = new byte[40];
        conn.sendBytes(arr);
        assertEquals(arr.length, conn.recvBytesInto(buffer));
        assertArrayEquals(ints(0, 1, 2, 3, 0, 0, 0, 0, 0, 0), buffer);

        buffer = new byte[40];
        conn.sendBytes(arr);
        assertEquals(arr.length, conn.recvBytesInto(buffer, 3 * 4));
        assertArrayEquals(ints(0, 0, 0, 0, 1, 2, 3, 0, 0, 0), buffer);

        byte[] small = new byte[40];
        conn.sendBytes(longmsg);
        BufferTooShort e = assertThrows(BufferTooShort.class, () -> conn.recvBytesInto(small));
        assertArrayEquals(longmsg, e.message());

        long ms = millis(() -> assertFalse(conn.poll()));
        assertTrue(ms < 1000, "poll() took " + ms);
        ms = millis(() -> assertFalse(conn.poll(Duration.ofSeconds(-1))));
        assertTrue(ms < 1000, "poll(-1) took " + ms);
        ms = millis(() -> assertFalse(conn.poll(TIMEOUT1)));
        assertTrue(ms >= 95 && ms < 1100, "poll(TIMEOUT1) took " + ms);

        conn.send(null);
        assertTrue(conn.poll(Duration.ofSeconds(30)));
        assertTrue(((PipeEnd) conn).readyNow());
        assertNull(conn.recv());

        byte[] reallyBigMsg = new byte[16 * 1024 * 1024];
        Arrays.fill(reallyBigMsg, (byte) 'X');
        conn.sendBytes(reallyBigMsg);
        assertArrayEquals(reallyBigMsg, conn.recvBytes());

        conn.sendBytes(SENTINEL); // tell the child to quit
        childConn.close();

        assertTrue(conn.readable());
        assertTrue(conn.writable());
        assertThrows(EOFError.class, conn::recv);
        assertThrows(EOFError.class, conn::recvBytes);
        assertTrue(conn.poll(), "EOF counts as readable");
        assertTrue(((PipeEnd) conn).readyNow());
        Kids.joinOk(p);
        conn.close();
    }

    @Test
    void testDuplexFalse() {
        Pipe pipe = Kids.trackedPipe(false);
        Connection reader = pipe.conn1();
        Connection writer = pipe.conn2();
        writer.send(1);
        assertEquals(1, (int) reader.recv());
        assertTrue(reader.readable());
        assertFalse(reader.writable());
        assertFalse(writer.readable());
        assertTrue(writer.writable());
        assertThrows(IllegalStateException.class, () -> reader.send(2));
        assertThrows(IllegalStateException.class, writer::recv);
        assertThrows(IllegalStateException.class, writer::poll);
        reader.close();
        writer.close();
    }

    @Test
    void testSpawnClose() {
        // the parent closes the child's end right after starting it, maybe before the child attached it
        Pipe pipe = Kids.trackedPipe(true);
        Connection conn = pipe.conn1();
        Connection childConn = pipe.conn2();
        Process p = Kids.start(() -> echo(childConn));
        childConn.close();
        byte[] msg = "hello".getBytes(StandardCharsets.US_ASCII);
        conn.sendBytes(msg);
        assertArrayEquals(msg, conn.recvBytes());
        conn.sendBytes(SENTINEL);
        assertThrows(EOFError.class, conn::recvBytes);
        conn.close();
        Kids.joinOk(p);
    }

    @Test
    void testSendbytes() {
        byte[] msg = "abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
        Pipe pipe = Kids.trackedPipe(true);
        Connection a = pipe.conn1();
        Connection b = pipe.conn2();
        a.sendBytes(msg);
        assertArrayEquals(msg, b.recvBytes());
        a.sendBytes(msg, 5, 21);
        assertArrayEquals(Arrays.copyOfRange(msg, 5, 26), b.recvBytes());
        a.sendBytes(msg, 7, 8);
        assertArrayEquals(Arrays.copyOfRange(msg, 7, 15), b.recvBytes());
        a.sendBytes(msg, 26, 0);
        assertArrayEquals(new byte[0], b.recvBytes());
        assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, 27, 0));
        assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, 22, 5));
        assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, 26, 1));
        assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, -1, 1));
        assertThrows(IllegalArgumentException.class, () -> a.sendBytes(msg, 4, -1));
        assertFalse(b.poll(), "nothing was sent by the rejected calls");
        a.close();
        b.close();
    }

    @Test
    void recvBytesMaxlength() throws Exception {
        Pipe pipe = Kids.trackedPipe(true);
        pipe.conn1().sendBytes(new byte[10]);
        AtomicReference<Throwable> senderFailure = new AtomicReference<>();
        Thread sender = new Thread(() -> {
            try {
                pipe.conn1().sendBytes(new byte[1_000_000]); // larger than the ring: streamed in chunks
            } catch (Throwable e) {
                senderFailure.set(e);
            }
        });
        sender.start();
        assertEquals(10, pipe.conn2().recvBytes(10).length);
        assertThrows(UncheckedIOException.class, () -> pipe.conn2().recvBytes(1000));
        assertTrue(pipe.conn2().closed(), "unusable after a message longer than maxlength");
        assertThrows(IllegalStateException.class, () -> pipe.conn2().recvBytes());
        sender.join(30_000);
        assertFalse(sender.isAlive());
        assertInstanceOf(UncheckedIOException.class, senderFailure.get(), "broken pipe: nobody holds the reading end");
        assertThrows(IllegalArgumentException.class, () -> pipe.conn1().recvBytes(-1));
        pipe.conn1().close();
    }

    @Test
    void closedEnd() {
        Pipe pipe = Kids.trackedPipe(true);
        pipe.conn1().close();
        pipe.conn1().close();
        assertTrue(pipe.conn1().closed());
        assertThrows(IllegalStateException.class, () -> pipe.conn1().send(1));
        assertThrows(IllegalStateException.class, () -> pipe.conn1().recv());
        assertThrows(IllegalStateException.class, () -> pipe.conn1().poll());
        assertThrows(EOFError.class, () -> pipe.conn2().recv());
        assertThrows(UncheckedIOException.class, () -> {
            for (int i = 0; i < 100; i++) {
                pipe.conn2().sendBytes(new byte[100_000]); // the ring fills: nobody holds the reading end
            }
        });
        pipe.conn2().close();
    }

    @Test
    void closeWakesABlockedRecv() throws Exception {
        Pipe pipe = Kids.trackedPipe(true);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                pipe.conn2().recv();
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        t.start();
        assertFalse(pipe.conn2().poll(Duration.ofMillis(50)));
        pipe.conn1().close();
        t.join(10_000);
        assertFalse(t.isAlive());
        assertInstanceOf(EOFError.class, thrown.get());
        pipe.conn2().close();
    }

    @Test
    void endsSentThroughAPipe() {
        Pipe carrier = Kids.trackedPipe(true);
        Pipe inner = Kids.trackedPipe(true);
        carrier.conn1().send(inner.conn2());
        Connection got = carrier.conn2().recv();
        inner.conn2().close(); // the received copy keeps the end open
        inner.conn1().send("through");
        assertEquals("through", got.recv());
        got.send("back");
        assertEquals("back", inner.conn1().recv());
        got.close();
        assertThrows(EOFError.class, () -> inner.conn1().recv());
        inner.conn1().close();
        carrier.conn1().close();
        carrier.conn2().close();
    }

    @Test
    void eofWhenTheOtherProcessDies() {
        Pipe pipe = Kids.trackedPipe(true);
        Connection conn = pipe.conn1();
        Connection childConn = pipe.conn2();
        Process p = Kids.start(() -> {
            childConn.send("ready");
            childConn.recv(); // blocks until killed
        });
        childConn.close();
        assertEquals("ready", conn.recv());
        p.kill();
        assertThrows(EOFError.class, conn::recv);
        assertTrue(p.join(Duration.ofSeconds(30)));
        conn.close();
    }

    @Test
    void serializingAClosedEndFails() {
        Pipe pipe = Kids.trackedPipe(false);
        pipe.conn2().close();
        assertThrows(IllegalArgumentException.class, () -> Kids.start(() -> pipe.conn2().send(1)));
        pipe.conn1().close();
    }
}
