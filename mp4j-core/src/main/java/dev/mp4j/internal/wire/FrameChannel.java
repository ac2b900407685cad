package dev.mp4j.internal.wire;

import dev.mp4j.internal.util.Quietly;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A framed, duplex byte channel, in the framing of {@link Frames}: over a blocking {@link SocketChannel}
 * (Unix-domain or TCP), or over a pair of streams (a child JVM's stdin and the FIFO it reports back
 * through). Sending is thread-safe (whole frames never interleave); receiving is for one reader at a
 * time. Closing is idempotent; it wakes a blocked reader with an exception when the input can be closed
 * asynchronously (a socket, a {@link java.nio.channels.FileChannel}'s stream).
 */
public final class FrameChannel implements Closeable, Handshake.Transport {
    private final DataInputStream in;
    private final DataOutputStream out;
    private final Closeable input;
    private final Closeable output;
    private final ReentrantLock sendLock = new ReentrantLock();
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
        this.in = new DataInputStream(new BufferedInputStream(input, 1 << 16));
        this.out = new DataOutputStream(new BufferedOutputStream(output, 1 << 16));
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
        sendLock.lock();
        try {
            Frames.write(out, buf, off, len);
            out.flush();
        } finally {
            sendLock.unlock();
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
        sendLock.lock();
        try {
            Frames.write(out, head, body);
            out.flush();
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    public byte[] receive(int maxLength) throws IOException {
        return receive((long) maxLength);
    }

    /**
     * @param maxLength the longest payload accepted
     * @return the next frame's payload: a fresh array, or the one last {@linkplain #recycle recycled} when the
     *     payload is exactly as long
     * @throws IOException on a closed peer ({@link java.io.EOFException}) or a bad frame
     */
    public byte[] receive(long maxLength) throws IOException {
        byte[] frame = Frames.read(in, maxLength, spare);
        if (frame == spare) {
            spare = null;
        }
        return frame;
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
        try {
            return in.available() > 0;
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
