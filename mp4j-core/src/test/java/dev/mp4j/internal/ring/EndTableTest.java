package dev.mp4j.internal.ring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.shm.Words;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An end table counts this process's handles where its drawing says, and a ring routes each end to its own. */
@Timeout(30)
class EndTableTest {
    private static int intAt(MemorySegment m, long offset) {
        return m.get(ValueLayout.JAVA_INT, offset);
    }

    @Test
    void opensAndHandlesPassedOnAreCountedInThisProcesssRow() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(RingDescriptor.TABLE_SIZE, 64);
            EndTable t = new EndTable(Words.view(m), 0);
            assertFalse(t.held(true));
            t.opened();
            t.opened();
            assertEquals(Pids.SELF, intAt(m, 16), "the first row's PID");
            assertEquals(2, intAt(m, 20), "OPENS");
            assertEquals(0, intAt(m, 0), "the lock is free again");
            assertTrue(t.held(true));
            t.closed();
            t.closed();
            t.closed(); // never below zero
            assertEquals(0, intAt(m, 20));
            assertFalse(t.held(false));
            t.sent();
            assertEquals(1, intAt(m, 24), "PENDING");
            assertTrue(t.held(false), "a handle being passed on holds the end");
            t.received(Pids.SELF);
            assertEquals(0, intAt(m, 24));
            assertEquals(1, intAt(m, 20));
            assertEquals(0, intAt(m, 4), "no OVERFLOW");
            assertEquals(Pids.SELF, intAt(m, 16), "one row serves this process throughout");
            assertEquals(0, intAt(m, 32), "the second row was never claimed");
            assertEquals(63, EndTable.ROWS);
        }
    }

    @Test
    void anOverflowedTableCountsAsHeld() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = arena.allocate(RingDescriptor.TABLE_SIZE, 64);
            m.set(ValueLayout.JAVA_INT, 4, 1);
            assertTrue(new EndTable(Words.view(m), 0).held(true));
        }
    }

    @Test
    void aRingKeepsItsTwoEndsApart() {
        Ring ring = Ring.create(4096);
        try {
            ring.endOpened(Ring.WRITING_END);
            assertTrue(ring.endHeld(Ring.WRITING_END));
            assertFalse(ring.endHeld(Ring.READING_END));
            ring.endClosed(Ring.WRITING_END);
            assertFalse(ring.endHeld(Ring.WRITING_END));
            assertThrows(IllegalArgumentException.class, () -> ring.endOpened(2));
        } finally {
            String name = ring.name();
            ring.close();
            Ring.unlink(name);
        }
    }
}
