package dev.mp4j.internal.shared;

import dev.mp4j.multiprocessing.SharedLong;
import dev.mp4j.threading.RLock;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;

/** A {@code long} in shared memory: volatile reads and writes, atomic updates, all without the lock. */
final class LongValue extends ValueHandle implements SharedLong {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final VarHandle VH = ValueLayout.JAVA_LONG.varHandle();

    LongValue(String name, MemorySegment memory, Supplier<RLock> lockFactory, RLock lock) {
        super(Kind.LONG, name, memory, lockFactory, lock);
    }

    @Override
    public long get() {
        return (long) VH.getVolatile(memory, 0L);
    }

    @Override
    public void set(long v) {
        VH.setVolatile(memory, 0L, v);
    }

    @Override
    public long getAndAdd(long d) {
        return (long) VH.getAndAdd(memory, 0L, d);
    }

    @Override
    public boolean compareAndSet(long expect, long update) {
        return VH.compareAndSet(memory, 0L, expect, update);
    }

    @Override
    public String toString() {
        return "SharedLong(" + get() + ")";
    }
}
