package dev.mp4j.internal.queue;

import dev.mp4j.internal.ring.Ring;

/**
 * One JVM's attachment of a queue, simple queue or pipe end: what it maps, the calls in flight on it
 * ({@link Usage}), and the cleaning action run when its handle becomes unreachable (so it never refers to the
 * handle). States: OPEN -> CLOSED (by {@link #close()}, or by the cleaner); what is mapped is let go of
 * ({@link #release()}, exactly once) when the last call in flight has left a closed attachment. Every call
 * brackets its use of the mappings with {@link #enter()} and {@link #exit()}.
 */
abstract class Attachment implements Runnable {
    final Usage usage = new Usage();
    /** A watch for the ring's waits: stops them when this attachment is closed meanwhile. */
    final Ring.Watch watch = new Ring.Watch() {
        @Override
        public void check() {
            checkOpen();
        }
    };
    private final String closedMessage;
    private final Lifecycle.Group group;

    /**
     * @param closedMessage what a call on a closed handle is told
     * @param group the names this JVM made for the object, let go of with this handle; null if it made none
     */
    Attachment(String closedMessage, Lifecycle.Group group) {
        this.closedMessage = closedMessage;
        this.group = group;
    }

    /** @return what a call on a closed handle throws */
    final IllegalStateException closedError() {
        return new IllegalStateException(closedMessage);
    }

    /** Lets go of what this attachment mapped; runs once, when it is closed and no call is in flight. */
    abstract void release();

    /** @throws IllegalStateException if closed: the caller must not touch the mappings */
    final void enter() {
        if (!usage.enter()) {
            throw closedError();
        }
    }

    /** Ends a call that {@link #enter()} began. */
    final void exit() {
        if (usage.exit()) {
            release();
        }
    }

    /** @throws IllegalStateException if closed */
    final void checkOpen() {
        if (usage.closed()) {
            throw closedError();
        }
    }

    /** No more calls; the mappings go once the calls in flight have left. */
    void close() {
        if (usage.close()) {
            release();
        }
    }

    /** The cleaning action: the handle is unreachable. */
    @Override
    public final void run() {
        close();
        if (group != null) {
            group.release();
        }
    }
}
