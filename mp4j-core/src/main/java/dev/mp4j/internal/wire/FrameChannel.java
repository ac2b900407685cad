package dev.mp4j.internal.wire;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A framed, duplex byte channel over a blocking {@link SocketChannel} (Unix-domain or TCP), in the framing of
 * {@link Frames}. Sending is thread-safe (whole frames never interleave); receiving is for one reader at a
 * time. Closing is idempotent and wakes a blocked reader with an exception.
 */
public final class FrameChannel implements Closeable, Handshake.Transport {
    private final SocketChannel socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final ReentrantLock sendLock = new ReentrantLock();

    /** @param socket a connected, blocking socket channel; owned by this object from now on */
    public FrameChannel(SocketChannel socket) {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(Channels.newInputStream(socket), 1 << 16));
        this.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(socket), 1 << 16));
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

    @Override
    public byte[] receive(int maxLength) throws IOException {
        return Frames.read(in, maxLength);
    }

    /**
     * @param maxLength the longest payload accepted
     * @return the next frame's payload
     * @throws IOException on a closed peer ({@link java.io.EOFException}) or a bad frame
     */
    public byte[] receive(long maxLength) throws IOException {
        return Frames.read(in, maxLength);
    }

    /** @return whether the channel is still open on this side */
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that failed already: nothing left to release
        }
    }
}
