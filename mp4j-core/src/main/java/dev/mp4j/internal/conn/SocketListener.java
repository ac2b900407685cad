package dev.mp4j.internal.conn;

import dev.mp4j.InterruptedError;
import dev.mp4j.multiprocessing.AuthenticationError;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * A bound, listening socket that accepts {@link SocketConnection}s (Python's {@code SocketListener} plus the
 * authentication of its {@code Listener}).
 *
 * <p>States: listening --{@link #close()}--&gt; closed; {@link #accept()} on a closed listener, or one closed
 * while it waits, throws {@link IllegalStateException}. The server channel is non-blocking and
 * {@code accept} sleeps in a selector, so an interrupt wakes it with {@link InterruptedError} and leaves the
 * listener open. {@code acceptLock} lets one thread at a time take a connection off the queue; the
 * handshake then runs outside it, so one slow client does not hold up the others. {@code handles} (its
 * monitor) guards the move to closed and the selector's creation. A listener that becomes unreachable
 * without being closed is closed by a {@link Cleaner} (socket file and directory included), as Python's is
 * when garbage collected.
 *
 * <p>With an authkey, an accepted peer must answer the challenge and send its own within the handshake
 * timeout, or {@code accept} closes it and throws {@link AuthenticationError}; nothing it sends before that
 * is deserialized (the handshake reads only frames of at most 256 bytes, as plain bytes). On a Unix-domain
 * socket a peer that runs as another user is closed before anything is read from it, and the listener goes on
 * to the next ({@link PeerCredentials}).
 */
public final class SocketListener implements AutoCloseable {
    /** How long an accepted peer has to complete the handshake. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(20);

    private final ServerSocketChannel server;
    private final SocketAddress address;
    private final byte[] authkey;
    private final Duration handshakeTimeout;
    private final ObjectInputFilter filter;
    /** For a Unix-domain socket, the user its peers must run as ({@link PeerCredentials}); null for TCP. */
    private final UserPrincipal owner;
    private final ReentrantLock acceptLock = new ReentrantLock();
    private final Handles handles;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;
    private volatile SocketAddress lastAccepted;

    /**
     * Binds and listens.
     *
     * @param address an InetSocketAddress (port 0: any free port) or a UnixDomainSocketAddress; null for a
     *     Unix-domain socket in a new private (0700) temporary directory
     * @param backlog the listen queue's length
     * @param authkey the key both ends must prove they hold, or null for no authentication
     * @param handshakeTimeout how long an accepted peer has to complete the handshake
     * @param filter what objects accepted connections' {@code recv} accepts; null for the default
     * @throws IllegalArgumentException for another kind of address
     * @throws UncheckedIOException if the address cannot be bound (in use, say)
     */
    public SocketListener(SocketAddress address, int backlog, byte[] authkey, Duration handshakeTimeout,
            ObjectInputFilter filter) {
        Path dir = null;
        if (address == null) {
            dir = SocketFiles.privateDirectory();
            address = UnixDomainSocketAddress.of(dir.resolve("listener.sock"));
        }
        SocketConnection.checkFamily(address);
        ServerSocketChannel ch = null;
        try {
            if (address instanceof UnixDomainSocketAddress) {
                ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            } else {
                ch = ServerSocketChannel.open();
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            ch.bind(address, backlog);
            ch.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // it never listened
                }
            }
            SocketFiles.remove(null, dir);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot listen on " + address + ": " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
        this.server = ch;
        Path socketFile = address instanceof UnixDomainSocketAddress u ? u.getPath() : null;
        if (socketFile != null) {
            SocketFiles.track(socketFile, dir);
        }
        this.owner = socketFile == null ? null : PeerCredentials.owner(socketFile);
        this.handles = new Handles(ch, socketFile, dir);
        this.cleanable = SocketConnection.CLEANER.register(this, handles);
        SocketAddress bound;
        try {
            bound = ch.getLocalAddress();
        } catch (IOException e) {
            bound = address;
        }
        this.address = bound;
        this.authkey = authkey == null ? null : authkey.clone();
        this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
        this.filter = filter;
    }

    /**
     * Waits for a peer and returns the connection to it, authenticated when this listener has a key.
     *
     * @return the connection
     * @throws AuthenticationError if the peer fails the handshake, or does not finish it in time
     * @throws IllegalStateException if this listener is closed, or closed while waiting
     * @throws InterruptedError if the thread is interrupted
     */
    public SocketConnection accept() {
        return accept(() -> true, 0);
    }

    /**
     * As {@link #accept()}, for a peer that may never come: while none has, {@code stillComing} is asked
     * every {@code period}, and the wait ends when it answers false. A peer that connected before that
     * answer is still accepted.
     *
     * @param stillComing whether a peer may still come (a process that is to connect is alive, say)
     * @param period how often to ask
     * @return the connection, or null when {@code stillComing} said no before a peer came
     * @throws AuthenticationError if the peer fails the handshake, or does not finish it in time
     * @throws IllegalStateException if this listener is closed, or closed while waiting
     * @throws InterruptedError if the thread is interrupted
     */
    public SocketConnection accept(BooleanSupplier stillComing, Duration period) {
        return accept(stillComing, Math.max(1, period.toMillis()));
    }

    private SocketConnection accept(BooleanSupplier stillComing, long periodMillis) {
        checkOpen();
        SocketChannel ch;
        try {
            acceptLock.lockInterruptibly();
        } catch (InterruptedException e) {
            throw InterruptedError.restore(e);
        }
        try {
            ch = waitForPeer(stillComing, periodMillis);
        } finally {
            acceptLock.unlock();
        }
        if (ch == null) {
            return null;
        }
        SocketConnection c;
        try {
            lastAccepted = ch.getRemoteAddress();
            c = new SocketConnection(ch, filter);
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the peer is gone already
            }
            throw new UncheckedIOException("cannot set up an accepted connection", e);
        }
        if (authkey != null) {
            Auth.server(c, authkey, handshakeTimeout);
        }
        return c;
    }

    /** @param periodMillis how long one wait lasts between questions to {@code stillComing}; 0: no limit */
    private SocketChannel waitForPeer(BooleanSupplier stillComing, long periodMillis) {
        try {
            boolean last = false;
            while (true) {
                checkOpen();
                SocketChannel ch = server.accept();
                if (ch != null) {
                    if (PeerCredentials.admit(ch, owner, "listener " + address)) {
                        return ch;
                    }
                    continue; // a process of another user: closed unread, and the next peer is taken
                }
                if (last) {
                    return null;
                }
                Selector s = selector();
                s.select(periodMillis);
                s.selectedKeys().clear();
                last = !stillComing.getAsBoolean(); // asked before the last accept: a peer that came first is taken
                if (Thread.currentThread().isInterrupted()) {
                    throw InterruptedError.restore(null);
                }
            }
        } catch (ClosedChannelException | ClosedSelectorException e) {
            throw closedError();
        } catch (IOException e) {
            if (closed) {
                throw closedError();
            }
            throw new UncheckedIOException("accept failed: " + e.getMessage(), e);
        }
    }

    private Selector selector() throws IOException {
        Selector s = handles.selector();
        if (s == null || closed) {
            throw closedError();
        }
        return s;
    }

    /** What a listener holds of the operating system: its socket, its selector, its socket file. */
    private static final class Handles implements Runnable {
        private final ServerSocketChannel server;
        private final Path socketFile;
        private final Path privateDir;
        private Selector selector;   // guarded by this
        private boolean released;    // guarded by this

        Handles(ServerSocketChannel server, Path socketFile, Path privateDir) {
            this.server = server;
            this.socketFile = socketFile;
            this.privateDir = privateDir;
        }

        synchronized Selector selector() throws IOException {
            if (released) {
                return null;
            }
            if (selector == null) {
                Selector s = Selector.open();
                server.register(s, SelectionKey.OP_ACCEPT);
                selector = s;
            }
            return selector;
        }

        /** Stops listening, wakes a waiting accept, removes the socket file and private directory. */
        @Override
        public void run() {
            Selector s;
            synchronized (this) {
                released = true;
                s = selector;
            }
            try {
                server.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing more to release
                }
            }
            SocketFiles.remove(socketFile, privateDir);
        }
    }

    /** @return the bound address: the real port when port 0 was asked for */
    public SocketAddress address() {
        return address;
    }

    /** @return the peer address of the last connection accepted, or null */
    public SocketAddress lastAccepted() {
        return lastAccepted;
    }

    /** @return whether {@link #close()} was called */
    public boolean closed() {
        return closed;
    }

    /** Stops listening, wakes a waiting {@code accept}, and removes the socket file and private directory. */
    @Override
    public void close() {
        boolean first;
        synchronized (handles) {
            first = !closed;
            closed = true;
        }
        if (first) {
            cleanable.clean();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw closedError();
        }
    }

    private static IllegalStateException closedError() {
        return SocketConnection.closedError("listener");
    }

    @Override
    public String toString() {
        return "Listener[" + address + (authkey != null ? ", authenticated" : "") + (closed ? ", closed" : "") + "]";
    }
}
