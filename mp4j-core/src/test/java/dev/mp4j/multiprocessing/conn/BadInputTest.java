package dev.mp4j.multiprocessing.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.Listener;
import dev.mp4j.multiprocessing.ProcessError;

import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a socket connection does with bytes no well-behaved peer sends: a clear error, no hang, no big allocation. */
@Timeout(60)
class BadInputTest {
    /** A listener, a raw peer socket, and the accepted end. */
    private record Raw(Listener listener, SocketChannel peer, Connection conn) implements AutoCloseable {
        static Raw open() throws Exception {
            Listener l = new Listener();
            SocketChannel peer = Fixtures.raw(l.address());
            return new Raw(l, peer, l.accept());
        }

        void send(byte[]... parts) throws Exception {
            for (byte[] p : parts) {
                Fixtures.writeAll(peer, p);
            }
        }

        @Override
        public void close() throws java.io.IOException {
            conn.close();
            peer.close();
            listener.close();
            Fixtures.assertSocketRemoved(listener.address(), true);
        }
    }

    private static byte[] header(int n) {
        return ByteBuffer.allocate(4).putInt(n).array();
    }

    private static byte[] longHeader(long n) {
        return ByteBuffer.allocate(12).putInt(-1).putLong(n).array();
    }

    /**
     * Runs {@code body} and returns how many bytes this thread allocated meanwhile (through reflection: the
     * tests compile inside the module dev.mp4j, which does not read java.management).
     */
    private static long allocatedBy(Runnable body) throws Exception {
        Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        long before = (long) allocated.invoke(mx);
        body.run();
        return (long) allocated.invoke(mx) - before;
    }

    private static <T extends Throwable> T expect(Class<T> type, Supplier<?> call) {
        return assertThrows(type, call::get);
    }

    @Test
    void testGarbageBytes() throws Exception {
        try (Raw r = Raw.open()) {
            r.send(new byte[] {(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF, 1, 2, 3});
            UncheckedIOException e = expect(UncheckedIOException.class, r.conn()::recvBytes);
            assertTrue(e.getMessage().contains("bad message length"), e.getMessage());
            assertTrue(r.conn().closed(), "the stream cannot be resynchronised: the end is closed");
            assertThrows(IllegalStateException.class, r.conn()::recvBytes);
        }
    }

    @Test
    void testNegativeLongLength() throws Exception {
        try (Raw r = Raw.open()) {
            r.send(longHeader(Long.MIN_VALUE));
            UncheckedIOException e = expect(UncheckedIOException.class, r.conn()::recv);
            assertTrue(e.getMessage().contains("bad message length"), e.getMessage());
        }
    }

    @Test
    void testTruncatedFrame() throws Exception {
        try (Raw r = Raw.open()) {
            r.send(Fixtures.frame("whole".getBytes()), header(100), new byte[10]);
            r.peer().close();
            assertArrayEquals("whole".getBytes(), r.conn().recvBytes());
            UncheckedIOException e = expect(UncheckedIOException.class, r.conn()::recvBytes);
            assertTrue(e.getMessage().contains("end of file during a message of 100 bytes"), e.getMessage());
            assertThrows(EOFError.class, r.conn()::recvBytes, "then the end of the stream");
        }
    }

    @Test
    void testTruncatedHeader() throws Exception {
        try (Raw r = Raw.open()) {
            r.send(new byte[] {0, 0});
            r.peer().close();
            UncheckedIOException e = expect(UncheckedIOException.class, r.conn()::recv);
            assertTrue(e.getMessage().contains("end of file during a frame header"), e.getMessage());
            assertThrows(EOFError.class, r.conn()::recv);
        }
    }

    @Test
    void testHugeLengthPrefixAllocatesNothingBig() throws Exception {
        try (Raw r = Raw.open()) {
            // 2 GiB - 16 is within recv's limit: the receiver must not allocate it up front
            r.send(header(0x7ffffff0), new byte[10]);
            r.peer().close();
            long allocated = allocatedBy(() -> assertThrows(UncheckedIOException.class, r.conn()::recvBytes));
            assertTrue(allocated < 16 << 20, allocated + " bytes allocated");
        }
    }

    @Test
    void testLengthOverMaxlength() throws Exception {
        try (Raw r = Raw.open()) {
            r.send(header(1_000_000_000));
            long allocated = allocatedBy(() -> {
                UncheckedIOException e = expect(UncheckedIOException.class, () -> r.conn().recvBytes(100));
                assertTrue(e.getMessage().contains("1000000000 bytes, more than the limit of 100"), e.getMessage());
            });
            assertTrue(allocated < 1 << 20, allocated + " bytes allocated");
            assertTrue(r.conn().closed(), "Python closes the connection after a bad message length");
        }
    }

    @Test
    void testLongFormBeyondAnyArray() throws Exception {
        try (Raw r = Raw.open()) {
            r.send(longHeader(1L << 40));
            UncheckedIOException e = expect(UncheckedIOException.class, r.conn()::recv);
            assertTrue(e.getMessage().contains("more than the limit"), e.getMessage());
        }
    }

    @Test
    void testLongFormOfASmallFrame() throws Exception {
        // legal framing (a sender may use the long form for any length): the receiver takes it
        try (Raw r = Raw.open()) {
            r.send(longHeader(3), new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, r.conn().recvBytes());
        }
    }

    @Test
    void testGarbagePayloadForRecv() throws Exception {
        try (Raw r = Raw.open()) {
            r.send(Fixtures.frame("not a serialized object".getBytes()), Fixtures.frame("next".getBytes()));
            expect(ProcessError.class, r.conn()::recv);
            assertArrayEquals("next".getBytes(), r.conn().recvBytes(), "the frame was consumed whole; the stream goes on");
            assertEquals(false, r.conn().closed());
        }
    }

    @Test
    void testBytesOneAtATime() throws Exception {
        // a frame split at every byte boundary still arrives whole
        try (Raw r = Raw.open()) {
            byte[] f = Fixtures.frame("split everywhere".getBytes());
            var reader = Fixtures.thread("reader", () -> r.conn().recvBytes());
            for (byte b : f) {
                r.send(new byte[] {b});
            }
            assertArrayEquals("split everywhere".getBytes(), Fixtures.join(reader));
        }
    }
}
