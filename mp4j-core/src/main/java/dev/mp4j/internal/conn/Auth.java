package dev.mp4j.internal.conn;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Handshake;
import dev.mp4j.multiprocessing.AuthenticationError;
import dev.mp4j.multiprocessing.Connection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;

/** The authkey handshake ({@link Handshake}) on {@link Connection}s, with Python's exceptions. */
public final class Auth {
    private Auth() {}

    /**
     * Python's {@code deliver_challenge} on any connection.
     *
     * @param c the connection
     * @param key the authkey
     * @throws AuthenticationError if the peer's answer is wrong
     */
    public static void deliver(Connection c, byte[] key) {
        run(transport(c, Timeouts.FOREVER), key, true);
    }

    /**
     * Python's {@code answer_challenge} on any connection.
     *
     * @param c the connection
     * @param key the authkey
     * @throws AuthenticationError if the challenge is malformed or our answer is rejected
     */
    public static void answer(Connection c, byte[] key) {
        run(transport(c, Timeouts.FOREVER), key, false);
    }

    /**
     * The listener's side, in Python's order (challenge the peer, then answer its challenge). Any failure
     * closes the connection and becomes an {@link AuthenticationError} (its cause says what happened), so
     * that a server loop has one exception to expect from a bad client.
     *
     * @param c a connection just accepted
     * @param key the authkey
     * @param timeout how long a silent peer is waited for, in all
     * @throws InterruptedError if the thread is interrupted (the connection is closed)
     */
    static void server(SocketConnection c, byte[] key, Duration timeout) {
        both(c, key, Timeouts.deadline(Timeouts.toNanos(timeout)), true);
    }

    /**
     * Python's {@code Client}: connects, then, with a key, answers the listener's challenge and challenges it.
     * Any failure of the handshake closes the connection and becomes an {@link AuthenticationError}.
     *
     * @param address where the listener is
     * @param key the authkey, or null for no authentication
     * @return the connection
     */
    public static SocketConnection client(SocketAddress address, byte[] key) {
        SocketConnection c = SocketConnection.connect(address, null);
        if (key != null) {
            both(c, key, Timeouts.FOREVER, false);
        }
        return c;
    }

    /**
     * As {@link #client(SocketAddress, byte[])}, with the connect and the handshake together bounded by
     * {@code timeout}: a listener that does not complete them in time (a stopped or wedged server, or a peer
     * that is not a listener of this protocol) fails the call instead of holding it.
     *
     * @param address where the listener is
     * @param key the authkey, or null for no authentication
     * @param timeout how long the connect and the handshake may take, in all
     * @return the connection
     * @throws java.io.UncheckedIOException if the connection cannot be made, or (its cause a
     *     {@link SocketTimeoutException}) is not established within {@code timeout}
     * @throws AuthenticationError if the handshake fails or does not end within {@code timeout} (its cause
     *     then a {@link SocketTimeoutException})
     */
    public static SocketConnection client(SocketAddress address, byte[] key, Duration timeout) {
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        SocketConnection c = SocketConnection.connect(address, null, deadline);
        if (key != null) {
            both(c, key, deadline, false);
        }
        return c;
    }

    private static void both(SocketConnection c, byte[] key, long deadline, boolean deliverFirst) {
        Handshake.Transport t = transport(c, deadline);
        try {
            run(t, key, deliverFirst);
            run(t, key, !deliverFirst);
        } catch (InterruptedError e) {
            c.close();
            throw e;
        } catch (AuthenticationError e) {
            c.close();
            throw e;
        } catch (RuntimeException e) {
            c.close();
            throw new AuthenticationError("authentication failed: " + e.getMessage(), e);
        }
    }

    private static void run(Handshake.Transport t, byte[] key, boolean deliver) {
        Objects.requireNonNull(key, "authkey");
        try {
            if (deliver) {
                Handshake.deliver(t, key);
            } else {
                Handshake.answer(t, key);
            }
        } catch (Handshake.Failed e) {
            throw new AuthenticationError(e.getMessage(), e);
        } catch (SocketTimeoutException e) {
            throw new AuthenticationError(e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the transports below throw unchecked exceptions only
        }
    }

    private static Handshake.Transport transport(Connection c, long deadline) {
        Objects.requireNonNull(c, "connection");
        return new Handshake.Transport() {
            @Override
            public void send(byte[] frame) {
                c.sendBytes(frame);
            }

            @Override
            public byte[] receive(int maxLength) throws SocketTimeoutException {
                if (deadline == Timeouts.FOREVER || !(c instanceof SocketConnection sc)) {
                    return c.recvBytes(maxLength);
                }
                byte[] frame = sc.receive(maxLength, deadline);
                if (frame == null) {
                    throw new SocketTimeoutException("the peer did not complete the authentication handshake in time");
                }
                return frame;
            }
        };
    }
}
