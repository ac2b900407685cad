package dev.mp4j.internal.queue;

import dev.mp4j.internal.ring.Ring;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Portable;
import dev.mp4j.multiprocessing.SimpleQueue;

import java.io.ObjectStreamException;
import java.io.Serial;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code SimpleQueue}: a ring with no feeder thread and no counters; {@code put} writes into the ring
 * itself (blocking while it is full). Its serialized form is the ring's name.
 *
 * @param <E> the item type
 */
final class SimpleQueueImpl<E> extends Handle<SimpleQueueImpl.State> implements SimpleQueue<E>, Portable {
    @Serial
    private static final long serialVersionUID = 1L;


    /** This JVM's attachment; also the cleaning action. */
    static final class State extends Attachment {
        final Ring ring;

        State(Ring ring, Lifecycle.Group group) {
            super("SimpleQueue is closed", group);
            this.ring = ring;
        }

        @Override
        void release() {
            ring.close();
        }
    }

    private SimpleQueueImpl(State state) {
        super(state);
    }

    static <E> SimpleQueueImpl<E> create() {
        Ring ring = Ring.create(Ring.DEFAULT_CAPACITY);
        return new SimpleQueueImpl<>(new State(ring, new Lifecycle.Group(List.of(ring.name()), List.of(), 1)));
    }

    /**
     * The serialized form: the ring's name. A final class, not a record: deserializing a record builds method handles
     * for its canonical constructor, 15-70 ms of a fresh child's CPU before it can use its first queue; a plain class's
     * fields are set directly.
     */
    private static final class Form implements Portable.Form {
        @Serial
        private static final long serialVersionUID = 1L;

        static {
            Portable.register(Form.class, 1, v -> new Form((String) v[0]).readResolve());
        }

        private final String ring;

        Form(String ring) {
            this.ring = ring;
        }

        @Serial
        private Object readResolve() throws ObjectStreamException {
            return new SimpleQueueImpl<>(new State(Ring.attach(ring), null));
        }
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return new Form(state.ring.name());
    }

    @Override
    public Class<? extends Portable.Form> formClass() {
        return Form.class;
    }

    @Override
    public Object[] formValues() {
        return new Object[] {state.ring.name()};
    }

    List<String> names() {
        List<String> n = new ArrayList<>();
        n.add(state.ring.name());
        n.addAll(Ring.semNames(state.ring.name()));
        return n;
    }

    @Override
    public void put(E item) {
        State s = state;
        s.enter();
        try {
            Items.write(s.ring, item, "item", s.watch);
        } finally {
            s.exit();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public E get() {
        State s = state;
        s.enter();
        try {
            return (E) Received.read(s.ring, Timeouts.FOREVER, s.watch, "item", filter, null, null);
        } finally {
            s.exit();
        }
    }

    @Override
    public boolean empty() {
        State s = state;
        s.enter();
        try {
            return !s.ring.hasData();
        } finally {
            s.exit();
        }
    }

    @Override
    public String toString() {
        return "SimpleQueue[" + state.ring.name() + (state.usage.closed() ? ", closed]" : "]");
    }
}
