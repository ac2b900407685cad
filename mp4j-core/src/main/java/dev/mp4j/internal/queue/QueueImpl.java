package dev.mp4j.internal.queue;

import dev.mp4j.internal.ffm.Posix;
import dev.mp4j.internal.ring.Ring;
import dev.mp4j.internal.tracker.ResourceTracker;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Portable;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Full;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Queue;

import java.io.ObjectStreamException;
import java.io.Serial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code Queue} (and, with {@code joinable}, a {@code JoinableQueue}) on a shared ring. Its serialized
 * form is its names; a receiving JVM attaches them. See {@link QueueState} for what is shared and what is
 * local, and {@link Ring} for what happens when a process dies while putting or getting.
 *
 * <p>A process that dies inside a call: the ring's locks are taken over from it ({@link
 * dev.mp4j.internal.ring.PidLock}), so no other process blocks; a message it was writing is dropped whole.
 * The counts ({@code ITEMS}, a joinable queue's {@code UNFINISHED}) are words changed atomically, never under
 * a lock, so a death cannot leave them half-changed; but as in Python an item it counted and did not write
 * (killed inside {@code put}, or with items in its feeder thread), or a task it took and did not mark done,
 * stays unfinished, and {@code join()} waits for it.
 *
 * @param <E> the item type
 */
sealed class QueueImpl<E> extends Handle<QueueState> implements Queue<E>, Portable
        permits QueueImpl.Joinable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient boolean joinable;

    private QueueImpl(QueueState state, boolean joinable) {
        super(state);
        this.joinable = joinable;
    }

    /**
     * The serialized form: the names. A final class, not a record: deserializing a record builds method handles for its
     * canonical constructor, 15-70 ms of a fresh child's CPU before it can use its first queue; a plain class's fields
     * are set directly.
     */
    private static final class Form implements Portable.Form {
        @Serial
        private static final long serialVersionUID = 1L;

        static {
            Portable.register(Form.class, 5, v -> attach(new Form((String) v[0], (String) v[1], (String) v[2],
                    (Integer) v[3], (Boolean) v[4])));
        }

        private final String ring;
        private final String slots;
        private final String join;
        private final int maxsize;
        private final boolean joinable;

        Form(String ring, String slots, String join, int maxsize, boolean joinable) {
            this.ring = ring;
            this.slots = slots;
            this.join = join;
            this.maxsize = maxsize;
            this.joinable = joinable;
        }

        @Serial
        private Object readResolve() throws ObjectStreamException {
            return attach(this);
        }
    }

    @Serial
    final Object writeReplace() throws ObjectStreamException {
        QueueState s = state;
        return new Form(s.ring.name(), s.slots == null ? null : s.slots.name(),
                s.joinBell == null ? null : s.joinBell.name(), s.maxsize, joinable);
    }

    @Override
    public final Class<? extends Portable.Form> formClass() {
        return Form.class;
    }

    @Override
    public final Object[] formValues() {
        QueueState s = state;
        return new Object[] {s.ring.name(), s.slots == null ? null : s.slots.name(),
                s.joinBell == null ? null : s.joinBell.name(), s.maxsize, joinable};
    }

    static <E> QueueImpl<E> create(int maxsize, boolean joinable) {
        Ring ring = Ring.create(Ring.DEFAULT_CAPACITY);
        List<String> sems = new ArrayList<>();
        Posix.Sem slots = null;
        Posix.Sem join = null;
        try {
            if (maxsize > 0) {
                slots = Posix.semCreate(Ring.semName(ring.name(), "q"), maxsize);
                ResourceTracker.register(ResourceTracker.Kind.SEM, slots.name());
                sems.add(slots.name());
            }
            if (joinable) {
                join = Posix.semCreate(Ring.semName(ring.name(), "j"), 0);
                ResourceTracker.register(ResourceTracker.Kind.SEM, join.name());
                sems.add(join.name());
            }
        } catch (RuntimeException e) {
            new Lifecycle.Group(List.of(ring.name()), sems, 1).unlink();
            ring.close();
            throw e;
        }
        Lifecycle.Group group = new Lifecycle.Group(List.of(ring.name()), sems, 1);
        QueueState state = new QueueState(ring, slots, join, Math.max(0, maxsize), group);
        return joinable ? new Joinable<>(state) : new QueueImpl<>(state, false);
    }

    /** The joinable kind: {@code taskDone} and {@code join} are its own. */
    static final class Joinable<E> extends QueueImpl<E> implements JoinableQueue<E> {
        @Serial
        private static final long serialVersionUID = 1L;

        Joinable(QueueState state) {
            super(state, true);
        }
    }

    private static QueueImpl<?> attach(Form f) {
        Ring ring = Ring.attach(f.ring);
        Posix.Sem slots = null;
        Posix.Sem join = null;
        try {
            slots = f.slots == null ? null : Posix.semAttach(f.slots);
            join = f.join == null ? null : Posix.semAttach(f.join);
        } catch (RuntimeException e) {
            if (slots != null) {
                Posix.semClose(slots);
            }
            ring.close();
            throw e;
        }
        QueueState state = new QueueState(ring, slots, join, f.maxsize, null);
        return f.joinable ? new Joinable<>(state) : new QueueImpl<>(state, false);
    }

    List<String> names() {
        return state.names();
    }

    @Override
    public void put(E item, Duration timeout) {
        put(item, Timeouts.toNanos(timeout));
    }

    private void put(E item, long timeoutNanos) {
        QueueState s = state;
        s.enter();
        try {
            Items.requireSerializable(item, "item");
            if (s.slots != null && !s.takeSlot(Timeouts.deadline(timeoutNanos))) {
                throw new Full("the queue is full (maxsize " + s.maxsize + ")");
            }
            s.ring.userAdd(QueueState.ITEMS, 1);
            if (joinable) {
                s.ring.userAdd(QueueState.UNFINISHED, 1);
            }
            try {
                s.offer(item);
            } catch (RuntimeException e) { // closed meanwhile: the item was not put
                s.uncount();
                throw e;
            }
        } finally {
            s.exit();
        }
    }

    @Override
    public E get(Duration timeout) {
        return get(Timeouts.toNanos(timeout));
    }

    /** What {@link Received#read} returns when no item came in time (null is an item). */
    private static final Object NO_ITEM = new Object();

    @SuppressWarnings("unchecked")
    private E get(long timeoutNanos) {
        QueueState s = state;
        s.enter();
        try {
            Object item = Received.read(s.ring, Timeouts.deadline(timeoutNanos), s.watch, "item", filter, NO_ITEM, s);
            if (item == NO_ITEM) {
                throw new Empty(timeoutNanos == 0 ? "the queue is empty" : "no item arrived in time");
            }
            return (E) item;
        } finally {
            s.exit();
        }
    }

    @Override
    public int qsize() {
        QueueState s = state;
        s.enter();
        try {
            return Math.max(0, s.ring.userGet(QueueState.ITEMS));
        } finally {
            s.exit();
        }
    }

    @Override
    public boolean empty() {
        return qsize() == 0;
    }

    @Override
    public boolean full() {
        QueueState s = state;
        s.enter();
        try {
            return s.slots != null && Posix.semGetValue(s.slots) <= 0;
        } finally {
            s.exit();
        }
    }

    @Override
    public void joinThread() {
        state.joinThread();
    }

    @Override
    public void cancelJoinThread() {
        state.cancelJoinThread();
    }

    /** @see JoinableQueue#taskDone() */
    public void taskDone() {
        requireJoinable();
        QueueState s = state;
        s.enter();
        try {
            for (;;) {
                int n = s.ring.userGet(QueueState.UNFINISHED);
                if (n <= 0) {
                    throw new IllegalStateException("taskDone() called too many times");
                }
                if (s.ring.userCas(QueueState.UNFINISHED, n, n - 1)) {
                    if (n == 1) {
                        s.ringJoinBell();
                    }
                    return;
                }
            }
        } finally {
            s.exit();
        }
    }

    /** @see JoinableQueue#join() */
    public void join() {
        requireJoinable();
        QueueState s = state;
        s.enter();
        try {
            if (s.ring.userGet(QueueState.UNFINISHED) <= 0) {
                return;
            }
            s.ring.userAdd(QueueState.JOIN_WAITERS, 1);
            try {
                while (s.ring.userGet(QueueState.UNFINISHED) > 0) {
                    if (Thread.interrupted()) {
                        throw dev.mp4j.InterruptedError.restore(null);
                    }
                    s.watch.check();
                    Posix.semWaitSlice(s.joinBell, Posix.SLICE_NANOS);
                }
            } finally {
                s.ring.userAdd(QueueState.JOIN_WAITERS, -1);
            }
        } finally {
            s.exit();
        }
    }

    private void requireJoinable() {
        if (!joinable) {
            throw new UnsupportedOperationException("taskDone() and join() are for a JoinableQueue");
        }
    }

    @Override
    public String toString() {
        return (joinable ? "JoinableQueue" : "Queue") + "[" + state.ring.name()
                + (state.maxsize > 0 ? ", maxsize=" + state.maxsize : "") + (state.isClosed() ? ", closed" : "") + "]";
    }
}
