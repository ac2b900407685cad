package dev.mp4j.internal.queue;

import java.io.ObjectInputFilter;
import java.lang.ref.Cleaner;

/**
 * What a queue's, simple queue's or pipe end's handle holds in one JVM: its {@link Attachment}, which the
 * cleaner closes (and lets the creator's names go) when the handle becomes unreachable, and the filter that
 * what it receives must pass. The handles travel as their names ({@code writeReplace}); this part stays here.
 *
 * @param <S> the attachment's kind
 */
abstract class Handle<S extends Attachment> {
    /** What {@code get}/{@code recv} accept here: the making context's filter; null in other processes (their own). */
    ObjectInputFilter filter;
    final S state;
    @SuppressWarnings("unused") // keeps the registration; cleaning happens when this handle is unreachable
    private final Cleaner.Cleanable cleanable;

    Handle(S state) {
        this.state = state;
        this.cleanable = Lifecycle.CLEANER.register(this, state);
    }

    /** Closes this handle in this JVM (idempotent): its attachment closes once the calls in flight have left. */
    public void close() {
        state.close();
    }
}
