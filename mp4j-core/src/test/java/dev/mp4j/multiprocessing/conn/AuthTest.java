package dev.mp4j.multiprocessing.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.conn.SocketListener;
import dev.mp4j.multiprocessing.AuthenticationError;
import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;
import dev.mp4j.multiprocessing.Listener;
import dev.mp4j.multiprocessing.conn.Fixtures.Family;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The authkey handshake: Listener and client, CPython's OtherTest, the 3.11 (MD5) and 3.12 forms, hostile peers. */
@Timeout(60)
class AuthTest {
    private static final byte[] KEY = "secret password".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHALLENGE = ascii("#CHALLENGE#");
    private static final byte[] WELCOME = ascii("#WELCOME#");
    private static final byte[] FAILURE = ascii("#FAILURE#");

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] hmac(String algorithm, byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            return mac.doFinal(message);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static SocketAddress listenAddress(Family family) {
        return family.listenAddress();
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void testRightKey(Family family) throws Exception {
        SocketAddress address;
        try (Listener l = new Listener(listenAddress(family), 1, KEY)) {
            address = l.address();
            CompletableFuture<Connection> client = Fixtures.thread("client", () -> Connections.client(l.address(), KEY));
            try (Connection server = l.accept(); Connection c = Fixtures.join(client)) {
                c.send(java.util.List.of(2.25, "junk"));
                assertEquals(java.util.List.of(2.25, "junk"), server.recv());
                server.sendBytes("hello".getBytes());
                assertArrayEquals("hello".getBytes(), c.recvBytes());
            }
        }
        Fixtures.assertSocketRemoved(address, true);
    }

    @Test
    void testEmptyKey() throws Exception {
        try (Listener l = new Listener(null, 1, new byte[0])) {
            CompletableFuture<Connection> client = Fixtures.thread("client",
                    () -> Connections.client(l.address(), new byte[0]));
            try (Connection server = l.accept(); Connection c = Fixtures.join(client)) {
                c.send(1);
                assertEquals(1, (int) server.recv());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Family.class)
    void testWrongKey(Family family) throws Exception {
        try (Listener l = new Listener(listenAddress(family), 1, KEY)) {
            CompletableFuture<Connection> client = Fixtures.thread("client",
                    () -> Connections.client(l.address(), ascii("wrong")));
            AuthenticationError server = assertThrows(AuthenticationError.class, l::accept);
            assertEquals("digest received was wrong", server.getMessage());
            AuthenticationError c = assertThrows(AuthenticationError.class, () -> Fixtures.join(client));
            assertEquals("digest sent was rejected", c.getMessage());
            // the listener goes on
            CompletableFuture<Connection> good = Fixtures.thread("client", () -> Connections.client(l.address(), KEY));
            try (Connection s = l.accept(); Connection g = Fixtures.join(good)) {
                g.send("ok");
                assertEquals("ok", s.recv());
            }
        }
    }

    /** The server's key is right but the client checks it with another: the client's challenge fails. */
    @Test
    void testClientRejectsServer() throws Exception {
        try (Listener l = new Listener(null, 1, KEY)) {
            CompletableFuture<Connection> client = Fixtures.thread("client", () -> {
                Connection c = Connections.client(l.address());
                Connections.answerChallenge(c, KEY);
                try {
                    Connections.deliverChallenge(c, ascii("another"));
                } finally {
                    c.close();
                }
                return c;
            });
            AuthenticationError e = assertThrows(AuthenticationError.class, l::accept);
            assertEquals("digest sent was rejected", e.getMessage());
            assertThrows(AuthenticationError.class, () -> Fixtures.join(client));
        }
    }

    // ---- CPython's OtherTest

    @Test
    void testDeliverChallengeAuthFailure() {
        FakeConnection c = new FakeConnection(sent -> ascii("something bogus"));
        assertThrows(AuthenticationError.class, () -> Connections.deliverChallenge(c, ascii("abc")));
        assertArrayEquals(FAILURE, c.sent.getLast(), "the peer is told");
    }

    @Test
    void testAnswerChallengeAuthFailure() {
        int[] count = {0};
        FakeConnection c = new FakeConnection(sent -> switch (++count[0]) {
            case 1 -> CHALLENGE;
            case 2 -> ascii("something bogus");
            default -> new byte[0];
        });
        assertThrows(AuthenticationError.class, () -> Connections.answerChallenge(c, ascii("abc")));
    }

    @Test
    void testAnswerRejectsNonChallenge() {
        FakeConnection c = new FakeConnection(sent -> ascii("#WELCOME#"));
        AuthenticationError e = assertThrows(AuthenticationError.class, () -> Connections.answerChallenge(c, KEY));
        assertTrue(e.getMessage().contains("expected a challenge"), e.getMessage());
    }

    // ---- Python 3.11's form and 3.12's digests

    /** A 3.11 challenger: 20 random bytes, expects their raw HMAC-MD5. */
    @Test
    void testAnswerLegacyChallenge() {
        byte[] message = new byte[20];
        new SecureRandom().nextBytes(message);
        FakeConnection c = new FakeConnection(sent -> sent.isEmpty() ? concat(CHALLENGE, message)
                : Arrays.equals(sent.getLast(), hmac("HmacMD5", KEY, message)) ? WELCOME : FAILURE);
        Connections.answerChallenge(c, KEY);
        assertArrayEquals(hmac("HmacMD5", KEY, message), c.sent.getFirst());
    }

    /** A 3.11 answerer: takes our whole message as its challenge and replies with raw HMAC-MD5. */
    @Test
    void testDeliverAcceptsLegacyAnswer() {
        FakeConnection c = new FakeConnection(sent -> {
            byte[] challenge = sent.getFirst();
            return hmac("HmacMD5", KEY, Arrays.copyOfRange(challenge, CHALLENGE.length, challenge.length));
        });
        Connections.deliverChallenge(c, KEY);
        byte[] challenge = c.sent.getFirst();
        assertTrue(new String(challenge, StandardCharsets.ISO_8859_1).startsWith("#CHALLENGE#{sha256}"));
        assertEquals(CHALLENGE.length + 8 + 40, challenge.length);
        assertArrayEquals(WELCOME, c.sent.getLast());
    }

    @ParameterizedTest
    @ValueSource(strings = {"md5:HmacMD5", "sha256:HmacSHA256", "sha384:HmacSHA384", "sha3_256:HmacSHA3-256"})
    void testDeliverAcceptsPrefixedDigests(String spec) {
        String name = spec.split(":")[0];
        String jca = spec.split(":")[1];
        FakeConnection c = new FakeConnection(sent -> {
            byte[] challenge = sent.getFirst();
            byte[] message = Arrays.copyOfRange(challenge, CHALLENGE.length, challenge.length);
            return concat(ascii("{" + name + "}"), hmac(jca, KEY, message));
        });
        Connections.deliverChallenge(c, KEY);
        assertArrayEquals(WELCOME, c.sent.getLast());
    }

    @Test
    void testDeliverRejectsUnknownDigestAndBadLengths() {
        for (byte[] response : new byte[][] {
                concat(ascii("{sha1}"), new byte[20]),        // not an allowed digest
                new byte[20],                                  // legacy length, but no MD5 is 20 bytes
                concat(ascii("{sha256}"), new byte[16]),       // right name, wrong length
                ascii("sha256 and no braces at all, long enough"),
        }) {
            FakeConnection c = new FakeConnection(sent -> response);
            assertThrows(AuthenticationError.class, () -> Connections.deliverChallenge(c, KEY));
            assertArrayEquals(FAILURE, c.sent.getLast());
        }
    }

    /** A 3.12 challenger naming sha384: the answer uses it and carries the prefix. */
    @Test
    void testAnswerPrefixedChallenge() {
        byte[] message = concat(ascii("{sha384}"), new byte[40]);
        FakeConnection c = new FakeConnection(sent -> sent.isEmpty() ? concat(CHALLENGE, message) : WELCOME);
        Connections.answerChallenge(c, KEY);
        assertArrayEquals(concat(ascii("{sha384}"), hmac("HmacSHA384", KEY, message)), c.sent.getFirst());
    }

    // ---- hostile peers of an authenticating listener

    /** Set when an instance is deserialized: must never happen before authentication. */
    static volatile boolean deserialized;

    static final class Tripwire implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            deserialized = true;
        }
    }

    private static byte[] serialized(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.toByteArray();
    }

    private static byte[] readFrame(SocketChannel ch) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4);
        while (header.hasRemaining()) {
            if (ch.read(header) < 0) {
                throw new java.io.EOFException();
            }
        }
        ByteBuffer body = ByteBuffer.allocate(header.flip().getInt());
        while (body.hasRemaining()) {
            if (ch.read(body) < 0) {
                throw new java.io.EOFException();
            }
        }
        return body.array();
    }

    @Test
    void testNothingIsDeserializedBeforeAuthentication() throws Exception {
        deserialized = false;
        byte[] payload = serialized(new Tripwire());
        assertTrue(payload.length <= 256, "fits in a handshake frame: " + payload.length);
        try (Listener l = new Listener(null, 1, KEY); SocketChannel raw = Fixtures.raw(l.address())) {
            CompletableFuture<Void> peer = Fixtures.thread("peer", () -> {
                readFrame(raw); // the challenge
                Fixtures.writeAll(raw, Fixtures.frame(payload));
                return null;
            });
            assertThrows(AuthenticationError.class, l::accept);
            Fixtures.join(peer);
            assertFalse(deserialized);
        }
    }

    @Test
    void testOversizedHandshakeFrame() throws Exception {
        try (Listener l = new Listener(null, 1, KEY); SocketChannel raw = Fixtures.raw(l.address())) {
            CompletableFuture<Void> peer = Fixtures.thread("peer", () -> {
                readFrame(raw);
                Fixtures.writeAll(raw, ByteBuffer.allocate(4).putInt(0x7fffffff).array());
                return null;
            });
            long t0 = System.nanoTime();
            AuthenticationError e = assertThrows(AuthenticationError.class, l::accept);
            assertTrue(e.getMessage().contains("bad message length"), e.getMessage());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "did not wait for the payload");
            Fixtures.join(peer);
        }
    }

    @Test
    void testPeerThatNeverAnswers() throws Exception {
        try (SocketListener l = new SocketListener(null, 1, KEY, Duration.ofMillis(300), null);
                SocketChannel silent = Fixtures.raw(l.address())) {
            long t0 = System.nanoTime();
            AuthenticationError e = assertThrows(AuthenticationError.class, l::accept);
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertInstanceOf(SocketTimeoutException.class, e.getCause());
            assertTrue(ms >= 290 && ms < 10_000, ms + " ms");
            // the silent peer's connection was closed: it reads the challenge, then the end
            readFrame(silent);
            assertEquals(-1, silent.read(ByteBuffer.allocate(1)));
            // and the listener goes on
            CompletableFuture<Connection> good = Fixtures.thread("client", () -> Connections.client(l.address(), KEY));
            try (Connection s = l.accept(); Connection g = Fixtures.join(good)) {
                g.send("ok");
                assertEquals("ok", s.recv());
            }
        }
    }

    @Test
    void testPeerThatHangsUp() throws Exception {
        try (Listener l = new Listener(null, 1, KEY)) {
            Fixtures.raw(l.address()).close();
            AuthenticationError e = assertThrows(AuthenticationError.class, l::accept);
            assertTrue(e.getMessage().startsWith("authentication failed"), e.getMessage());
        }
    }

    @Test
    void testClientAgainstSilentServer() throws Exception {
        // a listener that never challenges: the client waits (as Python's does), so bound it by closing
        try (Listener l = new Listener()) {
            CompletableFuture<Connection> client = Fixtures.thread("client", () -> Connections.client(l.address(), KEY));
            try (Connection s = l.accept()) {
                s.sendBytes(ascii("not a challenge"));
                AuthenticationError e = assertThrows(AuthenticationError.class, () -> Fixtures.join(client));
                assertTrue(e.getMessage().contains("expected a challenge"), e.getMessage());
            }
        }
    }
}
