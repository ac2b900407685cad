package dev.mp4j.internal.dummy;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.multiprocessing.BufferTooShort;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.Pipe;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One end of a pipe of {@code Multiprocessing.dummy()}: Python's dummy connection, a pair of thread-safe
 * queues. Objects are handed over as they are, not copied; byte messages are copied.
 *
 * <p>Each direction is a {@link Channel}; a duplex pipe has two, a one-way pipe one. Closing an end closes
 * its writing side (the reader drains what was sent, then gets {@link EOFError}) and its reading side (a
 * writer then gets an {@link UncheckedIOException}: broken pipe).
 */
final class ThreadConnection implements Connection {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Channel in;   // null: write-only
    private final transient Channel out;  // null: read-only
    private transient volatile boolean closed;

    private ThreadConnection(Channel in, Channel out) {
        this.in = in;
        this.out = out;
    }

    /**
     * @param duplex false: the first end only receives, the second only sends
     * @return a new pipe
     */
    static Pipe pipe(boolean duplex) {
        Channel a = new Channel();
        if (!duplex) {
            return new Pipe(new ThreadConnection(a, null), new ThreadConnection(null, a));
        }
        Channel b = new Channel();
        return new Pipe(new ThreadConnection(a, b), new ThreadConnection(b, a));
    }

    /** One direction: messages in order, and whether either end has closed. Fields guarded by {@code lock}. */
    private static final class Channel {
        private static final Object NULL = new Object();
        final ReentrantLock lock = new ReentrantLock();
        final Condition arrived = lock.newCondition();
        final ArrayDeque<Object> messages = new ArrayDeque<>();
        boolean writerClosed;
        boolean readerClosed;

        void put(Object message) {
            lock.lock();
            try {
                if (readerClosed) {
                    throw new UncheckedIOException(new IOException("Broken pipe: the other end is closed"));
                }
                messages.add(message == null ? NULL : message);
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** @return whether a message or the end of the stream is there, waiting at most {@code nanos} */
        boolean await(long nanos) {
            long deadline = Timeouts.deadline(nanos);
            lock.lock();
            try {
                while (messages.isEmpty() && !writerClosed) {
                    long left = Timeouts.remaining(deadline);
                    if (left <= 0) {
                        return false;
                    }
                    if (left == Timeouts.FOREVER) {
                        arrived.await();
                    } else {
                        arrived.awaitNanos(left);
                    }
                }
                return true;
            } catch (InterruptedException e) {
                throw InterruptedError.restore(e);
            } finally {
                lock.unlock();
            }
        }

        /** @return the next message, waiting for it */
        Object take() {
            await(Timeouts.FOREVER);
            lock.lock();
            try {
                if (messages.isEmpty()) {
                    throw new EOFError("the other end of the pipe is closed and nothing is left to receive");
                }
                Object o = messages.poll();
                return o == NULL ? null : o;
            } finally {
                lock.unlock();
            }
        }

        /** Puts back a message that could not be delivered (too long a byte message). */
        void unread(Object message) {
            lock.lock();
            try {
                messages.addFirst(message);
            } finally {
                lock.unlock();
            }
        }

        void closeWriter() {
            lock.lock();
            try {
                writerClosed = true;
                arrived.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void closeReader() {
            lock.lock();
            try {
                readerClosed = true;
                messages.clear();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void send(Object obj) {
        writable("send");
        out.put(obj);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T recv() {
        readable("recv");
        return (T) in.take();
    }

    @Override
    public void sendBytes(byte[] buf) {
        sendBytes(buf, 0, buf.length);
    }

    @Override
    public void sendBytes(byte[] buf, int offset, int size) {
        writable("sendBytes");
        if (offset < 0 || offset > buf.length) {
            throw new IllegalArgumentException("offset out of range: " + offset);
        }
        if (size < 0 || offset + size > buf.length) {
            throw new IllegalArgumentException("size out of range: " + size);
        }
        out.put(new Bytes(Arrays.copyOfRange(buf, offset, offset + size)));
    }

    /** A byte message, so that recvBytes can tell it from an object that happens to be a byte array. */
    private record Bytes(byte[] data) {}

    @Override
    public byte[] recvBytes() {
        return recvBytes(Integer.MAX_VALUE);
    }

    @Override
    public byte[] recvBytes(int maxlength) {
        if (maxlength < 0) {
            throw new IllegalArgumentException("negative maxlength");
        }
        readable("recvBytes");
        byte[] data = bytesOf(in.take());
        if (data.length > maxlength) {
            close();
            throw new UncheckedIOException(new IOException("bad message length: " + data.length + " > " + maxlength));
        }
        return data;
    }

    @Override
    public int recvBytesInto(byte[] buf) {
        return recvBytesInto(buf, 0);
    }

    @Override
    public int recvBytesInto(byte[] buf, int offset) {
        if (offset < 0 || offset > buf.length) {
            throw new IllegalArgumentException("offset out of range: " + offset);
        }
        readable("recvBytesInto");
        byte[] data = bytesOf(in.take());
        if (data.length > buf.length - offset) {
            throw new BufferTooShort("the buffer is too short for a message of " + data.length + " bytes", data);
        }
        System.arraycopy(data, 0, buf, offset, data.length);
        return data.length;
    }

    private byte[] bytesOf(Object message) {
        if (message instanceof Bytes b) {
            return b.data;
        }
        if (message instanceof byte[] b) {
            return b.clone();
        }
        in.unread(message == null ? Channel.NULL : message);
        throw new UncheckedIOException(new IOException("the next message was sent with send(), not sendBytes(): "
                + "receive it with recv()"));
    }

    @Override
    public boolean poll(Duration timeout) {
        readable("poll");
        return in.await(Timeouts.toNanos(timeout));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (out != null) {
            out.closeWriter();
        }
        if (in != null) {
            in.closeReader();
        }
    }

    @Override
    public boolean closed() {
        return closed;
    }

    @Override
    public boolean readable() {
        return in != null;
    }

    @Override
    public boolean writable() {
        return out != null;
    }

    private void writable(String what) {
        checkOpen();
        if (out == null) {
            throw new UncheckedIOException(new IOException("connection is read-only: cannot " + what));
        }
    }

    private void readable(String what) {
        checkOpen();
        if (in == null) {
            throw new UncheckedIOException(new IOException("connection is write-only: cannot " + what));
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the connection is closed");
        }
    }

    @Override
    public String toString() {
        return "<dummy Connection " + (readable() && writable() ? "duplex" : readable() ? "read-only" : "write-only")
                + (closed ? " closed" : "") + ">";
    }

    @Serial
    private void writeObject(ObjectOutputStream o) throws IOException {
        throw new NotSerializableException("a dummy (thread-backed) connection cannot be sent to another process");
    }
}
