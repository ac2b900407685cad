package dev.mp4j.internal.conn;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.CpuCrowd;
import dev.mp4j.internal.util.Quietly;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.Frames;
import dev.mp4j.multiprocessing.BufferTooShort;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.EOFError;

import java.io.EOFException;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.StreamCorruptedException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * A {@link Connection} over a connected socket, Unix-domain or TCP, in the framing of {@link Frames} (the
 * same bytes as Python's socket connections, so either end may be CPython when only byte messages are
 * exchanged).
 *
 * <p>States: open --{@link #close()}--&gt; closed. Also closed by: a message longer than the receiver's limit
 * or with an impossible length (the stream cannot be resynchronised), and an interrupt that arrives after
 * part of a frame was sent (the peer would read a corrupt stream otherwise). A closed end throws
 * {@link IllegalStateException} ("handle is closed") from every operation.
 *
 * <p>The channel is always non-blocking. A thread that must wait first tries again for up to
 * {@link #SPIN_NANOS} (a reader whose last spin found nothing, only on a probe while other threads wait for
 * a CPU: {@link #spins}), then sleeps in a {@link Selector} of this connection (one for reading, one for
 * writing, each opened on first need), so an interrupt wakes it with
 * {@link InterruptedError} without closing the channel, as it would a blocking channel. An interrupted
 * receive keeps what it had read of a frame, and the next receive goes on from there.
 *
 * <p>Locks: {@code readLock} guards {@code in}, {@code eof}, {@code eofCause}, the partial frame and the use
 * of the read selector; {@code sendLock} guards {@code out} and the use of the write selector, so whole
 * frames never interleave; {@code handles} (its monitor) guards the move to closed and the opening of the
 * selectors ({@code closed} is volatile for the checks made without it). A connection that becomes
 * unreachable without being closed has its socket and selectors closed by a {@link Cleaner}, as Python
 * closes a connection that is garbage collected.
 *
 * <p>Memory: a frame's length is checked against the receiver's limit before anything is allocated for it,
 * and a payload longer than 1 MiB gets an array that grows as its bytes arrive, so a peer that announces a
 * huge length costs this side nothing until it sends the bytes.
 */
public final class SocketConnection implements Connection, Waitable {
    @Serial
    private static final long serialVersionUID = 1L;
    /** The limit of {@code recv()} and {@code recvBytes()}: anything a Java array can hold. */
    public static final long DEFAULT_LIMIT = Frames.MAX_ARRAY;
    private static final int BUFFER = 1 << 16;
    private static final int EAGER_ALLOCATION = 1 << 20;
    /** Closes what unreachable connections and listeners left open. */
    static final Cleaner CLEANER = Cleaner.create();
    /** The most one read or write of a long payload moves (the JDK copies it through a direct buffer that size). */
    private static final int SLICE = 1 << 20;
    /**
     * How long a thread that finds nothing to read (or no room to write) keeps trying before it sleeps in
     * its selector: a peer that answers within it saves both sides a sleep and a wake-up. On a 2-CPU virtual
     * machine a manager's round trip went from about 50 µs to about 7 µs; a wait that lasts longer costs
     * this much CPU once. None on a single CPU, where the peer cannot run while this one spins.
     */
    static final long SPIN_NANOS = Runtime.getRuntime().availableProcessors() > 1 ? 20_000 : 0;

    private final transient SocketChannel channel;
    private final transient ObjectInputFilter filter;
    private final transient String description;
    private final transient ReentrantLock readLock = new ReentrantLock();
    private final transient ReentrantLock sendLock = new ReentrantLock();
    private final transient Handles handles;
    private final transient Cleaner.Cleanable cleanable;
    /** Bytes read from the channel and not yet taken; in read mode between calls. */
    private final transient ByteBuffer in = ByteBuffer.allocateDirect(BUFFER).flip();
    private final transient ByteBuffer out = ByteBuffer.allocateDirect(BUFFER);
    private transient volatile boolean closed;
    /** Wake-ups of the waits on this connection in progress: {@link #close()} runs them. */
    private final transient Set<Runnable> wakers = ConcurrentHashMap.newKeySet();
    private transient boolean eof;
    private transient IOException eofCause;
    /** The frame being received: its payload so far, or null between frames. */
    private transient byte[] partial;
    private transient int partialFilled;
    private transient long partialLength;
    /** Whether the reader spins before it sleeps; guarded by the read lock. */
    private final transient CpuCrowd.SpinGate spinGate = new CpuCrowd.SpinGate();

    /**
     * @param channel a connected socket channel, owned by this connection from now on
     * @param filter what objects {@link #recv()} accepts; null for {@link Codec#DEFAULT_FILTER}
     * @throws IOException if the channel cannot be made non-blocking
     */
    public SocketConnection(SocketChannel channel, ObjectInputFilter filter) throws IOException {
        this.channel = Objects.requireNonNull(channel, "channel");
        this.filter = filter;
        this.handles = new Handles(channel);
        channel.configureBlocking(false);
        // not a + concatenation: its call site is linked on first use, some ms of every fresh JVM's first connection
        this.description = String.valueOf(channel.getLocalAddress()).concat(" <-> ")
                .concat(String.valueOf(channel.getRemoteAddress()));
        if (channel.getLocalAddress() instanceof InetSocketAddress) {
            // whole messages go out in one write; Nagle would only delay the next message behind an ACK
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        }
        // the Cleaner keeps only a phantom reference to this; the action holds the handles alone
        this.cleanable = CLEANER.register(this, handles);
    }

    /** What a connection holds of the operating system: its socket, and the selectors opened on first need. */
    private static final class Handles implements Runnable {
        private final SocketChannel channel;
        private Selector read;       // guarded by this
        private Selector write;      // guarded by this
        private boolean released;    // guarded by this

        Handles(SocketChannel channel) {
            this.channel = channel;
        }

        /** @return the selector, opened and registered if need be, or null once released */
        synchronized Selector selector(boolean forRead) throws IOException {
            if (released) {
                return null;
            }
            Selector s = forRead ? read : write;
            if (s == null) {
                s = Selector.open();
                channel.register(s, forRead ? SelectionKey.OP_READ : SelectionKey.OP_WRITE);
                if (forRead) {
                    read = s;
                } else {
                    write = s;
                }
            }
            return s;
        }

        /** Closes the socket, then the selectors (which wakes a thread sleeping in one). */
        @Override
        public void run() {
            Selector r;
            Selector w;
            synchronized (this) {
                released = true;
                r = read;
                w = write;
            }
            Quietly.close(channel);
            Quietly.close(r);
            Quietly.close(w);
        }
    }

    /**
     * Connects to a listener (Python's {@code Client} without the handshake).
     *
     * @param address an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
     * @param filter what objects {@link #recv()} accepts; null for the default
     * @return the connection
     * @throws IllegalArgumentException for another kind of address
     * @throws UncheckedIOException if the connection is refused or fails
     * @throws InterruptedError if the thread is interrupted while connecting
     */
    public static SocketConnection connect(SocketAddress address, ObjectInputFilter filter) {
        return connect(address, filter, Timeouts.FOREVER);
    }

    /**
     * As {@link #connect(SocketAddress, ObjectInputFilter)}, giving up at {@code deadline} on a TCP connection
     * that is not established by then (a lost SYN is otherwise retried for minutes). A Unix-domain connect
     * involves no network: the kernel completes it at once, or waits only while the listener's backlog is
     * full, so it is made as without a deadline.
     *
     * @param address an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
     * @param filter what objects {@link #recv()} accepts; null for the default
     * @param deadline from {@link Timeouts#deadline}
     * @return the connection
     * @throws IllegalArgumentException for another kind of address
     * @throws UncheckedIOException if the connection is refused or fails, or (its cause a
     *     {@link SocketTimeoutException}) is not established by the deadline
     * @throws InterruptedError if the thread is interrupted while connecting
     */
    public static SocketConnection connect(SocketAddress address, ObjectInputFilter filter, long deadline) {
        checkFamily(address);
        SocketChannel ch;
        try {
            ch = deadline == Timeouts.FOREVER || !(address instanceof InetSocketAddress)
                    ? SocketChannel.open(address)
                    : connectBy(address, deadline);
        } catch (ClosedByInterruptException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedError("interrupted while connecting to " + address, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to " + address + ": " + e.getMessage(), e);
        }
        try {
            return new SocketConnection(ch, filter);
        } catch (IOException e) {
            Quietly.close(ch);
            throw new UncheckedIOException("cannot set up the connection to " + address, e);
        }
    }

    /** A non-blocking connect, waited for in a selector until {@code deadline}; the channel is closed on failure. */
    private static SocketChannel connectBy(SocketAddress address, long deadline) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            if (!ch.connect(address)) {
                try (Selector s = Selector.open()) {
                    ch.register(s, SelectionKey.OP_CONNECT);
                    while (!ch.finishConnect()) {
                        long left = Timeouts.remaining(deadline);
                        if (left == 0) {
                            throw new SocketTimeoutException("the connection was not established in time");
                        }
                        s.select(left / 1_000_000 + 1);
                        s.selectedKeys().clear();
                        if (Thread.currentThread().isInterrupted()) {
                            throw new ClosedByInterruptException();
                        }
                    }
                }
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            Quietly.close(ch);
            throw e;
        }
    }

    /**
     * @param address an address given by a caller
     * @throws IllegalArgumentException unless it is an {@link InetSocketAddress} or a
     *     {@link UnixDomainSocketAddress} (Python's "unrecognized family" ValueError)
     */
    public static void checkFamily(SocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (!(address instanceof InetSocketAddress) && !(address instanceof UnixDomainSocketAddress)) {
            throw new IllegalArgumentException("unrecognized address family: " + address.getClass().getName()
                    + " (an InetSocketAddress is AF_INET, a UnixDomainSocketAddress AF_UNIX)");
        }
    }

    // ---------------------------------------------------------------------------------------- sending

    @Override
    public void send(Object obj) {
        checkOpen();
        byte[] bytes;
        try {
            bytes = Codec.encode(obj);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("cannot send an object of " + obj.getClass().getName() + ": "
                    + e.getMessage() + " is not serializable", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot serialize " + obj.getClass().getName() + ": " + e, e);
        }
        sendFrame(bytes, 0, bytes.length);
    }

    @Override
    public void sendBytes(byte[] buf) {
        sendFrame(buf, 0, buf.length);
    }

    @Override
    public void sendBytes(byte[] buf, int offset, int size) {
        checkSlice(buf.length, offset, size);
        sendFrame(buf, offset, size);
    }

    /**
     * Python's checks of {@code send_bytes(buf, offset, size)}.
     *
     * @param length the buffer's length
     * @param offset the offset asked for
     * @param size the size asked for
     * @throws IllegalArgumentException naming offset or size when they are out of range
     */
    public static void checkSlice(int length, int offset, int size) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset is negative: " + offset);
        }
        if (length < offset) {
            throw new IllegalArgumentException("offset " + offset + " is past the buffer's length " + length);
        }
        if (size < 0) {
            throw new IllegalArgumentException("size is negative: " + size);
        }
        if ((long) offset + size > length) {
            throw new IllegalArgumentException("offset " + offset + " + size " + size
                    + " is past the buffer's length " + length);
        }
    }

    private void sendFrame(byte[] buf, int off, int len) {
        checkOpen();
        try {
            sendLock.lockInterruptibly();
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        }
        try {
            checkOpen();
            out.clear();
            Frames.putHeader(out, len);
            int done = Math.min(out.remaining(), len);
            out.put(buf, off, done).flip();
            boolean started = false;
            while (true) {
                while (out.hasRemaining()) {
                    if (writeSpinning(out) > 0) {
                        started = true;
                    } else {
                        awaitWritable(started);
                    }
                }
                if (done == len) {
                    return;
                }
                // the rest of a long payload goes straight from the caller's array, a slice at a time
                ByteBuffer slice = ByteBuffer.wrap(buf, off + done, Math.min(len - done, SLICE));
                while (slice.hasRemaining()) {
                    if (writeSpinning(slice) > 0) {
                        started = true;
                    } else {
                        awaitWritable(true);
                    }
                }
                done += slice.position() - (off + done);
            }
        } finally {
            sendLock.unlock();
        }
    }

    /** {@link #write}, tried again for up to {@link #SPIN_NANOS} while the socket has no room. */
    private int writeSpinning(ByteBuffer b) {
        int n = write(b);
        return n == 0 && SPIN_NANOS > 0 ? retrySpinning(() -> write(b)) : n;
    }

    /**
     * Calls {@code attempt} again while it moves nothing, for up to {@link #SPIN_NANOS}.
     *
     * @return its last result
     */
    private static int retrySpinning(IntSupplier attempt) {
        long until = System.nanoTime() + SPIN_NANOS;
        int n;
        do {
            Thread.onSpinWait();
            n = attempt.getAsInt();
        } while (n == 0 && System.nanoTime() - until < 0);
        return n;
    }

    private int write(ByteBuffer b) {
        try {
            return channel.write(b);
        } catch (IOException e) {
            if (closed) {
                throw closedError();
            }
            throw new UncheckedIOException("cannot send: " + e.getMessage(), e);
        }
    }

    private void awaitWritable(boolean started) {
        select(selector(false), Timeouts.FOREVER);
        if (Thread.currentThread().isInterrupted()) {
            if (started) {
                close();
                throw new InterruptedError("interrupted in the middle of sending a message; the connection is"
                        + " closed, as the peer could not find where the next message starts");
            }
            throw InterruptedError.restore(null);
        }
        checkOpen();
    }

    // -------------------------------------------------------------------------------------- receiving

    @Override
    @SuppressWarnings("unchecked")
    public <T> T recv() {
        return (T) Codec.decodeReceived(receive(DEFAULT_LIMIT), filter, "a received object");
    }

    @Override
    public byte[] recvBytes() {
        return receive(DEFAULT_LIMIT);
    }

    @Override
    public byte[] recvBytes(int maxlength) {
        if (maxlength < 0) {
            throw new IllegalArgumentException("negative maxlength: " + maxlength);
        }
        return receive(maxlength);
    }

    @Override
    public int recvBytesInto(byte[] buf) {
        return recvBytesInto(buf, 0);
    }

    @Override
    public int recvBytesInto(byte[] buf, int offset) {
        checkOpen();
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset: " + offset);
        }
        if (offset > buf.length) {
            throw new IllegalArgumentException("offset too large: " + offset + " > buffer length " + buf.length);
        }
        byte[] msg = receive(DEFAULT_LIMIT);
        if (msg.length > buf.length - offset) {
            throw new BufferTooShort("a message of " + msg.length + " bytes does not fit in " + (buf.length - offset)
                    + " bytes", msg);
        }
        System.arraycopy(msg, 0, buf, offset, msg.length);
        return msg.length;
    }

    /**
     * Receives one frame, waiting at most until {@code deadline}.
     *
     * @param maxLength the longest payload accepted
     * @param deadline from {@link Timeouts#deadline}
     * @return the payload, or null if the deadline passed first (what was read of the frame is kept)
     * @throws EOFError if the peer closed before a frame started
     * @throws UncheckedIOException for a frame cut short, or longer than {@code maxLength} (this end is then
     *     closed)
     */
    public byte[] receive(long maxLength, long deadline) {
        checkOpen();
        lockRead();
        try {
            return readFrame(maxLength, deadline);
        } finally {
            readLock.unlock();
        }
    }

    private byte[] receive(long maxLength) {
        return receive(maxLength, Timeouts.FOREVER);
    }

    private byte[] readFrame(long maxLength, long deadline) {
        if (partial == null) {
            int header;
            while ((header = Frames.headerSize(in)) == 0 || in.remaining() < header) {
                if (!fill(deadline)) {
                    return null;
                }
            }
            long n = Frames.payloadLength(in);
            if (n < 0) {
                throw badLength("bad message length: the peer announced " + n + " bytes");
            }
            if (n > maxLength) {
                throw badLength("bad message length: " + n + " bytes, more than the limit of " + maxLength);
            }
            if (n > Frames.MAX_ARRAY) {
                throw badLength("bad message length: " + n + " bytes do not fit in a Java array");
            }
            in.position(in.position() + header);
            partial = new byte[(int) Math.min(n, EAGER_ALLOCATION)];
            partialLength = n;
            partialFilled = 0;
        }
        while (partialFilled < partialLength) {
            if (partialFilled == partial.length) {
                partial = Arrays.copyOf(partial, (int) Math.min(partialLength, 2L * partial.length));
            }
            if (in.hasRemaining()) {
                int k = Math.min(in.remaining(), partial.length - partialFilled);
                in.get(partial, partialFilled, k);
                partialFilled += k;
            } else if (partialLength - partialFilled > BUFFER) {
                // the rest of a long payload comes straight into its array, a slice at a time
                if (!fillDirect(deadline)) {
                    return null;
                }
            } else if (!fill(deadline)) {
                return null;
            }
        }
        byte[] message = partial;
        partial = null;
        return message;
    }

    /** Reads more bytes into {@code in}; false if the deadline passed first. Call with {@code in} not full. */
    private boolean fill(long deadline) {
        while (true) {
            if (eof) {
                if (partial == null && !in.hasRemaining()) {
                    throw eofCause == null ? new EOFError("the other end closed the connection")
                            : new EOFError("the connection was reset: " + eofCause.getMessage(), eofCause);
                }
                long got = partial == null ? in.remaining() : partialFilled;
                String what = partial == null ? "a frame header" : "a message of " + partialLength + " bytes";
                partial = null;
                in.clear().flip();
                throw new UncheckedIOException(new EOFException("got end of file during " + what + " (" + got
                        + " bytes received); the message is lost"));
            }
            int n = readSome();
            if (n == 0 && spins(deadline)) {
                n = retrySpinning(this::readSome);
                spinGate.spun(n != 0);
            }
            if (n > 0) {
                return true;
            }
            if (n < 0) {
                eof = true;
            } else if (!awaitReadable(deadline)) {
                return false;
            }
        }
    }

    /**
     * Whether a reader with this deadline tries again before it sleeps: not one that may not wait, nor (but
     * on a probe) one whose last spin found nothing while other threads wait for a CPU
     * ({@link CpuCrowd.SpinGate}). Such a spin takes the CPU from the peer, or from the JIT compilers of
     * both processes: on 2 CPUs, a manager's client and server spinning on every wait ran their first few
     * thousand requests at about half the speed. Call with the read lock held.
     */
    private boolean spins(long deadline) {
        return SPIN_NANOS > 0 && Timeouts.remaining(deadline) > SPIN_NANOS
                && !spinGate.skip();
    }

    /** As {@link #fill}, into the partial payload's array; false if the deadline passed first. */
    private boolean fillDirect(long deadline) {
        while (true) {
            if (eof) {
                fill(deadline); // throws: the stream ended inside the frame
            }
            ByteBuffer slice = ByteBuffer.wrap(partial, partialFilled, Math.min(partial.length - partialFilled, SLICE));
            int n = read(slice);
            if (n == 0 && spins(deadline)) {
                n = retrySpinning(() -> read(slice));
                spinGate.spun(n != 0);
            }
            if (n > 0) {
                partialFilled += n;
                return true;
            }
            if (n < 0) {
                eof = true;
            } else if (!awaitReadable(deadline)) {
                return false;
            }
        }
    }

    /** Reads from the channel into {@code into}; -1 at the end of the stream or on a reset (kept in eofCause). */
    private int read(ByteBuffer into) {
        try {
            return channel.read(into);
        } catch (ClosedChannelException e) {
            throw closedError();
        } catch (IOException e) {
            if (closed) {
                throw closedError();
            }
            eofCause = e; // a reset: the peer died or closed with our bytes unread
            return -1;
        }
    }

    private int readSome() {
        in.compact();
        try {
            return read(in);
        } finally {
            in.flip();
        }
    }

    private boolean awaitReadable(long deadline) {
        long left = Timeouts.remaining(deadline);
        if (left == 0) {
            return false;
        }
        select(selector(true), left);
        if (Thread.currentThread().isInterrupted()) {
            throw InterruptedError.restore(null);
        }
        checkOpen();
        return true;
    }

    private RuntimeException badLength(String message) {
        close();
        return new UncheckedIOException(message + "; the connection is closed",
                new StreamCorruptedException(message));
    }

    private void lockRead() {
        try {
            readLock.lockInterruptibly();
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        }
    }

    // ----------------------------------------------------------------------------------------- polling

    @Override
    public boolean poll(Duration timeout) {
        checkOpen();
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        try {
            if (!readLock.tryLock() && !readLock.tryLock(Timeouts.remaining(deadline), TimeUnit.NANOSECONDS)) {
                return false; // another thread is receiving for that long
            }
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        }
        try {
            while (true) {
                if (in.hasRemaining() || eof) {
                    return true;
                }
                int n = readSome();
                if (n < 0) {
                    eof = true;
                } else if (n == 0 && !awaitReadable(deadline)) {
                    return false;
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    /** @return also true once closed: a wait returns a connection closed meanwhile, whose next use throws */
    @Override
    public boolean ready() {
        if (closed) {
            return true;
        }
        if (!readLock.tryLock()) {
            return false; // a receiver is at work; the channel's readiness still counts
        }
        try {
            return in.hasRemaining() || eof;
        } finally {
            readLock.unlock();
        }
    }

    @Override
    public SelectableChannel channel() {
        checkOpen();
        return channel;
    }

    @Override
    public Runnable onReady(Runnable wake) {
        wakers.add(wake);
        if (closed) {
            wake.run();
        }
        return () -> wakers.remove(wake);
    }

    // ------------------------------------------------------------------------------------ state, misc

    /** Waits on the selector for at most {@code nanos} ({@link Timeouts#FOREVER}: without limit), rounded up to ms. */
    private void select(Selector s, long nanos) {
        try {
            if (nanos == Timeouts.FOREVER) {
                s.select();
            } else {
                s.select(nanos / 1_000_000 + (nanos % 1_000_000 == 0 ? 0 : 1));
            }
            s.selectedKeys().clear();
        } catch (ClosedSelectorException e) {
            throw closedError();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Selector selector(boolean forRead) {
        Selector s;
        try {
            s = handles.selector(forRead);
        } catch (ClosedChannelException e) {
            throw closedError();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        if (s == null || closed) {
            throw closedError();
        }
        return s;
    }

    @Override
    public void close() {
        synchronized (handles) {
            if (closed) {
                return;
            }
            closed = true;
        }
        cleanable.clean();
        wakers.forEach(Runnable::run);
    }

    @Override
    public boolean closed() {
        return closed;
    }

    @Override
    public boolean readable() {
        return true;
    }

    @Override
    public boolean writable() {
        return true;
    }

    private void checkOpen() {
        if (closed) {
            throw closedError();
        }
    }

    private static IllegalStateException closedError() {
        return closedError("handle");
    }

    /**
     * @param what the kind of handle
     * @return the error of a call on a closed handle of that kind (CPython's OSError "handle is closed")
     */
    static IllegalStateException closedError(String what) {
        return new IllegalStateException(what + " is closed");
    }

    @Override
    public String toString() {
        return "SocketConnection[" + (closed ? "closed" : description) + "]";
    }

    @Serial
    private void writeObject(ObjectOutputStream stream) throws IOException {
        throw new NotSerializableException("a socket connection (from a Listener or Connections.client) cannot be "
                + "sent to another process; use a Pipe, or connect from that process");
    }

    @Serial
    private void readObject(ObjectInputStream stream) throws IOException, ClassNotFoundException {
        throw new InvalidObjectException("a socket connection cannot be received from another process");
    }
}
