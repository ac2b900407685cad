package dev.mp4j.internal.util;

import dev.mp4j.futures.ResultIterator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The parts every {@link ResultIterator} shares: it is its own single-use {@link Iterable}, {@code toList} and
 * {@code stream} drain what is left, {@link #done()} counts the items delivered (a subclass reports each with
 * {@link #delivered()}), and {@link #close()} ends the iteration once and calls {@link #cancelRest()}.
 *
 * @param <T> the element type
 */
public abstract class SingleUseIterator<T> implements ResultIterator<T> {
    private boolean iterated;
    private volatile boolean closed;
    private volatile int done; // written by the consuming thread only

    /** For subclasses. */
    protected SingleUseIterator() {}

    /** @return whether more elements come, the iterator not being closed */
    protected abstract boolean more();

    /**
     * The next element, the iterator not being closed.
     *
     * @param timeout as {@link #next(Duration)}
     * @return the element
     */
    protected abstract T take(Duration timeout);

    /** Cancels the work not yet started; called once, by {@link #close()}. */
    protected abstract void cancelRest();

    /** Counts one item delivered: a value about to be returned, or an item's own exception about to be raised. */
    protected final void delivered() {
        done = done + 1;
    }

    /**
     * Counts {@code n} items delivered at once (a chunk that failed as a whole raises one exception for all
     * its items).
     *
     * @param n how many
     */
    protected final void delivered(int n) {
        done = done + n;
    }

    /** @return whether {@link #close()} was called */
    protected final boolean isClosed() {
        return closed;
    }

    @Override
    public final boolean hasNext() {
        if (closed) {
            return false;
        }
        // returned, not tested: a false first seen at the iteration's end would otherwise be a branch the JIT
        // left out of the code it compiled into the caller's loop, which that end then throws away
        return more();
    }

    @Override
    public final T next(Duration timeout) {
        if (closed) {
            throw new IllegalStateException("the ResultIterator is closed");
        }
        return take(timeout);
    }

    @Override
    public final T next() {
        return next(null);
    }

    @Override
    public final int done() {
        return done;
    }

    @Override
    public final synchronized void close() {
        if (!closed) {
            closed = true;
            cancelRest();
        }
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
