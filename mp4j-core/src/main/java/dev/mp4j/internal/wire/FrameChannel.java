package dev.mp4j.internal.wire;

import dev.mp4j.internal.util.Quietly;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.io.StreamCorruptedException;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * A framed, duplex byte channel, in the framing of {@link Frames}: over a blocking {@link SocketChannel}
 * (Unix-domain or TCP), or over a pair of streams (a child JVM's stdin and the FIFO it reports back
 * through). Sending is thread-safe (whole frames never interleave); receiving is for one reader at a
 * time. Closing is idempotent; it wakes a blocked reader with an exception when the input can be closed
 * asynchronously (a socket, a {@link java.nio.channels.FileChannel}'s stream).
 *
 * <p>It buffers both ways itself, in {@link #BUFFER}-byte arrays: a frame is read from its buffer and sent
 * with one write of its header and payload (and a flush), where a DataInputStream over a BufferedInputStream
 * took a locked call per header byte and a DataOutputStream over a BufferedOutputStream three locked writes
 * per frame. A pool's chunks are a frame each way, and a fresh JVM runs these paths in its interpreter for
 * its first several hundred frames. The format, and what a reader reports for a bad frame, are described
 * in {@link Frames}.
 */
public final class FrameChannel implements Closeable, Handshake.Transport {
    /** The size of each way's buffer (the send buffer's largest). */
    static final int BUFFER = 1 << 16;
    private static final byte[] NONE = {};

    private final InputStream input;
    private final OutputStream output;
    /**
     * What was read and not yet taken: {@code in[inPos, inLimit)}; the receiving thread's. Made at the first
     * receive (a channel that only sends never touches the memory).
     */
    private byte[] in = NONE;
    private int inPos;
    private int inLimit;
    /** The send lock: a monitor, not a ReentrantLock, which the VM takes without a call where a lock's code runs interpreted in a fresh JVM. */
    private final Object sendLock = new Object();
    /**
     * A frame's header and payload, joined for one write; guarded by {@code sendLock}. It grows as frames need,
     * up to {@link #BUFFER}: a new array's memory costs its first touch, a page fault per 4 KiB, and most
     * channels send only short frames.
     */
    private byte[] out = new byte[256];
    /**
     * The shortest body of a two-part frame ({@link #send(byte[], byte[])}) written from its own array after
     * the header and head: one more write, where joining them copied it and grew {@link #out} to its size.
     */
    static final int SEPARATE_BODY = 16 * 1024;
    /** A received frame handed back for the next one of its length; the receiving thread's. */
    private byte[] spare;
    private volatile boolean open = true;

    /** @param socket a connected, blocking socket channel; owned by this object from now on */
    public FrameChannel(SocketChannel socket) {
        this(Channels.newInputStream(socket), Channels.newOutputStream(socket));
    }

    /**
     * @param input the stream frames are read from; owned by this object from now on
     * @param output the stream frames are written to; owned by this object from now on
     */
    public FrameChannel(InputStream input, OutputStream output) {
        this.input = input;
        this.output = output;
    }

    @Override
    public void send(byte[] frame) throws IOException {
        send(frame, 0, frame.length);
    }

    /**
     * Sends one frame.
     *
     * @param buf the payload
     * @param off its offset
     * @param len its length
     * @throws IOException if the peer is gone or the channel closed
     */
    public void send(byte[] buf, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, buf.length);
        synchronized (sendLock) {
            write(buf, off, len, null, len);
        }
    }

    /**
     * Sends one frame whose payload is {@code head} then {@code body} (a header and a large body that
     * need not be copied into one array).
     *
     * @param head the payload's first part
     * @param body the rest
     * @throws IOException if the peer is gone or the channel closed
     */
    public void send(byte[] head, byte[] body) throws IOException {
        long len = (long) head.length + body.length;
        if (len > Frames.MAX_ARRAY) {
            throw new IOException("a frame of " + len + " bytes is longer than a Java array");
        }
        synchronized (sendLock) {
            write(head, 0, head.length, body, (int) len);
        }
    }

    /**
     * Writes the header of a {@code total}-byte payload, {@code a[off, off + n)}, then {@code b} if not null,
     * and flushes: one write when it all fits in the buffer, else the header then the payload's parts as they
     * are. Send lock held.
     */
    private void write(byte[] a, int off, int n, byte[] b, int total) throws IOException {
        long whole = Frames.SHORT_HEADER + (long) total; // in an int, a payload of 2 GiB - 4 and more overflowed
        if (b != null && b.length >= SEPARATE_BODY && Frames.SHORT_HEADER + n <= out.length && whole > out.length) {
            // a large body (a map's chunk) goes from its own array: not copied, nor the buffer grown for it
            BigEndian.putInt(out, 0, total);
            System.arraycopy(a, off, out, Frames.SHORT_HEADER, n);
            output.write(out, 0, Frames.SHORT_HEADER + n);
            output.write(b);
            output.flush();
            return;
        }
        if (whole > out.length && out.length < BUFFER) {
            out = new byte[(int) Math.min(BUFFER, Math.max(2L * out.length, whole))];
        }
        byte[] o = out;
        BigEndian.putInt(o, 0, total);
        if (whole <= o.length) {
            System.arraycopy(a, off, o, Frames.SHORT_HEADER, n);
            if (b != null) {
                System.arraycopy(b, 0, o, Frames.SHORT_HEADER + n, b.length);
            }
            output.write(o, 0, (int) whole);
        } else {
            output.write(o, 0, Frames.SHORT_HEADER);
            output.write(a, off, n);
            if (b != null) {
                output.write(b);
            }
        }
        output.flush();
    }

    @Override
    public byte[] receive(int maxLength) throws IOException {
        return receive((long) maxLength);
    }

    /**
     * @param maxLength the longest payload accepted
     * @return the next frame's payload: a fresh array, or the one last {@linkplain #recycle recycled} when the
     *     payload is exactly as long
     * @throws EOFException if the stream ends before a frame starts
     * @throws StreamCorruptedException if the stream ends inside a frame, or the length is negative, over
     *     {@code maxLength} or longer than a Java array
     * @throws IOException from the input
     */
    public byte[] receive(long maxLength) throws IOException {
        if (in == NONE) {
            in = new byte[BUFFER];
        }
        if (!buffered(Frames.SHORT_HEADER)) {
            if (inPos == inLimit) {
                throw new EOFException("connection closed");
            }
            throw new StreamCorruptedException("truncated frame header");
        }
        int header = BigEndian.getInt(in, inPos);
        inPos += Frames.SHORT_HEADER;
        long n = header;
        if (header == -1) {
            if (!buffered(8)) {
                throw new StreamCorruptedException("truncated frame header");
            }
            n = BigEndian.getLong(in, inPos);
            inPos += 8;
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
        byte[] frame = spare != null && spare.length == length ? spare
                : new byte[Math.min(length, Frames.EAGER_ALLOCATION)];
        int filled = 0;
        while (filled < length) {
            if (filled == frame.length) {
                frame = Arrays.copyOf(frame, (int) Math.min(length, 2L * frame.length));
            }
            int room = frame.length - filled;
            if (inPos < inLimit) {
                int got = Math.min(room, inLimit - inPos);
                System.arraycopy(in, inPos, frame, filled, got);
                inPos += got;
                filled += got;
                continue;
            }
            // the buffer is empty: a large rest goes straight to the frame's array, a small one through the buffer
            int got = room >= in.length ? input.read(frame, filled, room) : input.read(in, 0, in.length);
            if (got < 0) {
                throw new StreamCorruptedException("truncated frame: expected " + n + " bytes, got " + filled);
            }
            if (room >= in.length) {
                filled += got;
            } else {
                inPos = 0;
                inLimit = got;
            }
        }
        if (frame == spare) {
            spare = null;
        }
        return frame;
    }
    /**
     * Reads until at least {@code k} bytes are buffered, moving what is buffered to the front first when the
     * rest would not fit. For the receiving thread.
     *
     * @return false if the stream ended first
     */
    private boolean buffered(int k) throws IOException {
        while (inLimit - inPos < k) {
            if (inPos > 0) {
                System.arraycopy(in, inPos, in, 0, inLimit - inPos);
                inLimit -= inPos;
                inPos = 0;
            }
            int got = input.read(in, inLimit, in.length - inLimit);
            if (got < 0) {
                return false;
            }
            inLimit += got;
        }
        return true;
    }

    /**
     * Hands back a frame this channel received, once nothing reads or keeps its bytes any more (what was
     * decoded from it was copied out): the next frame of exactly its length is read into it, where a fresh
     * array would cost its first touch of new memory (a page fault per 4 KiB on a virtual machine) and its
     * collection. A map's chunks of the same size come back in frames of the same length. One frame is kept,
     * up to {@link #MAX_SPARE} bytes. For the receiving thread only, as {@link #receive}.
     *
     * @param frame a payload {@link #receive} returned; the caller must not touch it afterwards
     */
    public void recycle(byte[] frame) {
        if (frame.length > 0 && frame.length <= MAX_SPARE) {
            spare = frame;
        }
    }

    /** The longest frame {@link #recycle} keeps. */
    public static final int MAX_SPARE = Frames.EAGER_ALLOCATION;

    /**
     * @return whether bytes of a frame are there to be read without blocking (a frame may still be on its
     *     way when false); true when the input cannot tell, as when it is broken, so that {@link #receive}
     *     reports it
     */
    public boolean ready() {
        // another thread may ask (a worker's idle check): it reads the buffer's bounds unsynchronized, at worst
        // a moment stale, which only delays or hastens what it decides
        if (inPos < inLimit) {
            return true;
        }
        try {
            return input.available() > 0;
        } catch (IOException broken) {
            return true;
        }
    }

    /** @return whether the channel is still open on this side */
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        Quietly.close(input);
        Quietly.close(output);
    }
}
