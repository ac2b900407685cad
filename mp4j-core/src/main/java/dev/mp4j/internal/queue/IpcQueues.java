package dev.mp4j.internal.queue;

import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.SimpleQueue;

import java.util.List;

/** Makes the cross-process queues and pipes (for {@code dev.mp4j.multiprocessing}). */
public final class IpcQueues {
    private IpcQueues() {}

    /**
     * @param <E> the item type
     * @param maxsize at most this many items; {@code <= 0}: unbounded
     * @return a new queue
     */
    public static <E> Queue<E> queue(int maxsize) {
        return QueueImpl.create(maxsize, false);
    }

    /**
     * @param <E> the item type
     * @param maxsize at most this many items; {@code <= 0}: unbounded
     * @return a new joinable queue
     */
    @SuppressWarnings("unchecked")
    public static <E> JoinableQueue<E> joinableQueue(int maxsize) {
        return (JoinableQueue<E>) QueueImpl.<E>create(maxsize, true);
    }

    /**
     * @param <E> the item type
     * @return a new simple queue
     */
    public static <E> SimpleQueue<E> simpleQueue() {
        return SimpleQueueImpl.create();
    }

    /**
     * @param duplex two-way; otherwise the first end only receives and the second only sends
     * @return the two ends
     */
    public static PipeEnd[] pipe(boolean duplex) {
        return PipeEnd.pipe(duplex);
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
}
