package dev.mp4j.internal.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Words reads and writes a segment's words where and as the segment's own accessors (native order) see them. */
@Timeout(30)
class WordsTest {
    @Test
    void wordsAreTheSegmentsOwnInTheNativeOrder() {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment m = arena.allocate(64, 64);
            ByteBuffer b = Words.view(m);
            Words.setInt(b, 4, 0x01020304);
            assertEquals(0x01020304, m.get(ValueLayout.JAVA_INT, 4));
            Words.setLong(b, 8, 0x0102030405060708L);
            assertEquals(0x0102030405060708L, m.get(ValueLayout.JAVA_LONG, 8));
            m.set(ValueLayout.JAVA_INT, 16, -7);
            assertEquals(-7, Words.getInt(b, 16));
            m.set(ValueLayout.JAVA_LONG, 24, Long.MIN_VALUE + 1);
            assertEquals(Long.MIN_VALUE + 1, Words.getLong(b, 24));

            assertEquals(0x01020304, Words.addInt(b, 4, 1));
            assertEquals(0x01020305, m.get(ValueLayout.JAVA_INT, 4));
            assertTrue(Words.casInt(b, 4, 0x01020305, 9));
            assertFalse(Words.casInt(b, 4, 0x01020305, 10));
            assertEquals(9, Words.getInt(Words.view(m), 4), "a second view sees the same word");

            assertEquals(0x0102030405060708L, Words.addLong(b, 8, 2));
            assertTrue(Words.casLong(b, 8, 0x010203040506070aL, 5));
            assertEquals(5, Words.cmpxLong(b, 8, 6, 7), "a failed exchange returns the word");
            assertEquals(5, Words.cmpxLong(b, 8, 5, 7), "a successful one returns the expected value");
            assertEquals(7, m.get(ValueLayout.JAVA_LONG, 8));
            assertEquals(0, m.get(ValueLayout.JAVA_INT, 0), "nothing else was written");
        }
    }

    @Test
    void atomicAddsFromManyThreadsAreNotLost() throws InterruptedException {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment m = arena.allocate(64, 64);
            ByteBuffer b = Words.view(m);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                ByteBuffer own = Words.view(m);
                threads[t] = new Thread(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        Words.addInt(own, 0, 1);
                        Words.addLong(own, 8, 2);
                    }
                });
                threads[t].setUncaughtExceptionHandler((th, e) -> failed.set(e));
                threads[t].start();
            }
            for (Thread t : threads) {
                t.join(20_000);
                assertFalse(t.isAlive());
            }
            assertEquals(null, failed.get());
            assertEquals(40_000, Words.getInt(b, 0));
            assertEquals(80_000L, Words.getLong(b, 8));
        }
    }

    @Test
    void aClosedSegmentsViewThrows() {
        Arena arena = Arena.ofShared();
        ByteBuffer b = Words.view(arena.allocate(64, 64));
        arena.close();
        assertThrows(IllegalStateException.class, () -> Words.getInt(b, 0));
        assertThrows(IllegalStateException.class, () -> Words.casInt(b, 0, 0, 1));
    }
}
