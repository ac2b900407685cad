package dev.mp4j.internal.shared;

import dev.mp4j.threading.RLock;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the shared arrays have in common: {@code length} elements at offset 0 of their segment, in native
 * byte order. Subclasses add the typed {@code get}/{@code set}. Those are plain accesses: each is atomic
 * (the elements are aligned), but nothing orders them or makes another process's writes visible at once —
 * the lock, a queue or a join does. Code that polls an element needs the lock, or a {@code VarHandle}
 * volatile access on {@link #segment()}.
 */
abstract class ArrayHandle extends Handle {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient MemorySegment elements;
    private final transient int length;

    ArrayHandle(Kind kind, String name, MemorySegment elements, int length, Supplier<RLock> lockFactory,
                RLock lock) {
        super(kind, name, lockFactory, lock);
        this.elements = elements;
        this.length = length;
    }

    @Override
    final int count() {
        return length;
    }

    /** @return the number of elements */
    public final int length() {
        return length;
    }

    /** @return a zero-copy view of the elements */
    public final MemorySegment segment() {
        return elements;
    }

    /**
     * @param i an element's index
     * @param shift log2 of the element size
     * @return its byte offset
     * @throws IndexOutOfBoundsException naming the index and the length
     */
    final long offset(int i, int shift) {
        return (long) Objects.checkIndex(i, length) << shift;
    }

    @Override
    public final String toString() {
        return "Shared" + getClass().getSimpleName() + "(length " + length
                + (name() == null ? ", this JVM)" : ", '" + name() + "')");
    }
}
