package dev.mp4j.internal.shared;

import dev.mp4j.multiprocessing.SharedDoubleArray;
import dev.mp4j.threading.RLock;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;

/** {@code double} elements in shared memory (see {@link ArrayHandle} for the memory effects). */
final class DoubleArray extends ArrayHandle implements SharedDoubleArray {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final VarHandle VH = ValueLayout.JAVA_DOUBLE.varHandle();

    DoubleArray(String name, MemorySegment elements, int length, Supplier<RLock> lockFactory, RLock lock) {
        super(Kind.DOUBLE_ARRAY, name, elements, length, lockFactory, lock);
    }

    @Override
    public double get(int i) {
        return (double) VH.get(segment(), offset(i, 3));
    }

    @Override
    public void set(int i, double v) {
        VH.set(segment(), offset(i, 3), v);
    }
}
