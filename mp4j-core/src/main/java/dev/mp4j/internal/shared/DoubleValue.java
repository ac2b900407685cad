package dev.mp4j.internal.shared;

import dev.mp4j.multiprocessing.SharedDouble;
import dev.mp4j.threading.RLock;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;

/** A {@code double} in shared memory: volatile reads and writes and a compare-and-set, all without the lock. */
final class DoubleValue extends ValueHandle implements SharedDouble {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final VarHandle VH = ValueLayout.JAVA_DOUBLE.varHandle();
    private static final VarHandle BITS = ValueLayout.JAVA_LONG.varHandle();

    DoubleValue(String name, MemorySegment memory, Supplier<RLock> lockFactory, RLock lock) {
        super(Kind.DOUBLE, name, memory, lockFactory, lock);
    }

    @Override
    public double get() {
        return (double) VH.getVolatile(memory, 0L);
    }

    @Override
    public void set(double v) {
        VH.setVolatile(memory, 0L, v);
    }

    @Override
    public boolean compareAndSet(double expect, double update) {
        // Double.equals semantics: every NaN matches every NaN, 0.0 and -0.0 differ. A CAS on the raw
        // bits, retried when the stored bits are another encoding of the expected value (another NaN).
        long want = Double.doubleToLongBits(expect);
        long next = Double.doubleToRawLongBits(update);
        while (true) {
            long cur = (long) BITS.getVolatile(memory, 0L);
            if (Double.doubleToLongBits(Double.longBitsToDouble(cur)) != want) {
                return false;
            }
            if (BITS.compareAndSet(memory, 0L, cur, next)) {
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return "SharedDouble(" + get() + ")";
    }
}
