package dev.mp4j.multiprocessing.shared;

import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.SharedByteArray;
import dev.mp4j.multiprocessing.SharedDouble;
import dev.mp4j.multiprocessing.SharedDoubleArray;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.multiprocessing.SharedLong;
import dev.mp4j.multiprocessing.SharedLongArray;
import dev.mp4j.multiprocessing.SharedMemory;
import dev.mp4j.threading.Guard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Multiprocessing.dummy()}'s shared values and arrays: plain memory of this JVM with the interfaces
 * of the process contexts' (CPython's {@code multiprocessing.dummy.Value}/{@code Array}), so that code
 * written for processes runs on threads unchanged; its shared memory is a real named segment.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DummySharedTest {
    private final Context dummy = Multiprocessing.dummy();

    /** The same code as for processes: dummy processes add to a shared int and array under their lock. */
    @Test
    void dummyProcessesShareValuesAndArrays() {
        SharedInt counter = dummy.sharedInt(0);
        SharedLongArray sums = dummy.sharedLongArray(new long[] {0, 100});
        List<Process> ps = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            Process p = dummy.process(() -> {
                for (int i = 0; i < 1000; i++) {
                    counter.getAndAdd(1);
                    try (Guard _ = sums.lock().enter()) {
                        sums.set(0, sums.get(0) + 1);
                        sums.set(1, sums.get(1) + 2);
                    }
                }
            });
            p.start();
            ps.add(p);
        }
        for (Process p : ps) {
            assertTrue(p.join(Duration.ofSeconds(30)));
        }
        assertEquals(4000, counter.get());
        assertEquals(4000, sums.get(0));
        assertEquals(8100, sums.get(1));
    }

    /** A ThreadPool's workers see the same array. */
    @Test
    void poolWorkersShareAnArray() {
        SharedIntArray squares = dummy.sharedIntArray(8);
        try (Pool pool = dummy.pool(3)) {
            pool.map(i -> {
                squares.set(i, i * i);
                return i;
            }, List.of(0, 1, 2, 3, 4, 5, 6, 7));
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(i * i, squares.get(i));
        }
    }

    @Test
    void everyKindWorksAsInAProcessContext() {
        SharedLong l = dummy.sharedLong(Long.MIN_VALUE);
        assertEquals(Long.MIN_VALUE, l.getAndAdd(1));
        assertTrue(l.compareAndSet(Long.MIN_VALUE + 1, 7));
        assertEquals(7, l.get());
        SharedDouble d = dummy.sharedDouble(2.5);
        assertTrue(d.compareAndSet(2.5, Double.NaN));
        assertTrue(d.compareAndSet(Double.NaN, -1));
        assertEquals(-1.0, d.get());

        SharedDoubleArray da = dummy.sharedDoubleArray(new double[] {0.5, 1.5});
        assertEquals(1.5, da.get(1));
        assertEquals(16, da.segment().byteSize());
        SharedIntArray ia = dummy.sharedIntArray(new int[] {1, 2, 3});
        assertEquals(2, ia.segment().getAtIndex(ValueLayout.JAVA_INT, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> ia.get(3));
        assertEquals(0, dummy.sharedLongArray(0).length());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dummy.sharedIntArray(-4));
        assertTrue(e.getMessage().contains("-4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> dummy.sharedByteArray(-1));

        SharedByteArray b = dummy.sharedByteArray(new byte[] {'a', 'b', 'c'});
        b.copyFrom(new byte[] {'X'}, 2);
        assertArrayEquals(new byte[] {'a', 'b', 'X'}, b.toArray());
        assertEquals(0, dummy.sharedByteArray(4).get(3));

        // the lock is a thread lock: reentrant, owned by the thread
        assertTrue(ia.lock().acquire());
        assertTrue(ia.lock().acquire());
        ia.lock().release();
        ia.lock().release();
        assertTrue(ia.toString().contains("this JVM"), ia.toString());
    }

    /** Nothing of the dummy context crosses a JVM: serializing says why. */
    @Test
    void theyCannotBeSerialized() {
        for (Object o : List.of(dummy.sharedInt(1), dummy.sharedDouble(1), dummy.sharedIntArray(2),
                dummy.sharedByteArray(2))) {
            NotSerializableException e = assertThrows(NotSerializableException.class,
                    () -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(o));
            assertTrue(e.getMessage().contains("dummy"), e.getMessage());
        }
    }

    /** dummy().sharedMemory(size) is a real named segment that another handle attaches to. */
    @Test
    void sharedMemoryIsARealSegment() {
        SharedMemory shm = dummy.sharedMemory(64);
        try {
            assertTrue(Shm.exists(shm.name()), shm.name());
            try (SharedMemory other = SharedMemory.attach(shm.name())) {
                other.segment().set(ValueLayout.JAVA_BYTE, 3, (byte) 42);
            }
            assertEquals(42, shm.segment().get(ValueLayout.JAVA_BYTE, 3));
        } finally {
            shm.close();
            shm.unlink();
        }
        assertFalse(Shm.exists(shm.name()));
    }
}
