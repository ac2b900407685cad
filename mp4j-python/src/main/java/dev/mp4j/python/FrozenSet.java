package dev.mp4j.python;

import java.io.Serial;
import java.util.Collection;
import java.util.LinkedHashSet;

/** A {@code frozenset} read from a pickle: a {@link LinkedHashSet} that pickles back as a frozenset. */
final class FrozenSet extends LinkedHashSet<Object> {
    @Serial
    private static final long serialVersionUID = 1L;

    FrozenSet(Collection<?> items) {
        super(items);
    }
}
