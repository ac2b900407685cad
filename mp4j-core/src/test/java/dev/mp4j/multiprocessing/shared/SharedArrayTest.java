package dev.mp4j.multiprocessing.shared;

import dev.mp4j.internal.shared.SharedObjects;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.SharedDoubleArray;
import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.multiprocessing.SharedLongArray;
import dev.mp4j.threading.Guard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CPython's _TestArray, the bounds and the zero-copy view of SharedIntArray, SharedLongArray, SharedDoubleArray. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedArrayTest {
    private final Shm shm = new Shm();

    @AfterEach
    void release() {
        shm.releaseAll();
    }

    /** In-place prefix sums, CPython's {@code f}. */
    private static void prefixSums(SharedIntArray a) {
        for (int i = 1; i < a.length(); i++) {
            a.set(i, a.get(i) + a.get(i - 1));
        }
    }

    private static int[] toArray(SharedIntArray a) {
        int[] r = new int[a.length()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i);
        }
        return r;
    }

    /** test_array: a child computes prefix sums in place; the parent sees them. */
    @Test
    void childChangesAreSeenByTheParent() {
        int[] seq = {680, 626, 934, 821, 150, 233, 548, 982, 714, 831};
        SharedIntArray arr = shm.track(Multiprocessing.sharedIntArray(seq.length));
        for (int i = 0; i < seq.length; i++) {
            arr.set(i, seq[i]);
        }
        assertEquals(seq.length, arr.length());
        assertEquals(seq[3], arr.get(3));
        for (int i = 4; i < 8; i++) {
            seq[i] = i - 3;
            arr.set(i, i - 3);
        }
        assertArrayEquals(seq, toArray(arr));
        for (int i = 1; i < seq.length; i++) {
            seq[i] += seq[i - 1];
        }
        Shm.inChild(() -> prefixSums(arr));
        assertArrayEquals(seq, toArray(arr));
    }

    /** test_array_from_size: new arrays are zero-filled, every time. */
    @Test
    void newArraysAreZeroFilled() {
        for (int round = 0; round < 3; round++) {
            SharedIntArray arr = shm.track(Multiprocessing.sharedIntArray(10));
            assertEquals(10, arr.length());
            assertArrayEquals(new int[10], toArray(arr));
            for (int i = 0; i < 10; i++) {
                arr.set(i, i);
            }
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, toArray(arr));
        }
        SharedDoubleArray d = shm.track(Multiprocessing.sharedDoubleArray(1000));
        for (int i = 0; i < d.length(); i++) {
            assertEquals(0.0, d.get(i));
        }
    }

    @Test
    void aNegativeLengthIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Multiprocessing.sharedIntArray(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Multiprocessing.sharedLongArray(-5));
        assertThrows(IllegalArgumentException.class, () -> Multiprocessing.sharedDoubleArray(Integer.MIN_VALUE));
    }

    @Test
    void anEmptyArrayWorks() {
        SharedIntArray a = shm.track(Multiprocessing.sharedIntArray(0));
        SharedLongArray b = shm.track(Multiprocessing.sharedLongArray(0));
        SharedDoubleArray c = shm.track(Multiprocessing.sharedDoubleArray(0));
        assertEquals(0, a.length());
        assertEquals(0, b.length());
        assertEquals(0, c.length());
        assertEquals(0, a.segment().byteSize());
        assertEquals(0, b.segment().byteSize());
        assertEquals(0, c.segment().byteSize());
        assertThrows(IndexOutOfBoundsException.class, () -> a.get(0));
        assertThrows(IndexOutOfBoundsException.class, () -> c.set(0, 1.0));
        SharedIntArray copy = Shm.roundTrip(a);
        assertEquals(0, copy.length());
    }

    @Test
    void indexesAreChecked() {
        SharedIntArray a = shm.track(Multiprocessing.sharedIntArray(3));
        SharedLongArray b = shm.track(Multiprocessing.sharedLongArray(3));
        SharedDoubleArray c = shm.track(Multiprocessing.sharedDoubleArray(3));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> a.get(3));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("length"), e.getMessage());
        e = assertThrows(IndexOutOfBoundsException.class, () -> b.set(-1, 7));
        assertTrue(e.getMessage().contains("-1") && e.getMessage().contains("3"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> c.get(Integer.MAX_VALUE));
        assertThrows(IndexOutOfBoundsException.class, () -> a.set(Integer.MIN_VALUE, 1));
        assertEquals(0, b.get(2), "a failed set writes nothing");
    }

    /** segment() is the elements themselves: exactly length of them, native byte order, no copy. */
    @Test
    void theSegmentIsAZeroCopyView() {
        SharedLongArray a = shm.track(Multiprocessing.sharedLongArray(5));
        MemorySegment s = a.segment();
        assertEquals(5 * Long.BYTES, s.byteSize());
        a.set(4, 0x0102030405060708L);
        assertEquals(0x0102030405060708L, s.getAtIndex(ValueLayout.JAVA_LONG, 4));
        byte low = s.get(ValueLayout.JAVA_BYTE, 4 * Long.BYTES);
        assertEquals(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0x08 : 0x01, low);
        s.setAtIndex(ValueLayout.JAVA_LONG, 0, -3);
        assertEquals(-3, a.get(0));

        SharedIntArray i = shm.track(Multiprocessing.sharedIntArray(7));
        assertEquals(7 * Integer.BYTES, i.segment().byteSize());
        i.segment().setAtIndex(ValueLayout.JAVA_INT, 6, 42);
        assertEquals(42, i.get(6));

        SharedDoubleArray d = shm.track(Multiprocessing.sharedDoubleArray(2));
        d.set(1, Math.PI);
        assertEquals(Math.PI, d.segment().getAtIndex(ValueLayout.JAVA_DOUBLE, 1));
        assertEquals(16, d.segment().byteSize());
    }

    @Test
    void aReceivedCopySharesTheElements() {
        SharedDoubleArray d = shm.track(Multiprocessing.sharedDoubleArray(4));
        SharedDoubleArray copy = Shm.roundTrip(d);
        assertEquals(4, copy.length());
        assertEquals(SharedObjects.nameOf(d), SharedObjects.nameOf(copy));
        copy.set(3, 2.5);
        assertEquals(2.5, d.get(3));
        assertEquals(d.segment().byteSize(), copy.segment().byteSize());
    }

    /**
     * The benchmark's workload: a child fills 10 million doubles, the parent sums them, element by element
     * and through the view.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void tenMillionDoublesFilledInAChildSummedInTheParent() {
        int n = 10_000_000;
        SharedDoubleArray a = shm.track(Multiprocessing.sharedDoubleArray(n));
        Shm.inChild(() -> {
            for (int i = 0; i < a.length(); i++) {
                a.set(i, i);
            }
        });
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += a.get(i);
        }
        double expected = (double) n * (n - 1) / 2; // exact: every partial sum is an integer below 2^53
        assertEquals(expected, sum);
        double viewSum = 0;
        MemorySegment s = a.segment();
        for (long i = 0; i < n; i++) {
            viewSum += s.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
        }
        assertEquals(expected, viewSum);
    }

    /** get_lock() guards a compound update over several elements, across processes. */
    @Test
    void theLockGuardsCompoundUpdates() {
        int n = 1_000;
        SharedLongArray a = shm.track(Multiprocessing.sharedLongArray(2));
        Shm.inChild(() -> {
            for (int j = 0; j < n; j++) {
                try (Guard _ = a.lock().enter()) {
                    a.set(0, a.get(0) + 1);
                    a.set(1, a.get(1) - 1);
                }
            }
        });
        try (Guard _ = a.lock().enter()) {
            assertEquals(n, a.get(0));
            assertEquals(0, a.get(0) + a.get(1));
        }
    }
}
