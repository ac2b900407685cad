package dev.mp4j.multiprocessing;

/** Makes the queues and pipes of a context. */
final class Queues {
    private Queues() {}

    static <E> Queue<E> queue(Contexts.Base ctx, int maxsize) {
        throw new UnsupportedOperationException("queues are being built");
    }

    static <E> SimpleQueue<E> simpleQueue(Contexts.Base ctx) {
        throw new UnsupportedOperationException("queues are being built");
    }

    static <E> JoinableQueue<E> joinableQueue(Contexts.Base ctx, int maxsize) {
        throw new UnsupportedOperationException("queues are being built");
    }

    static Pipe pipe(Contexts.Base ctx, boolean duplex) {
        throw new UnsupportedOperationException("pipes are being built");
    }
}
