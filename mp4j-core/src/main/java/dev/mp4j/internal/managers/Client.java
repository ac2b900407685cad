package dev.mp4j.internal.managers;

import dev.mp4j.InterruptedError;
import dev.mp4j.internal.conn.Auth;
import dev.mp4j.internal.conn.SocketConnection;
import dev.mp4j.internal.conn.SocketListener;
import dev.mp4j.internal.ring.Pids;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.multiprocessing.EOFError;

import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The client side of {@link ManagerMessages}: each thread keeps one authenticated connection per server (address and
 * key), made on its first request, as Python's proxies keep one per thread. A cached connection that has
 * become readable between requests was closed by its server (shut down, or restarted at the same address):
 * it is dropped and a new one made. A connection whose request was interrupted, or that failed midway, is
 * closed, so the stream never gets out of step; the server then abandons the call.
 */
public final class Client {
    private static final ThreadLocal<Map<Key, SocketConnection>> CONNECTIONS = ThreadLocal.withInitial(HashMap::new);
    /**
     * How long a new connection's connect and authentication handshake may take: beyond the server's own
     * handshake timeout ({@link SocketListener#HANDSHAKE_TIMEOUT}, counted from its accept), so a server that
     * is slow to accept but alive fails the handshake on its side first, with its own reason. Set lower only
     * by tests.
     */
    static volatile Duration handshakeTimeout = SocketListener.HANDSHAKE_TIMEOUT.plusSeconds(10);

    private Client() {}

    /** A server as a client reaches it. */
    private record Key(SocketAddress address, byte[] authkey) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.address.equals(address) && Arrays.equals(k.authkey, authkey);
        }

        @Override
        public int hashCode() {
            return address.hashCode() * 31 + Arrays.hashCode(authkey);
        }

        @Override
        public String toString() {
            return String.valueOf(address);
        }
    }

    /**
     * A thread's way to one server, as a caller keeps it between its requests ({@link
     * #request(Line, ManagerMessages.Request)}) instead of finding the thread's connection again for each.
     * Used by its thread only.
     */
    public static final class Line {
        private final Thread thread = Thread.currentThread();
        private final Key key;
        /** The connection last used, or null before the first request. */
        private SocketConnection conn;

        /**
         * @param address the server's address
         * @param authkey the key
         */
        public Line(SocketAddress address, byte[] authkey) {
            this.key = new Key(address, authkey);
        }

        /** @return whether it is the calling thread's */
        public boolean current() {
            return thread == Thread.currentThread();
        }
    }

    /**
     * Sends a request on this thread's connection to the server and waits for the reply.
     *
     * @param address the server's address
     * @param authkey the key
     * @param req the request
     * @return the reply
     * @throws IllegalArgumentException if the request cannot be serialized (nothing was sent)
     * @throws dev.mp4j.multiprocessing.AuthenticationError if the key is wrong
     * @throws java.io.UncheckedIOException if the server cannot be reached
     * @throws EOFError if the server closed the connection before replying (it stopped or died)
     * @throws InterruptedError if the thread is interrupted (the connection is closed)
     */
    public static ManagerMessages.Reply request(SocketAddress address, byte[] authkey, ManagerMessages.Request req) {
        return request(new Line(address, authkey), req);
    }

    /**
     * As {@link #request(SocketAddress, byte[], ManagerMessages.Request)}, through a line of this thread's
     * ({@link Line#current()}).
     *
     * @param line the calling thread's line to the server
     * @param req the request
     * @return the reply
     */
    public static ManagerMessages.Reply request(Line line, ManagerMessages.Request req) {
        byte[] out = ManagerMessages.encodeRequest(req);
        SocketConnection c = line.conn;
        if (c == null || stale(c)) {
            c = connection(line.key, c);
            line.conn = c;
        }
        byte[] in;
        try {
            c.sendBytes(out);
            in = c.recvBytes();
        } catch (EOFError e) {
            drop(line.key, c);
            throw new EOFError("the manager's server at " + line.key.address + " closed the connection during "
                    + what(req) + ": it was shut down or died", e);
        } catch (RuntimeException e) {
            drop(line.key, c);
            throw e;
        }
        return decode(in);
    }

    /**
     * This thread's connection to a server: the one it has, unless that has become readable between requests
     * (closed by its server: shut down, or restarted at the same address), else a new one.
     *
     * @param old a connection of the key found stale, or null
     */
    private static SocketConnection connection(Key key, SocketConnection old) {
        Map<Key, SocketConnection> mine = CONNECTIONS.get();
        if (old != null) {
            drop(key, old);
        }
        SocketConnection c = mine.get(key);
        if (c != null && stale(c)) {
            drop(key, c);
            c = null;
        }
        if (c == null) {
            c = connect(key.address, key.authkey);
            mine.put(key, c);
        }
        return c;
    }

    /**
     * Sends one request on a connection of its own, waiting at most until {@code deadline} for the reply.
     *
     * @param address the server's address
     * @param authkey the key
     * @param req the request
     * @param deadline from {@link Timeouts#deadline}
     * @return the reply, or null if none came in time
     */
    public static ManagerMessages.Reply oneShot(SocketAddress address, byte[] authkey, ManagerMessages.Request req, long deadline) {
        try (SocketConnection c = connect(address, authkey)) {
            c.sendBytes(ManagerMessages.encodeRequest(req));
            byte[] in = c.receive(SocketConnection.DEFAULT_LIMIT, deadline);
            return in == null ? null : decode(in);
        }
    }

    /**
     * A new authenticated connection to a server; a failed handshake (a wrong key, or a server that died or
     * closed the connection during it) says which server it was. The connect and the handshake together are
     * bounded by {@link #handshakeTimeout}; the replies to requests are not (a proxied {@code get()} may
     * block for as long as its caller asked).
     */
    private static SocketConnection connect(SocketAddress address, byte[] authkey) {
        Duration timeout = handshakeTimeout;
        long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
        try {
            SocketConnection c = Auth.client(address, authkey, timeout);
            if (address instanceof UnixDomainSocketAddress) {
                hello(c, deadline);
            }
            return c;
        } catch (dev.mp4j.multiprocessing.AuthenticationError e) {
            throw new dev.mp4j.multiprocessing.AuthenticationError("connecting to the manager's server at " + address
                    + ": " + e.getMessage() + (e.getCause() instanceof SocketTimeoutException ? timedOut(timeout) : ""), e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("connecting to the manager's server at " + address + ": " + e.getMessage()
                    + (e.getCause() instanceof SocketTimeoutException ? timedOut(timeout) : ""), e.getCause());
        }
    }

    /**
     * Names this process to the server (HELLO), which then gives back the references it counts for it if it
     * dies holding them. Part of the handshake, and bounded with it; any failure closes the connection.
     */
    private static void hello(SocketConnection c, long deadline) {
        try {
            c.sendBytes(ManagerMessages.encodeRequest(new ManagerMessages.Request(ManagerMessages.HELLO, 0, 0, null,
                    null, new Object[] {Pids.SELF, Pids.SELF_START})));
            if (c.receive(SocketConnection.DEFAULT_LIMIT, deadline) == null) {
                throw new dev.mp4j.multiprocessing.AuthenticationError(
                        "the peer did not complete the authentication handshake in time", new SocketTimeoutException());
            }
        } catch (dev.mp4j.multiprocessing.AuthenticationError | InterruptedError e) {
            c.close();
            throw e;
        } catch (RuntimeException e) {
            c.close();
            throw new dev.mp4j.multiprocessing.AuthenticationError("authentication failed: " + e.getMessage(), e);
        }
    }

    private static String timedOut(Duration timeout) {
        return " (waited " + timeout.toMillis() + " ms: the server is stopped, wedged or not an mp4j manager)";
    }

    /**
     * Closes this thread's connection to a server, if it has one.
     *
     * @param address the server's address
     */
    public static void forget(SocketAddress address) {
        // a loop, not removeIf with a lambda: a manager's shutdown calls this, and a lambda is spun on first use
        for (var it = CONNECTIONS.get().entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, SocketConnection> e = it.next();
            if (e.getKey().address.equals(address)) {
                e.getValue().close();
                it.remove();
            }
        }
    }

    private static boolean stale(SocketConnection c) {
        if (c.closed()) {
            return true;
        }
        try {
            return c.poll(); // nothing is due between requests: data or EOF means the server closed it
        } catch (RuntimeException e) {
            return true;
        }
    }

    private static void drop(Key key, SocketConnection c) {
        c.close();
        CONNECTIONS.get().remove(key, c);
    }

    private static ManagerMessages.Reply decode(byte[] in) {
        return Codec.received(() -> ManagerMessages.decodeReply(in), "the manager's reply");
    }

    private static String what(ManagerMessages.Request req) {
        return switch (req.op()) {
            case ManagerMessages.CALL -> "a call of " + req.name();
            case ManagerMessages.CREATE -> "the creation of a '" + req.name() + "'";
            default -> "a request";
        };
    }
}
