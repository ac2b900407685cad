package dev.mp4j.internal.queue;

import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.SimpleQueue;

import java.io.ObjectInputFilter;
import java.lang.invoke.MethodHandles;
import java.util.List;

/** Makes the cross-process queues and pipes (for {@code dev.mp4j.multiprocessing}). */
public final class IpcQueues {
    private IpcQueues() {}

    /**
     * @param <E> the item type
     * @param maxsize at most this many items; {@code <= 0}: unbounded
     * @param filter what {@code get} accepts in this process; null for this JVM's default
     * @return a new queue
     */
    public static <E> Queue<E> queue(int maxsize, ObjectInputFilter filter) {
        ResourceTracker.startInBackground(); // overlaps loading the classes below (Ring#create)
        prepare(QueueState.class);
        QueueImpl<E> q = QueueImpl.create(maxsize, false);
        q.filter = filter;
        return q;
    }

    /**
     * @param <E> the item type
     * @param maxsize at most this many items; {@code <= 0}: unbounded
     * @param filter what {@code get} accepts in this process; null for this JVM's default
     * @return a new joinable queue
     */
    @SuppressWarnings("unchecked")
    public static <E> JoinableQueue<E> joinableQueue(int maxsize, ObjectInputFilter filter) {
        ResourceTracker.startInBackground(); // overlaps loading the classes below (Ring#create)
        prepare(QueueState.class);
        QueueImpl<E> q = QueueImpl.create(maxsize, true);
        q.filter = filter;
        return (JoinableQueue<E>) q;
    }

    /**
     * @param <E> the item type
     * @param filter what {@code get} accepts in this process; null for this JVM's default
     * @return a new simple queue
     */
    public static <E> SimpleQueue<E> simpleQueue(ObjectInputFilter filter) {
        ResourceTracker.startInBackground(); // overlaps loading the classes below (Ring#create)
        prepare(SimpleQueueImpl.State.class);
        SimpleQueueImpl<E> q = SimpleQueueImpl.create();
        q.filter = filter;
        return q;
    }

    /**
     * @param duplex two-way; otherwise the first end only receives and the second only sends
     * @param filter what {@code recv} accepts in this process; null for this JVM's default
     * @return the two ends
     */
    public static PipeEnd[] pipe(boolean duplex, ObjectInputFilter filter) {
        ResourceTracker.startInBackground(); // overlaps loading the classes below (Ring#create)
        prepare(Lifecycle.class);
        PipeEnd[] ends = PipeEnd.pipe(duplex);
        for (PipeEnd end : ends) {
            end.filter = filter;
        }
        return ends;
    }

    /**
     * Initializes what a new queue or pipe uses after its ring is made — {@link Lifecycle} (its cleaner's thread,
     * its shutdown hook) and the object's state class — while the resource tracker starts, which the ring waits
     * for before it makes a name ({@code Ring#create}), rather than after.
     */
    private static void prepare(Class<?> state) {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            lookup.ensureInitialized(Lifecycle.class);
            lookup.ensureInitialized(state);
        } catch (IllegalAccessException e) {
            throw new AssertionError("the queues' classes are in this package", e);
        }
    }

    /**
     * The names in {@code /dev/shm} an object made here uses: segments by name, semaphores as
     * {@code sem.<name>}. For tests and diagnostics.
     *
     * @param handle a queue, simple queue or pipe end made by this class
     * @return the file names
     */
    public static List<String> shmFiles(Object handle) {
        List<String> names = switch (handle) {
            case QueueImpl<?> q -> q.names();
            case SimpleQueueImpl<?> q -> q.names();
            case PipeEnd p -> p.names();
            default -> throw new IllegalArgumentException("not a queue or pipe end: " + handle);
        };
        return names.stream().map(n -> n.startsWith("/") ? "sem." + n.substring(1) : n).toList();
    }

    /**
     * Loads and initializes the queue's implementation, which a queue's handle decodes into: a forkserver
     * spare does it while it waits for its job.
     */
    public static void initialize() {
        try {
            MethodHandles.lookup().ensureInitialized(QueueImpl.class);
        } catch (IllegalAccessException e) {
            throw new AssertionError("QueueImpl is in this package", e);
        }
    }
}
