package dev.mp4j.multiprocessing.shared;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.SharedByteArray;
import dev.mp4j.multiprocessing.SharedDoubleArray;
import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.multiprocessing.SharedLongArray;
import dev.mp4j.threading.Guard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CPython's _TestArray cases on arrays made from an initializer ({@code Array('i', [1, 2, 3])}) and on byte
 * arrays ({@code Array('b', ...)}, {@code Array('c', b'...')}, {@code RawArray}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedByteArrayTest {
    private final Shm shm = new Shm();

    @AfterEach
    void release() {
        shm.releaseAll();
    }

    /** test_array from a sequence: the initializer is copied, and a child sees and changes the same memory. */
    @Test
    void anIntArrayFromAnInitializer() {
        int[] seq = {680, 626, 934, 821, 150, 233, 548, 982, 714, 831};
        SharedIntArray arr = shm.track(Multiprocessing.sharedIntArray(seq));
        seq[0] = -1;
        assertEquals(680, arr.get(0), "the initializer is copied");
        assertEquals(10, arr.length());
        assertEquals(831, arr.get(9));
        Shm.inChild(() -> {
            for (int i = 1; i < arr.length(); i++) {
                arr.set(i, arr.get(i) + arr.get(i - 1));
            }
        });
        assertEquals(680 + 626, arr.get(1));
        assertEquals(680 + 626 + 934 + 821 + 150 + 233 + 548 + 982 + 714 + 831, arr.get(9));
    }

    @Test
    void longAndDoubleArraysFromAnInitializer() {
        SharedLongArray l = shm.track(Multiprocessing.sharedLongArray(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}));
        assertEquals(3, l.length());
        assertEquals(Long.MIN_VALUE, l.get(0));
        assertEquals(Long.MAX_VALUE, l.get(2));
        SharedDoubleArray d = shm.track(Multiprocessing.sharedDoubleArray(new double[] {1.5, Double.NaN, -0.0}));
        assertEquals(1.5, d.get(0));
        assertTrue(Double.isNaN(d.get(1)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(d.get(2)));
        assertEquals(0, shm.track(Multiprocessing.sharedIntArray(new int[0])).length());
    }

    @Test
    void aNullInitializerIsRejectedByName() {
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> Multiprocessing.sharedIntArray((int[]) null));
        assertEquals("initial", e.getMessage());
        assertThrows(NullPointerException.class, () -> Multiprocessing.sharedLongArray((long[]) null));
        assertThrows(NullPointerException.class, () -> Multiprocessing.sharedDoubleArray((double[]) null));
        assertThrows(NullPointerException.class, () -> Multiprocessing.sharedByteArray((byte[]) null));
    }

    /** Array('c', b'...'): bytes in, the same bytes out, here and in a child; toArray is a copy. */
    @Test
    void aByteArrayFromAnInitializer() {
        byte[] hello = "hello, world".getBytes(StandardCharsets.US_ASCII);
        SharedByteArray a = shm.track(Multiprocessing.sharedByteArray(hello));
        assertEquals(hello.length, a.length());
        assertArrayEquals(hello, a.toArray());
        a.toArray()[0] = 'X';
        assertEquals('h', a.get(0), "toArray is a copy");
        assertEquals(hello.length, a.segment().byteSize());
        assertEquals('w', a.segment().get(ValueLayout.JAVA_BYTE, 7));
        Shm.inChild(() -> {
            byte[] b = a.toArray();
            for (int i = 0; i < b.length; i++) {
                a.set(i, (byte) Character.toUpperCase(b[i]));
            }
        });
        assertEquals("HELLO, WORLD", new String(a.toArray(), StandardCharsets.US_ASCII));
    }

    /** RawArray('b', n): zero-filled; get/set work on bytes, all 256 values. */
    @Test
    void aZeroFilledByteArray() {
        SharedByteArray a = shm.track(Multiprocessing.sharedByteArray(256));
        assertArrayEquals(new byte[256], a.toArray());
        for (int i = 0; i < 256; i++) {
            a.set(i, (byte) i);
        }
        for (int i = 0; i < 256; i++) {
            assertEquals((byte) i, a.get(i));
        }
        assertEquals(-1, a.get(255));
        SharedByteArray empty = shm.track(Multiprocessing.sharedByteArray(0));
        assertEquals(0, empty.length());
        assertArrayEquals(new byte[0], empty.toArray());
        assertThrows(IndexOutOfBoundsException.class, () -> empty.get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Multiprocessing.sharedByteArray(-2));
        assertTrue(e.getMessage().contains("-2"), e.getMessage());
    }

    /** copyFrom writes at an offset (arr[2:5] = b'abc'); one that does not fit writes nothing. */
    @Test
    void copyFromWritesAtAnOffsetOrNothing() {
        SharedByteArray a = shm.track(Multiprocessing.sharedByteArray(6));
        a.copyFrom(new byte[] {'a', 'b', 'c'}, 2);
        assertArrayEquals(new byte[] {0, 0, 'a', 'b', 'c', 0}, a.toArray());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> a.copyFrom(new byte[] {1, 2, 3}, 4));
        assertTrue(e.getMessage().contains("4") && e.getMessage().contains("6"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> a.copyFrom(new byte[] {1}, -1));
        assertArrayEquals(new byte[] {0, 0, 'a', 'b', 'c', 0}, a.toArray(), "nothing half-written");
        a.copyFrom(new byte[0], 6);
        assertThrows(NullPointerException.class, () -> a.copyFrom(null, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> a.set(6, (byte) 1));
    }

    /** The lock guards compound updates from several processes; a copy received shares memory and lock. */
    @Test
    void theLockIsSharedWithChildren() {
        SharedByteArray a = shm.track(Multiprocessing.sharedByteArray(1));
        Shm.inChild(() -> {
            try (Guard _ = a.lock().enter()) {
                a.set(0, (byte) (a.get(0) + 5));
            }
        });
        assertEquals(5, a.get(0));
        SharedByteArray copy = Shm.roundTrip(a);
        copy.set(0, (byte) 9);
        assertEquals(9, a.get(0));
        assertTrue(copy.toString().contains("ByteArray"), copy.toString());
    }
}
