package dev.mp4j.internal.shared;

import dev.mp4j.threading.RLock;

import java.io.Serial;
import java.lang.foreign.MemorySegment;
import java.util.function.Supplier;

/**
 * What the shared values have in common: one element at offset 0 of their segment, in native byte order.
 * Subclasses add the typed volatile and atomic accesses, through a {@code VarHandle} of their own on
 * {@link #memory}.
 */
abstract class ValueHandle extends Handle {
    @Serial
    private static final long serialVersionUID = 1L;

    final transient MemorySegment memory;

    ValueHandle(Kind kind, String name, MemorySegment memory, Supplier<RLock> lockFactory, RLock lock) {
        super(kind, name, lockFactory, lock);
        this.memory = memory;
    }

    @Override
    final int count() {
        return 1;
    }
}
