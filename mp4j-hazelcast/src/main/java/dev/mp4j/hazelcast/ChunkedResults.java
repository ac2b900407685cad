package dev.mp4j.hazelcast;

import dev.mp4j.futures.Future;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.internal.util.Exceptions;
import dev.mp4j.internal.util.SingleUseIterator;
import dev.mp4j.internal.util.Timeouts;

import java.time.Duration;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.OptionalInt;

/**
 * The results of {@link ClusterExecutor#map}: chunk by chunk, in order; an item's exception is raised at that
 * item and ends the iteration, as does running out of the map's timeout; either cancels the chunks not yet done.
 */
final class ChunkedResults extends SingleUseIterator<Object> {
    private final List<Future<MapChunk.Values>> chunks;
    private final int total;
    private final long deadline;
    private int nextChunk;
    private Iterator<Object> current = Collections.emptyIterator();
    private Throwable pendingError;
    private boolean ended;

    /**
     * @param chunks the chunks' futures, in order
     * @param total how many items the chunks hold in all
     * @param deadline the map's deadline ({@link Timeouts#deadline}), counted from the call
     */
    ChunkedResults(List<Future<MapChunk.Values>> chunks, int total, long deadline) {
        this.chunks = chunks;
        this.total = total;
        this.deadline = deadline;
    }

    @Override
    public OptionalInt total() {
        return OptionalInt.of(total);
    }

    @Override
    protected boolean more() {
        return !ended && (current.hasNext() || pendingError != null || nextChunk < chunks.size());
    }

    @Override
    protected void cancelRest() {
        end();
    }

    @Override
    protected Object take(Duration timeout) {
        if (!more()) {
            throw new NoSuchElementException();
        }
        while (!current.hasNext()) {
            if (pendingError != null) {
                Throwable e = pendingError;
                end();
                delivered();
                throw Exceptions.rethrow(e);
            }
            long left = Math.min(Timeouts.remaining(deadline), Timeouts.toNanos(timeout));
            MapChunk.Values r;
            try {
                r = chunks.get(nextChunk).result(Timeouts.toDuration(left));
            } catch (TimeoutError e) {
                if (Timeouts.remaining(deadline) <= 0) {
                    end();
                }
                throw e;
            } catch (RuntimeException | Error e) {
                end();
                throw e;
            }
            nextChunk++;
            current = r.values().iterator();
            pendingError = r.error();
        }
        delivered();
        return current.next();
    }

    private void end() {
        ended = true;
        for (int i = nextChunk; i < chunks.size(); i++) {
            chunks.get(i).cancel();
        }
    }
}
