package dev.mp4j.internal.util;

import dev.mp4j.futures.ResultIterator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The parts every {@link ResultIterator} shares: it is its own single-use {@link Iterable}, and
 * {@code toList}/{@code stream} drain what is left.
 *
 * @param <T> the element type
 */
public abstract class SingleUseIterator<T> implements ResultIterator<T> {
    private boolean iterated;

    /** For subclasses. */
    protected SingleUseIterator() {}

    @Override
    public T next() {
        return next(null);
    }

    @Override
    public final Iterator<T> iterator() {
        if (iterated) {
            throw new IllegalStateException("a ResultIterator can be iterated once");
        }
        iterated = true;
        return this;
    }

    @Override
    public final List<T> toList() {
        List<T> out = new ArrayList<>();
        while (hasNext()) {
            out.add(next());
        }
        return out;
    }

    @Override
    public final Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED), false);
    }
}
