package dev.mp4j.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StreamCorruptedException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The wire layer: SHA-256/HMAC against the JCA, Python's framing, the authkey challenge. */
@Timeout(30)
class WireTest {
    @Test
    void sha256MatchesTheJca() throws Exception {
        Random r = new Random(1);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int len = 0; len < 300; len++) {
            byte[] data = new byte[len];
            r.nextBytes(data);
            assertArrayEquals(md.digest(data), Sha256.digest(data), "length " + len);
        }
        byte[] a = {1, 2, 3};
        byte[] b = {4, 5};
        assertArrayEquals(md.digest(new byte[] {1, 2, 3, 4, 5}), Sha256.digest(a, b));
    }

    @Test
    void hmacMatchesTheJca() throws Exception {
        Random r = new Random(2);
        for (int keyLen = 1; keyLen < 150; keyLen += 7) {
            byte[] key = new byte[keyLen];
            byte[] msg = new byte[keyLen * 3];
            r.nextBytes(key);
            r.nextBytes(msg);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            assertArrayEquals(mac.doFinal(msg), Sha256.hmac(key, msg), "key length " + keyLen);
        }
    }

    @Test
    void framesRoundTripAndTheLongForm() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (FrameChannel sender = new FrameChannel(InputStream.nullInputStream(), bytes)) {
            sender.send(new byte[] {9, 8, 7}, 1, 2);
            sender.send(new byte[0], 0, 0);
            sender.send(new byte[] {4, 5}, new byte[] {6});
            sender.send(new byte[0], new byte[0]);
        }
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(-1); // Python's header for a payload of 2 GiB and more, here with a small length
        out.writeLong(3);
        out.write(new byte[] {1, 2, 3});
        try (FrameChannel in = reading(bytes.toByteArray())) {
            assertArrayEquals(new byte[] {8, 7}, in.receive(100L));
            assertArrayEquals(new byte[0], in.receive(100L));
            assertArrayEquals(new byte[] {4, 5, 6}, in.receive(100L), "a head and a body are one frame");
            assertArrayEquals(new byte[0], in.receive(100L));
            assertArrayEquals(new byte[] {1, 2, 3}, in.receive(100L));
            assertThrows(EOFException.class, () -> in.receive(100L));
        }
    }

    @Test
    void badFramesAreCleanErrorsWithoutBigAllocations() {
        byte[] huge = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        assertEquals("frame of 2147483647 bytes exceeds the limit of 1048576", corrupt(huge, 1 << 20));
        byte[] negative = {(byte) 0x80, 0, 0, 0};
        assertEquals("negative frame length -2147483648", corrupt(negative, 100));
        byte[] cutHeader = {0, 0};
        assertEquals("truncated frame header", corrupt(cutHeader, 100));
        byte[] cutBody = {0, 0, 0, 5, 1, 2};
        assertEquals("truncated frame: expected 5 bytes, got 2", corrupt(cutBody, 100));
    }

    private static FrameChannel reading(byte[] stream) {
        return new FrameChannel(new ByteArrayInputStream(stream), OutputStream.nullOutputStream());
    }

    /** @return the message of the StreamCorruptedException that receiving the first frame of {@code stream} throws */
    private static String corrupt(byte[] stream, long maxLength) {
        try (FrameChannel in = reading(stream)) {
            return assertThrows(StreamCorruptedException.class, () -> in.receive(maxLength)).getMessage();
        }
    }

    /** Two in-memory transports joined back to back. */
    private static final class Loop implements Handshake.Transport {
        final ArrayDeque<byte[]> inbox = new ArrayDeque<>();
        Loop peer;

        @Override
        public synchronized void send(byte[] frame) {
            synchronized (peer) {
                peer.inbox.add(frame.clone());
                peer.notifyAll();
            }
        }

        @Override
        public byte[] receive(int maxLength) throws IOException {
            synchronized (this) {
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (inbox.isEmpty()) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new EOFException("nothing received");
                    }
                    try {
                        wait(left / 1_000_000 + 1);
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                }
                byte[] f = inbox.poll();
                if (f.length > maxLength) {
                    throw new StreamCorruptedException("too long");
                }
                return f;
            }
        }
    }

    private static Loop[] pair() {
        Loop a = new Loop();
        Loop b = new Loop();
        a.peer = b;
        b.peer = a;
        return new Loop[] {a, b};
    }

    @Test
    void handshakeWithTheSameKeySucceedsBothWays() {
        Loop[] p = pair();
        byte[] key = "secret".getBytes();
        CompletableFuture<Void> server = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                Handshake.deliver(p[0], key);
                Handshake.answer(p[0], key);
                server.complete(null);
            } catch (Throwable e) {
                server.completeExceptionally(e);
            }
        });
        assertDoesNotThrow(() -> {
            Handshake.answer(p[1], key);
            Handshake.deliver(p[1], key);
        });
        server.join();
        assertDoesNotThrow(() -> t.join(5_000));
    }

    @Test
    void aWrongKeyFailsOnBothSides() {
        Loop[] p = pair();
        CompletableFuture<Throwable> server = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                Handshake.deliver(p[0], "right".getBytes());
                server.complete(null);
            } catch (IOException e) {
                server.complete(e);
            }
        });
        IOException client = assertThrows(IOException.class, () -> Handshake.answer(p[1], "wrong".getBytes()));
        assertTrue(client instanceof Handshake.Failed, client.toString());
        assertTrue(server.join() instanceof Handshake.Failed);
        assertEquals("digest received was wrong", server.join().getMessage());
    }
}
