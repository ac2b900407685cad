package dev.mp4j.internal.shared;

import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.threading.RLock;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;

/** {@code int} elements in shared memory (see {@link ArrayHandle} for the memory effects). */
final class IntArray extends ArrayHandle implements SharedIntArray {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final VarHandle VH = ValueLayout.JAVA_INT.varHandle();

    IntArray(String name, MemorySegment elements, int length, Supplier<RLock> lockFactory, RLock lock) {
        super(Kind.INT_ARRAY, name, elements, length, lockFactory, lock);
    }

    @Override
    public int get(int i) {
        return (int) VH.get(segment(), offset(i, 2));
    }

    @Override
    public void set(int i, int v) {
        VH.set(segment(), offset(i, 2), v);
    }
}
