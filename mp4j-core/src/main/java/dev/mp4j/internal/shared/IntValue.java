package dev.mp4j.internal.shared;

import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.threading.RLock;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;

/** A {@code int} in shared memory: volatile reads and writes, atomic updates, all without the lock. */
final class IntValue extends ValueHandle implements SharedInt {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final VarHandle VH = ValueLayout.JAVA_INT.varHandle();

    IntValue(String name, MemorySegment memory, Supplier<RLock> lockFactory, RLock lock) {
        super(Kind.INT, name, memory, lockFactory, lock);
    }

    @Override
    public int get() {
        return (int) VH.getVolatile(memory, 0L);
    }

    @Override
    public void set(int v) {
        VH.setVolatile(memory, 0L, v);
    }

    @Override
    public int getAndAdd(int d) {
        return (int) VH.getAndAdd(memory, 0L, d);
    }

    @Override
    public boolean compareAndSet(int expect, int update) {
        return VH.compareAndSet(memory, 0L, expect, update);
    }

    @Override
    public String toString() {
        return "SharedInt(" + get() + ")";
    }
}
