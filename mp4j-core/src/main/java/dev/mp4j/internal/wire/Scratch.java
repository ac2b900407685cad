package dev.mp4j.internal.wire;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Primitive arrays that the bulk paths of the fast form ({@link FastFormat#BOXED_LIST}) reuse between
 * calls, one idle array of each type: a map's chunks of numbers would otherwise take a fresh array each,
 * and fresh memory costs a page fault per 4 KiB the first time it is touched (20–40 µs each on a
 * virtual machine), far more than the copy itself. Whoever takes an array owns it until it gives it
 * back; a caller that finds none idle (another thread holds it) gets a fresh one.
 */
final class Scratch {
    /** The longest array kept between calls, in elements. */
    static final int MAX_KEPT = 1 << 16;

    private static final AtomicReference<int[]> INTS = new AtomicReference<>();
    private static final AtomicReference<long[]> LONGS = new AtomicReference<>();
    private static final AtomicReference<double[]> DOUBLES = new AtomicReference<>();

    private Scratch() {}

    /** @return an array of at least {@code n} elements, owned by the caller until {@link #give(int[])} */
    static int[] ints(int n) {
        int[] a = n <= MAX_KEPT ? INTS.getAndSet(null) : null;
        return a != null && a.length >= n ? a : new int[n];
    }

    /** @return an array of at least {@code n} elements, owned by the caller until {@link #give(long[])} */
    static long[] longs(int n) {
        long[] a = n <= MAX_KEPT ? LONGS.getAndSet(null) : null;
        return a != null && a.length >= n ? a : new long[n];
    }

    /** @return an array of at least {@code n} elements, owned by the caller until {@link #give(double[])} */
    static double[] doubles(int n) {
        double[] a = n <= MAX_KEPT ? DOUBLES.getAndSet(null) : null;
        return a != null && a.length >= n ? a : new double[n];
    }

    /** Hands an array taken from {@link #ints} back (kept if it is not too long). */
    static void give(int[] a) {
        if (a.length <= MAX_KEPT) {
            INTS.set(a);
        }
    }

    /** Hands an array taken from {@link #longs} back (kept if it is not too long). */
    static void give(long[] a) {
        if (a.length <= MAX_KEPT) {
            LONGS.set(a);
        }
    }

    /** Hands an array taken from {@link #doubles} back (kept if it is not too long). */
    static void give(double[] a) {
        if (a.length <= MAX_KEPT) {
            DOUBLES.set(a);
        }
    }
}
