package dev.mp4j.multiprocessing.apilines;

import dev.mp4j.multiprocessing.AuthenticationError;
import dev.mp4j.multiprocessing.BufferTooShort;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Full;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.RemoteTraceback;
import dev.mp4j.multiprocessing.WorkerLostError;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.Constructor;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API.md, the multiprocessing exceptions: their hierarchy, the usual {@code (message)} and
 * {@code (message, cause)} constructors, and {@code BufferTooShort.message()}.
 */
@Timeout(30)
class ExceptionLinesTest {
    static final List<Class<? extends RuntimeException>> ALL = List.of(Full.class, Empty.class, EOFError.class,
            ProcessError.class, BufferTooShort.class, AuthenticationError.class, WorkerLostError.class,
            RemoteTraceback.class);

    @Test
    void hierarchy() {
        for (Class<? extends RuntimeException> c : List.of(BufferTooShort.class, AuthenticationError.class,
                WorkerLostError.class)) {
            assertTrue(ProcessError.class.isAssignableFrom(c), c + " is a ProcessError");
        }
        for (Class<? extends RuntimeException> c : ALL) {
            assertTrue(RuntimeException.class.isAssignableFrom(c), c + " is unchecked");
        }
    }

    @Test
    void usualConstructors() throws ReflectiveOperationException {
        Throwable cause = new IllegalStateException("cause");
        for (Class<? extends RuntimeException> c : ALL) {
            Constructor<? extends RuntimeException> withMessage = c.getConstructor(String.class);
            assertEquals("m", withMessage.newInstance("m").getMessage(), c.getName());
            RuntimeException e = c.getConstructor(String.class, Throwable.class).newInstance("m", cause);
            assertEquals("m", e.getMessage(), c.getName());
            assertSame(cause, e.getCause(), c.getName());
        }
    }

    @Test
    void bufferTooShortHoldsACopyOfTheMessage() {
        byte[] message = {1, 2, 3};
        BufferTooShort e = new BufferTooShort("too short", message);
        message[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, e.message(), "a copy made when it was thrown");
        e.message()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, e.message(), "a copy each time");
        assertNull(new BufferTooShort("no message").message());
        assertNull(new BufferTooShort().message());
    }

    @Test
    void recvBytesIntoThrowsBufferTooShortWithTheWholeMessage() {
        Pipe p = Multiprocessing.pipe();
        byte[] sent = {10, 20, 30, 40, 50};
        p.conn2().sendBytes(sent);
        byte[] buf = new byte[8];
        BufferTooShort e = assertThrows(BufferTooShort.class, () -> p.conn1().recvBytesInto(buf, 4));
        assertArrayEquals(sent, e.message());
        p.conn2().sendBytes(sent, 1, 3);
        assertEquals(3, p.conn1().recvBytesInto(buf, 5), "the message fits after the offset");
        assertArrayEquals(new byte[] {20, 30, 40}, java.util.Arrays.copyOfRange(buf, 5, 8));
        p.conn1().close();
        p.conn2().close();
    }
}
