package dev.mp4j.python;

import dev.mp4j.multiprocessing.Connection;

import java.time.Duration;
import java.util.Objects;

/**
 * Objects pickled on an mp4j {@link Connection}, as CPython's {@code multiprocessing.connection.Connection} sends
 * them: each {@link #send} is one message holding one pickle (protocol 4), each {@link #recv} reads one message and
 * unpickles it (protocols 0 to 5). The other end may be a CPython {@code Listener} or {@code Client}
 * ({@code multiprocessing.connection}), reached with {@link dev.mp4j.multiprocessing.Connections#client} or
 * accepted by a {@link dev.mp4j.multiprocessing.Listener}: mp4j's framing and its two challenges (HMAC-MD5 before
 * Python 3.12, {@code {sha256}} since) are CPython's.
 *
 * <p>Python unpickles what Java sends, and CPython's unpickler runs what a pickle names: wrap only connections
 * made with an authkey, to a peer you trust as you would a Python process. What Java receives is data only
 * ({@link Pickle}).
 *
 * <p>Sending and receiving are thread-safe as the wrapped connection's are. Byte messages
 * ({@code send_bytes}/{@code recv_bytes}) go through {@link #connection()}.
 */
public final class PyConnection implements AutoCloseable {
    private final Connection connection;
    private final Pickle.Loader loader;
    private final Pickle.Dumper dumper;

    private PyConnection(Connection connection, Pickle.Loader loader, Pickle.Dumper dumper) {
        this.connection = Objects.requireNonNull(connection, "connection");
        this.loader = Objects.requireNonNull(loader, "loader");
        this.dumper = Objects.requireNonNull(dumper, "dumper");
    }

    /**
     * @param connection an open connection (made with an authkey)
     * @return a view of it that sends and receives pickles, with the default loader and dumper
     */
    public static PyConnection wrap(Connection connection) {
        return new PyConnection(connection, Pickle.loader(), Pickle.dumper());
    }

    /**
     * @param connection an open connection (made with an authkey)
     * @param loader how received pickles are read (allowed globals, bounds; its {@code maxBytes} also bounds the
     *     message read)
     * @param dumper how sent values are written (registered records)
     * @return a view of it that sends and receives pickles
     */
    public static PyConnection wrap(Connection connection, Pickle.Loader loader, Pickle.Dumper dumper) {
        return new PyConnection(connection, loader, dumper);
    }

    /**
     * Python's {@code conn.send(obj)}.
     *
     * @param value a value of {@link Pickle}'s mapping
     * @throws IllegalArgumentException for a Java object mp4j does not map to Python (nothing is sent)
     * @throws IllegalStateException if the connection is closed
     */
    public void send(Object value) {
        connection.sendBytes(dumper.dumps(value));
    }

    /**
     * Python's {@code conn.recv()}: blocks until a message arrives.
     *
     * @return the unpickled value
     * @throws dev.mp4j.multiprocessing.EOFError when nothing is left and the other end is closed
     * @throws PickleError if the message is not a pickle mp4j reads (the connection stays usable)
     * @throws java.io.UncheckedIOException if the message is longer than the loader's {@code maxBytes} (the
     *     connection is then unusable)
     */
    public Object recv() {
        long max = loader.maxBytesValue();
        byte[] message = max >= Integer.MAX_VALUE ? connection.recvBytes() : connection.recvBytes((int) max);
        return loader.loads(message);
    }

    /**
     * @param timeout how long to wait; null for no limit; negative counts as zero
     * @return whether a message (or the end of the stream) is there to read
     */
    public boolean poll(Duration timeout) {
        return connection.poll(timeout);
    }

    /** @return the wrapped connection, for byte messages and {@link dev.mp4j.multiprocessing.Connections#wait} */
    public Connection connection() {
        return connection;
    }

    /** Closes the wrapped connection (idempotent). */
    @Override
    public void close() {
        connection.close();
    }
}
