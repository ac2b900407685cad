package dev.mp4j.internal.wire;

import java.nio.ByteBuffer;

/**
 * Message framing, the same as Python's {@code multiprocessing.connection}:
 * <pre>
 *   offset 0  int32 big-endian  n     the payload length, when 0 &lt;= n &lt;= 0x7fffffff
 *   offset 4  n bytes                payload
 * or, for a payload of 2 GiB and more:
 *   offset 0  int32  -1
 *   offset 4  int64 big-endian  n
 *   offset 12 n bytes                payload
 * </pre>
 * This class holds the format's constants and header helpers; its readers and writers are {@link FrameChannel}
 * and {@link dev.mp4j.internal.conn.SocketConnection}. A reader that sees the stream end inside a frame reports
 * a truncated frame; one that sees it before a frame reports the end of the stream (FrameChannel an
 * {@link java.io.EOFException}). The length is checked against the reader's limit before anything is
 * allocated, and a payload over 1 MiB gets an array that grows as its bytes arrive, so a hostile length prefix
 * costs nothing until the peer sends that many bytes.
 */
public final class Frames {
    /** The header of a frame shorter than 2 GiB. */
    public static final int SHORT_HEADER = 4;
    /** The header of a frame of 2 GiB and more: {@code -1}, then the 64-bit length. */
    public static final int LONG_HEADER = 12;
    /** The longest payload a Java array can hold (the JDK's own soft limit on array lengths). */
    public static final int MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** Payloads up to this long get their whole array at once; longer ones an array that grows. */
    static final int EAGER_ALLOCATION = 1 << 20;

    private Frames() {}

    /**
     * The size of the header that starts at {@code buf.position()}, from its first four bytes.
     *
     * @param buf a buffer in read mode; not moved
     * @return {@link #SHORT_HEADER} or {@link #LONG_HEADER}, or 0 if fewer than four bytes are there
     */
    public static int headerSize(ByteBuffer buf) {
        if (buf.remaining() < SHORT_HEADER) {
            return 0;
        }
        return buf.getInt(buf.position()) == -1 ? LONG_HEADER : SHORT_HEADER;
    }

    /**
     * The payload length that a complete header at {@code buf.position()} announces.
     *
     * @param buf a buffer in read mode holding at least {@link #headerSize} bytes; not moved
     * @return the length; negative when the peer sent a length no frame can have
     */
    public static long payloadLength(ByteBuffer buf) {
        int n = buf.getInt(buf.position());
        return n == -1 ? buf.getLong(buf.position() + SHORT_HEADER) : n;
    }

    /**
     * Puts the header of a {@code length}-byte frame.
     *
     * @param buf a buffer in write mode with room for {@link #LONG_HEADER} bytes
     * @param length the payload length
     */
    public static void putHeader(ByteBuffer buf, long length) {
        if (length > Integer.MAX_VALUE) {
            buf.putInt(-1).putLong(length);
        } else {
            buf.putInt((int) length);
        }
    }
}
