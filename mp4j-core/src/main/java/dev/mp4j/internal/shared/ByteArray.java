package dev.mp4j.internal.shared;

import dev.mp4j.multiprocessing.SharedByteArray;
import dev.mp4j.threading.RLock;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.function.Supplier;

/** {@code byte} elements in shared memory (see {@link ArrayHandle} for the memory effects). */
final class ByteArray extends ArrayHandle implements SharedByteArray {
    @Serial
    private static final long serialVersionUID = 1L;

    ByteArray(String name, MemorySegment elements, int length, Supplier<RLock> lockFactory, RLock lock) {
        super(Kind.BYTE_ARRAY, name, elements, length, lockFactory, lock);
    }

    @Override
    public byte get(int i) {
        return segment().get(ValueLayout.JAVA_BYTE, offset(i, 0));
    }

    @Override
    public void set(int i, byte v) {
        segment().set(ValueLayout.JAVA_BYTE, offset(i, 0), v);
    }

    @Override
    public byte[] toArray() {
        return segment().toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void copyFrom(byte[] src, int offset) {
        Objects.requireNonNull(src, "src");
        Objects.checkFromIndexSize(offset, src.length, length());
        MemorySegment.copy(src, 0, segment(), ValueLayout.JAVA_BYTE, offset, src.length);
    }
}
