package dev.mp4j.futures;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * A single-use iterator that is also {@link Iterable} (so it works in a for-each loop), with a per-call
 * timeout. {@link #iterator()} returns this object itself.
 *
 * <p>It tells how far it got ({@link #done()}, {@link #total()}: enough for a progress bar, counted in items,
 * never in chunks) and it is {@link AutoCloseable}: leaving a try-with-resources block, by a {@code break} or an
 * exception, cancels the work not yet started, so that an abandoned {@code map} stops.
 * <pre>{@code
 * try (ResultIterator<Integer> results = executor.map(x -> x * x, items)) {
 *     for (int r : results) {
 *         if (r > limit) {
 *             break;          // the calls not yet started are cancelled
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>One thread consumes it; {@link #done()} and {@link #total()} may be read from any thread.
 *
 * @param <T> the element type
 * @since 0.1
 */
public interface ResultIterator<T> extends Iterator<T>, Iterable<T>, AutoCloseable {
    /**
     * Like {@link #next()}, waiting at most {@code timeout} for the next element.
     *
     * @param timeout the longest wait; null for none; negative counts as zero
     * @return the next element
     * @throws TimeoutError if nothing arrives in time
     * @throws java.util.NoSuchElementException at the end
     * @throws IllegalStateException after {@link #close()}
     */
    T next(Duration timeout);

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    T next();

    /** @return the remaining elements, waiting for all of them */
    List<T> toList();

    /** @return the remaining elements as a sequential stream */
    Stream<T> stream();

    /**
     * @return how many items {@link #next()} has delivered so far: each value returned, and each item whose
     *     call raised its exception there
     */
    int done();

    /**
     * @return the number of items, once the input has been read to its end (at once for {@code map}, which
     *     collects its input; as the iteration goes for {@code imap}); empty before, and when it cannot be
     *     known
     */
    OptionalInt total();

    /**
     * Ends the iteration: cancels the tasks not yet started (a task already sent ahead to a worker may still
     * run). Afterwards {@link #hasNext()} is false and {@link #next()} throws {@link IllegalStateException}.
     * Idempotent. Closing the iterator of {@link Futures#asCompleted} only ends the iteration: the caller's
     * futures are not cancelled.
     */
    @Override
    void close();
}
