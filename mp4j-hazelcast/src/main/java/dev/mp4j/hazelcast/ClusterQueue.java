package dev.mp4j.hazelcast;

import com.hazelcast.collection.IQueue;
import com.hazelcast.config.QueueConfig;
import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Full;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.SimpleQueue;

import java.io.ObjectInputFilter;
import java.io.Serial;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A queue of {@code cluster.context()}: a Hazelcast {@code IQueue} of signed items ({@code null} included), bounded
 * by its queue configuration. As a joinable queue it counts unfinished items in the counters map.
 *
 * @param <E> the item type
 */
final class ClusterQueue<E> extends Handle implements JoinableQueue<E>, SimpleQueue<E> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final boolean joinable;

    ClusterQueue(Cluster cluster, String name, int maxsize, boolean joinable, ObjectInputFilter filter) {
        super(cluster.name(), name, filter);
        this.joinable = joinable;
        if (maxsize > 0) {
            cluster.hazelcast().getConfig().addQueueConfig(new QueueConfig(name).setMaxSize(maxsize));
        }
    }

    private IQueue<byte[]> q() {
        return hz().getQueue(name());
    }

    @Override
    public void put(E item) {
        put(item, null);
    }

    @Override
    public void put(E item, Duration timeout) {
        byte[] sealed = seal(item);
        if (joinable) {
            add(1, 0, Long.MAX_VALUE);
        }
        boolean in;
        try {
            long nanos = Timeouts.toNanos(timeout);
            if (nanos == Timeouts.FOREVER) {
                q().put(sealed);
                in = true;
            } else {
                in = q().offer(sealed, nanos, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            undoPut();
            throw InterruptedError.restore(e);
        }
        if (!in) {
            undoPut();
            throw new Full("the queue " + name() + " is full");
        }
    }

    private void undoPut() {
        if (joinable) {
            add(-1, 0, Long.MAX_VALUE);
        }
    }

    @Override
    public E get() {
        return get(null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get(Duration timeout) {
        byte[] sealed;
        try {
            long nanos = Timeouts.toNanos(timeout);
            sealed = nanos == Timeouts.FOREVER ? q().take() : q().poll(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        }
        if (sealed == null) {
            throw new Empty("the queue " + name() + " stayed empty");
        }
        return (E) open(sealed);
    }

    @Override
    public int qsize() {
        return q().size();
    }

    @Override
    public boolean empty() {
        return q().isEmpty();
    }

    @Override
    public boolean full() {
        return q().remainingCapacity() == 0;
    }

    /** Nothing to release here: the items stay in the cluster. */
    @Override
    public void close() {}

    /** Puts are synchronous: there is no feeder thread to wait for. */
    @Override
    public void joinThread() {}

    @Override
    public void cancelJoinThread() {}

    @Override
    public void taskDone() {
        if (!joinable || !add(-1, 0, Long.MAX_VALUE)) {
            throw new IllegalStateException("taskDone() called more times than there were items");
        }
    }

    @Override
    public void join() {
        poll(() -> counter(0) == 0, null);
    }
}
