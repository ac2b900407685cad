package dev.mp4j.internal.shm;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Volatile and atomic access to the int and long words of a shared segment that several processes use (a
 * ring's header, a lock's owner), through a direct {@link ByteBuffer} view of the segment in the native byte
 * order ({@link #view}). Offsets are in bytes, a multiple of the word's size, and below 2 GiB.
 *
 * <p>A volatile read is a plain read followed by an acquire fence, a volatile write a release fence, a plain
 * write and a full fence: what a volatile access compiles to (on x86 a store, then a locked add that orders
 * it before the loads after it), with no method handle in between, so a fresh JVM runs it at once. The
 * atomic read-modify-writes ({@link #addInt}, {@link #casInt}, ...) go through the byte buffer's view var
 * handles, which link in 2-4 ms in a fresh JVM. The layouts' var handles ({@code ValueLayout.JAVA_INT.varHandle()},
 * on which {@code MemorySegment.get} also runs) cost 10-36 ms to make and link for the same accesses (a JVM that
 * uses nothing else, 6 fresh JVMs each, load ~3), spinning a dozen method-handle forms that an AOT cache does
 * not keep. Measured on a child that attaches a ring, reads a message and writes one back (fresh JVMs, 10
 * pairs interleaved, load 7-14): its process CPU 115 ms before, 90 ms with the rings, locks and semaphores on
 * byte buffer views (less in 10 of 10 pairs). The price is in the steady state of a write and a read of 40
 * bytes in one thread: 93 ns against 90.5 (medians of 8 JVMs); getVolatile and setVolatile through the view
 * var handles measured the same (93.4).
 */
public final class Words {
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.nativeOrder());

    private Words() {}

    /**
     * @param m a segment smaller than 2 GiB
     * @return a view of its bytes in the native byte order, valid as long as the segment is
     */
    public static ByteBuffer view(MemorySegment m) {
        return m.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** @return the int at {@code at}, read as by a volatile read */
    public static int getInt(ByteBuffer b, long at) {
        int v = b.getInt((int) at);
        VarHandle.acquireFence();
        return v;
    }

    /** Stores {@code value} at {@code at} as a volatile write. */
    public static void setInt(ByteBuffer b, long at, int value) {
        VarHandle.releaseFence();
        b.putInt((int) at, value);
        VarHandle.fullFence();
    }

    /** @return the int at {@code at} before {@code delta} was added to it atomically */
    public static int addInt(ByteBuffer b, long at, int delta) {
        return (int) INT.getAndAdd(b, (int) at, delta);
    }

    /** @return whether the int at {@code at} was {@code expect} and is now {@code update} */
    public static boolean casInt(ByteBuffer b, long at, int expect, int update) {
        return INT.compareAndSet(b, (int) at, expect, update);
    }

    /** @return the long at {@code at}, read as by a volatile read */
    public static long getLong(ByteBuffer b, long at) {
        long v = b.getLong((int) at);
        VarHandle.acquireFence();
        return v;
    }

    /** Stores {@code value} at {@code at} as a volatile write. */
    public static void setLong(ByteBuffer b, long at, long value) {
        VarHandle.releaseFence();
        b.putLong((int) at, value);
        VarHandle.fullFence();
    }

    /** @return the long at {@code at} before {@code delta} was added to it atomically */
    public static long addLong(ByteBuffer b, long at, long delta) {
        return (long) LONG.getAndAdd(b, (int) at, delta);
    }

    /** @return the long at {@code at}, which is now {@code update} if it was {@code expect} */
    public static long cmpxLong(ByteBuffer b, long at, long expect, long update) {
        return (long) LONG.compareAndExchange(b, (int) at, expect, update);
    }

    /** @return whether the long at {@code at} was {@code expect} and is now {@code update} */
    public static boolean casLong(ByteBuffer b, long at, long expect, long update) {
        return LONG.compareAndSet(b, (int) at, expect, update);
    }
}
