package dev.mp4j.multiprocessing;

import dev.mp4j.internal.conn.SocketListener;

import java.net.SocketAddress;

/**
 * Python's {@code multiprocessing.connection.Listener}: a bound socket that {@linkplain #accept() accepts}
 * connections from {@link Connections#client}. An {@link java.net.InetSocketAddress} listens on TCP
 * (AF_INET; port 0 picks a free port, which {@link #address()} then shows), a
 * {@link java.net.UnixDomainSocketAddress} on a Unix-domain socket (AF_UNIX); any other address is an
 * {@link IllegalArgumentException}. The connections are {@link Connection}s that belong to this process:
 * they cannot be sent to another one.
 *
 * <p>With an authkey, each accepted peer must answer a challenge (and then challenges this side) before
 * {@code accept} returns; nothing it sends before that is deserialized, and a peer that does not finish
 * within 20 seconds is dropped. The handshake is Python's, so a CPython {@code Client} with the same key can
 * connect (3.11's MD5 form and 3.12's SHA-256 form are both understood); only byte messages
 * ({@code sendBytes}/{@code recvBytes}) mean the same thing to both.
 *
 * <p>{@link #close()} stops listening, wakes a thread blocked in {@code accept} (which then throws
 * {@link IllegalStateException}), and removes the socket file of a Unix-domain listener (and the private
 * directory made for it).
 *
 * <p>For example:
 * {@snippet :
 * byte[] key = "secret password".getBytes(StandardCharsets.UTF_8);
 * try (var listener = new Listener(new InetSocketAddress("localhost", 6000), 1, key);
 *      Connection conn = listener.accept()) {
 *     System.out.println("connection accepted from " + listener.lastAccepted());
 *     conn.send(List.of(1, 2.5, "hello"));
 * }
 * }
 *
 * @since 0.1
 */
public class Listener implements AutoCloseable {
    private final SocketListener socket;

    /** A Unix-domain listener in a new private (0700) temporary directory, without authentication. */
    public Listener() {
        this(null, 1, null);
    }

    /**
     * A listener without authentication.
     *
     * @param address where to listen; null for a Unix-domain socket in a private temporary directory
     * @throws IllegalArgumentException for an address that is neither AF_INET nor AF_UNIX
     * @throws java.io.UncheckedIOException if the address cannot be bound (in use, say)
     */
    public Listener(SocketAddress address) {
        this(address, 1, null);
    }

    /**
     * @param address where to listen; null for a Unix-domain socket in a private temporary directory
     * @param backlog the listen queue's length (Python's default is 1)
     * @param authkey the key both ends must prove they hold; null for no authentication
     * @throws IllegalArgumentException for an address that is neither AF_INET nor AF_UNIX
     * @throws java.io.UncheckedIOException if the address cannot be bound (in use, say)
     */
    public Listener(SocketAddress address, int backlog, byte[] authkey) {
        this.socket = new SocketListener(address, backlog, authkey, SocketListener.HANDSHAKE_TIMEOUT, null);
    }

    /**
     * Waits for a peer to connect.
     *
     * @return the connection, authenticated when this listener has a key
     * @throws AuthenticationError if the peer fails the handshake or does not finish it in time (its
     *     connection is closed; the listener goes on)
     * @throws IllegalStateException if this listener is closed
     * @throws dev.mp4j.InterruptedError if the thread is interrupted
     */
    public Connection accept() {
        return socket.accept();
    }

    /** @return the address being listened on (for port 0, with the port chosen) */
    public SocketAddress address() {
        return socket.address();
    }

    /** @return the address the last accepted connection came from, or null (a Unix-domain peer has an empty path) */
    public SocketAddress lastAccepted() {
        return socket.lastAccepted();
    }

    /** Stops listening and removes a Unix-domain socket's file; idempotent. */
    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return socket.toString();
    }
}
