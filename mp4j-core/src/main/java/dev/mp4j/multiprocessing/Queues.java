package dev.mp4j.multiprocessing;

import dev.mp4j.internal.queue.IpcQueues;
import dev.mp4j.internal.queue.PipeEnd;

/** Makes the queues and pipes of a context (shared-memory rings, {@code dev.mp4j.internal.queue}). */
final class Queues {
    private Queues() {}

    static <E> Queue<E> queue(Contexts.Base ctx, int maxsize) {
        return IpcQueues.queue(maxsize);
    }

    static <E> SimpleQueue<E> simpleQueue(Contexts.Base ctx) {
        return IpcQueues.simpleQueue();
    }

    static <E> JoinableQueue<E> joinableQueue(Contexts.Base ctx, int maxsize) {
        return IpcQueues.joinableQueue(maxsize);
    }

    static Pipe pipe(Contexts.Base ctx, boolean duplex) {
        PipeEnd[] ends = IpcQueues.pipe(duplex);
        return new Pipe(ends[0], ends[1]);
    }
}
