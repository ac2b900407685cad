package dev.mp4j.internal.wire;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.Arrays;

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
 * A reader that sees the stream end inside a frame reports a truncated frame; one that sees it before
 * a frame reports {@link EOFException}. The length is checked against the reader's limit before anything is
 * allocated, and a payload over 1 MiB gets an array that grows as its bytes arrive, so a hostile length
 * prefix costs nothing until the peer sends that many bytes.
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

    /**
     * @param out where to write
     * @param buf the payload
     * @param off its offset
     * @param len its length
     * @throws IOException from the stream
     */
    public static void write(DataOutputStream out, byte[] buf, int off, int len) throws IOException {
        out.writeInt(len);
        out.write(buf, off, len);
    }

    /**
     * Writes one frame whose payload is {@code head} then {@code body}, without joining them.
     *
     * @param out where to write
     * @param head the payload's first part
     * @param body the rest
     * @throws IOException from the stream, or if the payload is longer than a Java array
     */
    public static void write(DataOutputStream out, byte[] head, byte[] body) throws IOException {
        long len = (long) head.length + body.length;
        if (len > MAX_ARRAY) {
            throw new IOException("a frame of " + len + " bytes is longer than a Java array");
        }
        out.writeInt((int) len);
        out.write(head);
        out.write(body);
    }

    /**
     * Reads one frame.
     *
     * @param in where to read
     * @param maxLength the longest payload accepted
     * @return the payload
     * @throws EOFException if the stream ends before a frame starts
     * @throws StreamCorruptedException if the length is negative, over {@code maxLength}, or the frame is cut
     * @throws IOException from the stream
     */
    public static byte[] read(DataInputStream in, long maxLength) throws IOException {
        return read(in, maxLength, null);
    }

    /**
     * Reads one frame, into {@code spare} when the payload is exactly as long.
     *
     * @param in where to read
     * @param maxLength the longest payload accepted
     * @param spare an array whose contents nobody reads any more, or null
     * @return the payload: {@code spare} itself, or a fresh array
     * @throws EOFException if the stream ends before a frame starts
     * @throws StreamCorruptedException if the length is negative, over {@code maxLength}, or the frame is cut
     * @throws IOException from the stream
     */
    static byte[] read(DataInputStream in, long maxLength, byte[] spare) throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            throw new EOFException("connection closed");
        }
        long n;
        try {
            int rest = (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
            int header = (b0 << 24) | rest;
            n = header == -1 ? in.readLong() : header;
        } catch (EOFException e) {
            throw new StreamCorruptedException("truncated frame header");
        }
        if (n < 0) {
            throw new StreamCorruptedException("negative frame length " + n);
        }
        if (n > maxLength) {
            throw new StreamCorruptedException("frame of " + n + " bytes exceeds the limit of " + maxLength);
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new StreamCorruptedException("frame of " + n + " bytes is larger than a Java array");
        }
        int length = (int) n;
        // Up to EAGER_ALLOCATION bytes at once; past that the array grows as the bytes arrive, so a peer that
        // announces a huge frame and sends less costs no more than what it sent.
        byte[] buf = spare != null && spare.length == length ? spare : new byte[Math.min(length, EAGER_ALLOCATION)];
        int filled = 0;
        while (filled < length) {
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(length, 2L * buf.length));
            }
            int got = in.read(buf, filled, buf.length - filled);
            if (got < 0) {
                throw new StreamCorruptedException("truncated frame: expected " + n + " bytes, got " + filled);
            }
            filled += got;
        }
        return buf;
    }
}
