package dev.mp4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class SparesTest {
    @Test
    void aBufferIsTakenOnceAndOnlyAtItsExactLength() {
        Spares spares = new Spares();
        byte[] a = new byte[100];
        spares.give(a);
        assertNull(spares.take(99));
        assertNull(spares.take(101));
        assertSame(a, spares.take(100));
        assertNull(spares.take(100));
        spares.give(null);
        spares.give(new byte[Spares.MAX_BYTES + 1]);
        assertNull(spares.take(Spares.MAX_BYTES + 1));
    }

    @Test
    void theBuffersKeptStayUnderTheTotal() {
        Spares spares = new Spares();
        int n = Spares.MAX_TOTAL / Spares.MAX_BYTES;
        byte[] first = new byte[Spares.MAX_BYTES];
        spares.give(first);
        for (int i = 1; i < n; i++) {
            spares.give(new byte[Spares.MAX_BYTES]);
        }
        byte[] one = new byte[1];
        spares.give(one); // over the total: the oldest makes room
        assertSame(one, spares.take(1));
        for (int i = 1; i < n; i++) {
            byte[] b = spares.take(Spares.MAX_BYTES);
            assertNotNull(b);
            assertNotSame(first, b);
        }
        assertNull(spares.take(Spares.MAX_BYTES));
    }

    @Test
    void whenFullTheOldestGivenMakesRoom() {
        Spares spares = new Spares();
        byte[][] given = new byte[Spares.SLOTS + 1][];
        for (int i = 0; i < given.length; i++) {
            given[i] = new byte[10 + i];
            spares.give(given[i]);
        }
        assertNull(spares.take(10));
        for (int i = 1; i < given.length; i++) {
            assertSame(given[i], spares.take(10 + i));
        }
    }
}
