package dev.mp4j.futures;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A single-use iterator that is also {@link Iterable} (so it works in a for-each loop), with a per-call
 * timeout. {@link #iterator()} returns this object itself.
 *
 * @param <T> the element type
 * @since 0.1
 */
public interface ResultIterator<T> extends Iterator<T>, Iterable<T> {
    /**
     * Like {@link #next()}, waiting at most {@code timeout} for the next element.
     *
     * @param timeout the longest wait; null for none; negative counts as zero
     * @return the next element
     * @throws TimeoutError if nothing arrives in time
     * @throws java.util.NoSuchElementException at the end
     */
    T next(Duration timeout);

    /** @return the remaining elements, waiting for all of them */
    List<T> toList();

    /** @return the remaining elements as a sequential stream */
    Stream<T> stream();
}
