package dev.mp4j.internal.shared;

import dev.mp4j.multiprocessing.SharedDoubleArray;
import dev.mp4j.threading.RLock;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * {@code double} elements in shared memory. {@link #get} and {@link #set} are plain accesses: each
 * is atomic (the elements are aligned), but nothing orders them or makes another process's writes
 * visible at once — the lock, a queue or a join does. Code that polls an element needs
 * the lock, or a {@code VarHandle} volatile access on {@link #segment()}.
 */
final class DoubleArray extends Handle implements SharedDoubleArray {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final VarHandle VH = ValueLayout.JAVA_DOUBLE.varHandle();

    private final transient MemorySegment elements;
    private final transient int length;

    DoubleArray(String name, MemorySegment elements, int length, Supplier<RLock> lockFactory, RLock lock) {
        super(name, lockFactory, lock);
        this.elements = elements;
        this.length = length;
    }

    @Override
    Kind kind() {
        return Kind.DOUBLE_ARRAY;
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
    public double get(int i) {
        return (double) VH.get(elements, (long) Objects.checkIndex(i, length) << 3);
    }

    @Override
    public void set(int i, double v) {
        VH.set(elements, (long) Objects.checkIndex(i, length) << 3, v);
    }

    @Override
    public MemorySegment segment() {
        return elements;
    }

    @Override
    public String toString() {
        return "SharedDoubleArray(length " + length + ", '" + name() + "')";
    }
}
