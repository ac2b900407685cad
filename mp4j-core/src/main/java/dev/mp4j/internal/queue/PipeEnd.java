package dev.mp4j.internal.queue;

import dev.mp4j.internal.conn.Waitable;
import dev.mp4j.internal.ring.Pids;
import dev.mp4j.internal.ring.Ring;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Portable;
import dev.mp4j.multiprocessing.BufferTooShort;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.EOFError;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One end of a pipe made by {@code Context.pipe()}: a {@link Connection} on one or two shared rings
 * ({@code in}: what this end receives, {@code out}: what it sends; one is null for a one-way pipe).
 *
 * <p>Who holds an end: every JVM that opens a handle on it (by creating the pipe or by deserializing the
 * handle) counts itself in the end tables of the rings (see {@link Ring}: {@code in}'s reading-end table,
 * {@code out}'s writing-end table), and uncounts itself on {@code close()} or when the handle becomes
 * unreachable. Serializing a handle counts it as pending for the serializing JVM until a receiver
 * re-attaches, so an end passed to a child and closed at once by the parent is not taken for closed
 * meanwhile. A receive that finds nothing to read reports {@link EOFError} once no live process holds the
 * other end — closed everywhere, or every holder dead (checked on each wait slice). A send that finds the
 * ring full fails with a broken pipe once no live process holds the receiving end.
 *
 * <p>States of a handle: OPEN -> CLOSED (by {@code close()}, by a too-long message, or by the cleaner); the
 * mappings go once the calls in flight have left ({@link Usage}).
 */
public final class PipeEnd extends Handle<PipeEnd.State> implements Connection, Waitable, Portable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** This JVM's attachment of the end; also the cleaning action. */
    static final class State extends Attachment {
        final Ring in;
        final Ring out;
        final AtomicBoolean detached = new AtomicBoolean();
        final Ring.Watch readWatch;
        final Ring.Watch writeWatch;

        State(Ring in, Ring out, Lifecycle.Group group) {
            super("connection is closed", group);
            this.in = in;
            this.out = out;
            this.readWatch = new PeerWatch(in, Ring.WRITING_END);
            this.writeWatch = new PeerWatch(out, Ring.READING_END);
        }

        /** Stops a wait on {@code ring} once this end is closed, and tells whether the other end is still held. */
        private final class PeerWatch implements Ring.Watch {
            private final Ring ring;
            private final int peer;

            PeerWatch(Ring ring, int peer) {
                this.ring = ring;
                this.peer = peer;
            }

            @Override
            public void check() {
                checkOpen();
            }

            @Override
            public boolean peerGone() {
                return !ring.endHeld(peer);
            }

            @Override
            public boolean peerClosed() {
                return !ring.endHeld(peer, false);
            }
        }

        @Override
        void close() {
            if (detached.compareAndSet(false, true)) {
                if (out != null) {
                    out.endClosed(Ring.WRITING_END);
                    out.wakeAll();
                }
                if (in != null) {
                    in.endClosed(Ring.READING_END);
                    in.wakeAll();
                }
            }
            super.close();
        }

        @Override
        void release() {
            if (in != null) {
                in.close();
            }
            if (out != null) {
                out.close();
            }
        }
    }

    private PipeEnd(State state) {
        super(state);
    }

    /**
     * Makes a pipe's two ends in this JVM.
     *
     * @param duplex two-way; otherwise the first end only receives and the second only sends
     * @return the two ends
     */
    static PipeEnd[] pipe(boolean duplex) {
        Ring a = Ring.create(Ring.DEFAULT_CAPACITY);
        Ring b = null;
        try {
            b = duplex ? Ring.create(Ring.DEFAULT_CAPACITY) : null;
            List<String> names = b == null ? List.of(a.name()) : List.of(a.name(), b.name());
            Lifecycle.Group group = new Lifecycle.Group(names, List.of(), 2);
            Ring a2 = Ring.attach(a.name());
            if (duplex) {
                Ring b2 = Ring.attach(b.name());
                // conn1 sends on a, receives on b; conn2 the other way round
                return new PipeEnd[] {open(b, a, group), open(a2, b2, group)};
            }
            // one ring, conn2 -> conn1
            return new PipeEnd[] {open(a, null, group), open(null, a2, group)};
        } catch (RuntimeException e) {
            Ring.unlink(a.name());
            if (b != null) {
                Ring.unlink(b.name());
            }
            throw e;
        }
    }

    private static PipeEnd open(Ring in, Ring out, Lifecycle.Group group) {
        if (in != null) {
            in.endOpened(Ring.READING_END);
        }
        if (out != null) {
            out.endOpened(Ring.WRITING_END);
        }
        return new PipeEnd(new State(in, out, group));
    }

    /**
     * The serialized form: the rings' names and the pid that sent it. A final class, not a record: deserializing a
     * record builds method handles for its canonical constructor, 15-70 ms of a fresh child's CPU before it can use its
     * first queue; a plain class's fields are set directly.
     */
    private static final class Form implements Portable.Form {
        @Serial
        private static final long serialVersionUID = 1L;

        static {
            Portable.register(Form.class, 3,
                    v -> new Form((String) v[0], (String) v[1], (Integer) v[2]).readResolve());
        }

        private final String in;
        private final String out;
        private final int from;

        Form(String in, String out, int from) {
            this.in = in;
            this.out = out;
            this.from = from;
        }

        @Serial
        private Object readResolve() throws ObjectStreamException {
            Ring i = null;
            Ring o = null;
            try {
                i = in == null ? null : Ring.attach(in);
                o = out == null ? null : Ring.attach(out);
            } catch (RuntimeException e) {
                if (i != null) {
                    i.close();
                }
                InvalidObjectException ex = new InvalidObjectException("cannot attach the pipe: " + e.getMessage());
                ex.initCause(e);
                throw ex;
            }
            if (i != null) {
                i.endReceived(Ring.READING_END, from);
            }
            if (o != null) {
                o.endReceived(Ring.WRITING_END, from);
            }
            return new PipeEnd(new State(i, o, null));
        }
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        sent();
        State s = state;
        return new Form(s.in == null ? null : s.in.name(), s.out == null ? null : s.out.name(), Pids.SELF);
    }

    /** Counts this end as pending for this JVM until a receiver re-attaches it (see the class comment). */
    private void sent() throws InvalidObjectException {
        State s = state;
        if (!s.usage.enter()) {
            throw new InvalidObjectException("a closed connection cannot be sent to another process");
        }
        try {
            if (s.in != null) {
                s.in.endSent(Ring.READING_END);
            }
            if (s.out != null) {
                s.out.endSent(Ring.WRITING_END);
            }
        } finally {
            s.exit();
        }
    }

    @Override
    public Class<? extends Portable.Form> formClass() {
        return Form.class;
    }

    /** @throws InvalidObjectException if this end is closed: JDK serialization's writeReplace then says so */
    @Override
    public Object[] formValues() throws InvalidObjectException {
        State s = state;
        if (s.usage.closed()) {
            throw new InvalidObjectException("a closed connection cannot be sent to another process");
        }
        return new Object[] {s.in == null ? null : s.in.name(), s.out == null ? null : s.out.name(), Pids.SELF};
    }

    @Override
    public void formWritten() throws InvalidObjectException {
        sent();
    }

    List<String> names() {
        List<String> n = new ArrayList<>();
        for (Ring r : new Ring[] {state.in, state.out}) {
            if (r != null) {
                n.add(r.name());
                n.addAll(Ring.semNames(r.name()));
            }
        }
        return n;
    }

    /** Enters the attachment for a receive (the caller exits it). */
    private State reading() {
        return entered(state.in != null, "connection is write-only");
    }

    /** Enters the attachment for a send (the caller exits it). */
    private State writing() {
        return entered(state.out != null, "connection is read-only");
    }

    private State entered(boolean can, String refusal) {
        State s = state;
        s.enter();
        if (!can) {
            s.exit();
            throw new IllegalStateException(refusal);
        }
        return s;
    }

    @Override
    public void send(Object obj) {
        State s = writing();
        try {
            Items.write(s.out, obj, "object", s.writeWatch);
        } finally {
            s.exit();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T recv() {
        State s = reading();
        try {
            return (T) Received.read(s.in, Timeouts.FOREVER, s.readWatch, "object", filter, null, null);
        } finally {
            s.exit();
        }
    }

    @Override
    public void sendBytes(byte[] buf) {
        Objects.requireNonNull(buf, "buf");
        sendBytes(buf, 0, buf.length);
    }

    @Override
    public void sendBytes(byte[] buf, int offset, int size) {
        Objects.requireNonNull(buf, "buf");
        if (offset < 0) {
            throw new IllegalArgumentException("offset is negative: " + offset);
        }
        if (buf.length < offset) {
            throw new IllegalArgumentException("buffer length " + buf.length + " < offset " + offset);
        }
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
        if (buf.length - offset < size) {
            throw new IllegalArgumentException("buffer length " + buf.length + " < offset " + offset + " + size " + size);
        }
        State s = writing();
        try {
            s.out.write(buf, offset, size, s.writeWatch);
        } finally {
            s.exit();
        }
    }

    @Override
    public byte[] recvBytes() {
        return receive(Integer.MAX_VALUE);
    }

    @Override
    public byte[] recvBytes(int maxlength) {
        if (maxlength < 0) {
            throw new IllegalArgumentException("negative maxlength: " + maxlength);
        }
        return receive(maxlength);
    }

    private byte[] receive(int maxlength) {
        State s = reading();
        Ring.TooLong tooLong;
        try {
            return s.in.read(Timeouts.FOREVER, maxlength, s.readWatch);
        } catch (Ring.TooLong e) {
            tooLong = e;
        } finally {
            s.exit();
        }
        close();
        throw new UncheckedIOException(new IOException("bad message length: " + tooLong.size()
                + " bytes > maxlength " + maxlength + " (the connection is now closed)"));
    }

    @Override
    public int recvBytesInto(byte[] buf) {
        return recvBytesInto(buf, 0);
    }

    @Override
    public int recvBytesInto(byte[] buf, int offset) {
        Objects.requireNonNull(buf, "buf");
        if (offset < 0 || offset > buf.length) {
            throw new IllegalArgumentException("offset " + offset + " out of bounds for a buffer of " + buf.length);
        }
        State s = reading();
        try {
            return s.in.readInto(Timeouts.FOREVER, buf, offset, s.readWatch);
        } catch (Ring.TooShort e) {
            throw new BufferTooShort("message of " + e.message().length + " bytes does not fit "
                    + (buf.length - offset) + " bytes of buffer", e.message());
        } finally {
            s.exit();
        }
    }

    @Override
    public boolean poll(Duration timeout) {
        State s = reading();
        try {
            return s.in.awaitReadable(Timeouts.deadline(Timeouts.toNanos(timeout)), s.readWatch);
        } finally {
            s.exit();
        }
    }

    /**
     * Whether a receive would not block now: something to read, or EOF.
     *
     * @return true if {@code recv} would return or throw {@link EOFError} at once
     * @throws IllegalStateException if closed or write-only
     */
    @Override
    public boolean ready() {
        return readyNow();
    }

    /** @return whether a message (or EOF) can be read now, without blocking */
    public boolean readyNow() {
        State s = reading();
        try {
            return s.in.hasData() || s.readWatch.peerGone();
        } finally {
            s.exit();
        }
    }

    @Override
    public boolean closed() {
        return state.usage.closed();
    }

    @Override
    public boolean readable() {
        return state.in != null;
    }

    @Override
    public boolean writable() {
        return state.out != null;
    }

    @Override
    public String toString() {
        return "Connection[pipe " + (state.in != null ? "in=" + state.in.name() : "") + (state.in != null
                && state.out != null ? " " : "") + (state.out != null ? "out=" + state.out.name() : "")
                + (closed() ? ", closed]" : "]");
    }
}
