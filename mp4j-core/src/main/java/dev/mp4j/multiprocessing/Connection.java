package dev.mp4j.multiprocessing;

import java.io.Serializable;
import java.time.Duration;

/**
 * One end of a message channel (Python's {@code multiprocessing.connection.Connection}): objects and byte
 * messages, sent whole and received whole. Ends made by {@code Context.pipe()} may be passed to other
 * processes (as a captured value or an argument), where they re-attach to the same channel; ends made by
 * a {@code Listener} or {@code Connections.client} belong to the process that made them.
 *
 * <p>Sending is thread-safe; so is receiving, one message to one receiver. A closed end throws
 * {@link IllegalStateException}; an end whose peer has closed (or died) and has nothing left to read throws
 * {@link EOFError} from {@code recv}.
 *
 * @since 0.1
 */
public interface Connection extends Serializable, AutoCloseable, Sentinel {
    /**
     * Sends an object (it must be serializable; null is allowed).
     *
     * @param obj the object
     */
    void send(Object obj);

    /**
     * Receives an object sent with {@link #send}; blocks until one arrives.
     *
     * @param <T> the type the caller expects
     * @return the object
     * @throws EOFError when nothing is left and the other end is closed
     */
    <T> T recv();

    /** @param buf a whole message to send */
    void sendBytes(byte[] buf);

    /**
     * @param buf the bytes
     * @param offset where the message starts in {@code buf}
     * @param size its length
     * @throws IllegalArgumentException (Python's ValueError) if offset or size are out of range
     */
    void sendBytes(byte[] buf, int offset, int size);

    /** @return the next byte message */
    byte[] recvBytes();

    /**
     * @param maxlength the longest message accepted
     * @return the next byte message
     * @throws java.io.UncheckedIOException if the message is longer (the connection is then unusable)
     */
    byte[] recvBytes(int maxlength);

    /**
     * Receives a byte message into {@code buf}.
     *
     * @param buf where to put it
     * @return the message's length
     * @throws BufferTooShort (holding the whole message) if it does not fit
     */
    int recvBytesInto(byte[] buf);

    /**
     * @param buf where to put it
     * @param offset where in {@code buf}
     * @return the message's length
     * @throws BufferTooShort (holding the whole message) if it does not fit
     */
    int recvBytesInto(byte[] buf, int offset);

    /** @return whether there is something to read now ({@code poll(Duration.ZERO)}) */
    default boolean poll() {
        return poll(Duration.ZERO);
    }

    /**
     * @param timeout how long to wait for something to read; null for no limit; negative counts as zero
     * @return whether there is something to read
     */
    boolean poll(Duration timeout);

    /** Closes this end (idempotent). */
    @Override
    void close();

    /** @return whether this end is closed */
    boolean closed();

    /** @return whether this end can receive */
    boolean readable();

    /** @return whether this end can send */
    boolean writable();
}
