package dev.mp4j.multiprocessing.managers;

import dev.mp4j.multiprocessing.JoinableQueue;

import java.io.Serial;
import java.time.Duration;

/**
 * A queue held by a manager's server (Python's {@code queue.Queue} behind a proxy): {@code put} returns once
 * the item is in the server. {@link #close()} releases this handle (its reference in the server), after
 * which its methods throw {@link IllegalStateException}; other handles are not affected. There is no feeder
 * thread, so {@link #joinThread()} and {@link #cancelJoinThread()} do nothing. Only the timed {@code put} and
 * {@code get} go to the server: the other forms are {@link JoinableQueue}'s defaults over them.
 */
final class QueueProxy<E> extends ForwardingProxy implements JoinableQueue<E> {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String[] NONE = BaseProxy.NO_PARAMS;
    private static final String[] OBJ_TIMEOUT = BaseProxy.sig(Object.class, Duration.class);
    private static final String[] TIMEOUT = BaseProxy.sig(Duration.class);

    QueueProxy(BaseProxy proxy) {
        super(proxy);
    }

    private <T> T call(String name, String[] signature, Object... args) {
        if (proxy.released()) {
            throw new IllegalStateException("Queue is closed");
        }
        return proxy.callAs(name, signature, args);
    }

    @Override
    public void put(E item, Duration timeout) {
        call("put", OBJ_TIMEOUT, item, timeout);
    }

    @Override
    public E get(Duration timeout) {
        return call("get", TIMEOUT, timeout);
    }

    @Override
    public int qsize() {
        return call("qsize", NONE);
    }

    @Override
    public boolean empty() {
        return call("empty", NONE);
    }

    @Override
    public boolean full() {
        return call("full", NONE);
    }

    @Override
    public void taskDone() {
        call("taskDone", NONE);
    }

    @Override
    public void join() {
        call("join", NONE);
    }

    @Override
    public void close() {
        proxy.release();
    }

    @Override
    public void joinThread() {
        if (!proxy.released()) {
            throw new IllegalStateException("Queue is still open: joinThread() comes after close()");
        }
    }

    @Override
    public void cancelJoinThread() {
        // nothing is buffered in this process
    }
}
