package dev.mp4j.internal.shared;

import dev.mp4j.multiprocessing.SharedLongArray;
import dev.mp4j.threading.RLock;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code long} elements in shared memory. {@link #get} and {@link #set} are plain accesses: each
 * is atomic (the elements are aligned), but nothing orders them or makes another process's writes
 * visible at once — the lock, a queue or a join does. Code that polls an element needs
 * the lock, or a {@code VarHandle} volatile access on {@link #segment()}.
 */
final class LongArray extends Handle implements SharedLongArray {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final VarHandle VH = ValueLayout.JAVA_LONG.varHandle();

    private final transient MemorySegment elements;
    private final transient int length;

    LongArray(String name, MemorySegment elements, int length, Supplier<RLock> lockFactory, RLock lock) {
        super(name, lockFactory, lock);
        this.elements = elements;
        this.length = length;
    }

    @Override
    Kind kind() {
        return Kind.LONG_ARRAY;
    }

    @Override
    int count() {
        return length;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public long get(int i) {
        return (long) VH.get(elements, (long) Objects.checkIndex(i, length) << 3);
    }

    @Override
    public void set(int i, long v) {
        VH.set(elements, (long) Objects.checkIndex(i, length) << 3, v);
    }

    @Override
    public MemorySegment segment() {
        return elements;
    }

    @Override
    public String toString() {
        return "SharedLongArray(length " + length + ", '" + name() + "')";
    }
}
