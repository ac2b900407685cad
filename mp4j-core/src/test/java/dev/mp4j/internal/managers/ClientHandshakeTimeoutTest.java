package dev.mp4j.internal.managers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.mp4j.multiprocessing.AuthenticationError;
import dev.mp4j.multiprocessing.Empty;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.managers.SyncManager;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A manager client's connect and authentication handshake are bounded ({@link Client#handshakeTimeout}, set
 * low here): a peer that accepts and never answers, or stops answering midway, fails the request with an
 * error that names the server's address and what timed out. The replies to calls are not bounded by it.
 */
@Timeout(30)
class ClientHandshakeTimeoutTest {
    private static final byte[] KEY = "key".getBytes(StandardCharsets.US_ASCII);
    private static final Duration BOUND = Duration.ofMillis(500);

    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final AtomicInteger reads = new AtomicInteger();
    private Duration before;
    private ServerSocket server;
    private Thread acceptor;

    @BeforeEach
    void lowerTheBound() {
        before = Client.handshakeTimeout;
        Client.handshakeTimeout = BOUND;
    }

    @AfterEach
    void restore() throws Exception {
        Client.handshakeTimeout = before;
        if (server != null) {
            server.close();
            acceptor.join(10_000);
        }
        for (Socket s : accepted) {
            s.close();
        }
    }

    /** A loopback listener whose connections get {@code peer}, run in the accepting thread. */
    private InetSocketAddress listen(PeerScript peer) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().start(() -> {
            try {
                while (true) {
                    Socket s = server.accept();
                    accepted.add(s);
                    peer.run(s);
                }
            } catch (IOException e) {
                // closed by the test
            }
        });
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    private static ManagerMessages.Request dummy() {
        return new ManagerMessages.Request(ManagerMessages.CALL, 1L, 1L, "size", new String[0], new Object[0]);
    }

    private static void assertTimedOut(AuthenticationError e, InetSocketAddress address) {
        String m = e.getMessage();
        assertTrue(m.contains("manager's server at " + address), m);
        assertTrue(m.contains("handshake in time"), m);
        assertTrue(m.contains("waited " + BOUND.toMillis() + " ms"), m);
        assertInstanceOf(SocketTimeoutException.class, e.getCause().getCause(), "the cause: " + e.getCause());
    }

    @Test
    void aPeerThatAcceptsAndNeverAnswersFailsTheConnect() throws Exception {
        InetSocketAddress address = listen(s -> { });
        AuthenticationError e = assertThrows(AuthenticationError.class, () -> Client.request(address, KEY, dummy()));
        assertTimedOut(e, address);
    }

    /** The bound covers the whole exchange: a peer that sends a well-formed challenge, then nothing. */
    @Test
    void aPeerThatFallsSilentMidwayFailsTheConnect() throws Exception {
        InetSocketAddress address = listen(s -> {
            byte[] challenge = new byte[11 + 8 + 40];
            System.arraycopy("#CHALLENGE#{sha256}".getBytes(StandardCharsets.US_ASCII), 0, challenge, 0, 19);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeInt(challenge.length);
            out.write(challenge);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            in.readFully(new byte[in.readInt()]); // the client's answer; no verdict follows
            reads.incrementAndGet();
        });
        AuthenticationError e = assertThrows(AuthenticationError.class, () -> Client.request(address, KEY, dummy()));
        assertTimedOut(e, address);
        assertEquals(1, reads.get(), "the client answered the challenge, then waited for the verdict");
    }

    /**
     * The bound covers the TCP connect: a listener that never accepts, its backlog full, leaves further
     * connects unanswered (the kernel drops their SYNs).
     */
    @Test
    void aConnectThatIsNotEstablishedFailsInTime() throws Exception {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().start(() -> { });
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        boolean full = false;
        for (int i = 0; i < 16 && !full; i++) {
            Socket s = new Socket();
            accepted.add(s);
            try {
                s.connect(address, 300);
            } catch (SocketTimeoutException e) {
                full = true;
            }
        }
        assumeTrue(full, "this system's TCP completes connects beyond the listener's backlog");
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Client.request(address, KEY, dummy()));
        String m = e.getMessage();
        assertTrue(m.contains("manager's server at " + address), m);
        assertTrue(m.contains("waited " + BOUND.toMillis() + " ms"), m);
        assertInstanceOf(SocketTimeoutException.class, e.getCause(), "the cause: " + e.getCause());
    }

    /** A call's reply may take longer than the bound: a proxied {@code get} waits as long as it was asked. */
    @Test
    void aCallsReplyIsNotBoundedByIt() {
        Client.handshakeTimeout = before;
        try (SyncManager m = new SyncManager()) {
            m.start();
            Queue<Integer> q = m.queue(); // this thread's connection is made here, under the default bound
            Client.handshakeTimeout = Duration.ofMillis(100);
            assertThrows(Empty.class, () -> q.get(Duration.ofSeconds(1)));
            q.put(7);
            assertEquals(7, q.get());
        }
    }

    /** What the fake peer does with an accepted connection. */
    interface PeerScript {
        void run(Socket s) throws IOException;
    }
}
