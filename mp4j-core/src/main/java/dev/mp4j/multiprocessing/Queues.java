package dev.mp4j.multiprocessing;

import dev.mp4j.internal.queue.IpcQueues;
import dev.mp4j.internal.queue.PipeEnd;
import dev.mp4j.internal.wire.SerialFilters;

import java.io.ObjectInputFilter;

/** Makes the queues and pipes of a context (shared-memory rings, {@code dev.mp4j.internal.queue}). */
final class Queues {
    private Queues() {}

    /** @return what this process accepts through the context's queues and pipes */
    private static ObjectInputFilter filter(Contexts.Base ctx) {
        return SerialFilters.effective(ctx.filter());
    }

    static <E> Queue<E> queue(Contexts.Base ctx, int maxsize) {
        return IpcQueues.queue(maxsize, filter(ctx));
    }

    static <E> SimpleQueue<E> simpleQueue(Contexts.Base ctx) {
        return IpcQueues.simpleQueue(filter(ctx));
    }

    static <E> JoinableQueue<E> joinableQueue(Contexts.Base ctx, int maxsize) {
        return IpcQueues.joinableQueue(maxsize, filter(ctx));
    }

    static Pipe pipe(Contexts.Base ctx, boolean duplex) {
        PipeEnd[] ends = IpcQueues.pipe(duplex, filter(ctx));
        return new Pipe(ends[0], ends[1]);
    }
}
