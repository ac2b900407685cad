package dev.mp4j.internal.shared;

import dev.mp4j.multiprocessing.SharedLongArray;
import dev.mp4j.threading.RLock;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.function.Supplier;

/** {@code long} elements in shared memory (see {@link ArrayHandle} for the memory effects). */
final class LongArray extends ArrayHandle implements SharedLongArray {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final VarHandle VH = ValueLayout.JAVA_LONG.varHandle();

    LongArray(String name, MemorySegment elements, int length, Supplier<RLock> lockFactory, RLock lock) {
        super(Kind.LONG_ARRAY, name, elements, length, lockFactory, lock);
    }

    @Override
    public long get(int i) {
        return (long) VH.get(segment(), offset(i, 3));
    }

    @Override
    public void set(int i, long v) {
        VH.set(segment(), offset(i, 3), v);
    }
}
