package dev.mp4j.fuzz;

import static dev.mp4j.fuzz.FuzzSupport.allocated;
import static dev.mp4j.fuzz.FuzzSupport.assertAllocatedAtMost;
import static dev.mp4j.fuzz.FuzzSupport.assertOneOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Handshake;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StreamCorruptedException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link Handshake} as the listener (challenge first, then answer) and as the client (answer first, then
 * challenge), against a scripted peer whose behaviour the input picks. Input layout:
 * <pre>
 *   byte 0  bit 0     role: 0 client (answer, deliver), 1 listener (deliver, answer)
 *           bits 1-3  the peer's challenge: 0 {sha256}+nonce (Python 3.12+), 1 20-byte nonce (Python 3.11),
 *                     2 {md5}, 3 {sha384}, 4 {sha3_256}, 5 {sha3_384}, 6 {whirlpool} (not allowed),
 *                     7 raw: the rest of the input is the peer's byte stream, headers and all
 *           bits 4-6  the peer's answer to our challenge: 0 {sha256}+HMAC, 1 raw HMAC-MD5 (Python 3.11),
 *                     2 {md5}, 3 {sha384}, 4 {sha3_256}, 5 HMAC under another key, 6 cut short, 7 the nonce bytes
 *           bit 7     the peer corrupts one byte of what it sends (at byte 1's value, modulo its length)
 *   byte 1  where to corrupt; 0 also means an empty authkey
 *   rest    the nonce of the peer's challenge (or, raw, the stream)
 * </pre>
 * The peer is an independent implementation over the JCA, so this also checks the answers: an honest peer's
 * handshake must succeed and produce the MAC the JCA computes (a differential test of the built-in SHA-256
 * too); a dishonest one must fail with {@link Handshake.Failed}; only {@link IOException}s escape; memory stays
 * bounded by the input, whatever the frame headers announce.
 */
class HandshakeFuzzTest {
    private static final byte[] KEY = "fuzz-authkey".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHALLENGE = "#CHALLENGE#".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WELCOME = "#WELCOME#".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FAILURE = "#FAILURE#".getBytes(StandardCharsets.US_ASCII);
    private static final String[] CHALLENGE_DIGESTS = {"sha256", "", "md5", "sha384", "sha3_256", "sha3_384", "whirlpool"};
    private static final String[] ANSWER_DIGESTS = {"sha256", "", "md5", "sha384", "sha3_256"};

    /**
     * Loads what the first handshake loads once (the JCA's providers and MACs), so that the allocation bound
     * measures the handshake and not the JVM's one-time set-up.
     */
    @BeforeAll
    static void warmUp() throws Exception {
        for (int mode = 0; mode < 0x80; mode += 2) {
            byte[] nonce = new byte[40];
            handshakeOnce(new byte[] {(byte) mode, 7}, nonce);
            handshakeOnce(new byte[] {(byte) (mode | 1), 7}, nonce);
        }
    }

    private static void handshakeOnce(byte[] head, byte[] nonce) {
        byte[] data = concat(head, nonce);
        Peer peer = new Peer(KEY, (data[0] >> 1) & 7, (data[0] >> 4) & 7, false, 7, nonce);
        try {
            if ((data[0] & 1) != 0) {
                Handshake.deliver(peer, KEY);
                Handshake.answer(peer, KEY);
            } else {
                Handshake.answer(peer, KEY);
                Handshake.deliver(peer, KEY);
            }
        } catch (IOException | AssertionError expectedForSomeModes) {
            // only the classes they load matter here
        }
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void handshake(byte[] data) throws Exception {
        if (data.length < 2) {
            return;
        }
        boolean listener = (data[0] & 1) != 0;
        int challengeMode = (data[0] >> 1) & 7;
        int answerMode = (data[0] >> 4) & 7;
        boolean corrupt = (data[0] & 0x80) != 0;
        byte[] key = data[1] == 0 ? new byte[0] : KEY;
        byte[] rest = Arrays.copyOfRange(data, 2, data.length);
        Peer peer = new Peer(key, challengeMode, answerMode, corrupt, data[1] & 0xff, rest);
        long before = allocated();
        try {
            if (listener) {
                Handshake.deliver(peer, key);
                peer.deliverSucceeded();
                Handshake.answer(peer, key);
                peer.answerSucceeded();
            } else {
                Handshake.answer(peer, key);
                peer.answerSucceeded();
                Handshake.deliver(peer, key);
                peer.deliverSucceeded();
            }
        } catch (Handshake.Failed e) {
            peer.failed(e);
        } catch (IOException e) {
            assertOneOf(e, EOFException.class, StreamCorruptedException.class);
            assertTrue(challengeMode == 7 || peer.oversize, "a frame error from an honest peer's stream: " + e);
        }
        assertAllocatedAtMost(before, allocated(), data.length);
    }

    /** The built-in SHA-256 (used on a child's start-up path instead of the JCA) against the JCA's. */
    @FuzzTest(maxDuration = "2m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void sha256(byte[] data) throws Exception {
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(data), Handshake.sha256(data));
    }

    /** The peer: a transport that answers what the side under test sends, following the input's script. */
    private static final class Peer implements Handshake.Transport {
        private final byte[] key;
        private final int challengeMode;
        private final int answerMode;
        private final boolean corrupt;
        private final int corruptAt;
        private final byte[] nonce;
        /** What the peer has sent and the side under test not yet read, framed. */
        private final Deque<byte[]> frames = new ArrayDeque<>();
        /** The raw peer's stream, as the side under test reads it. */
        private FrameChannel raw;
        /** The peer's challenge, once sent. */
        private byte[] challengeSent;
        /** Whether the peer's answer was honest (so the side under test must accept it). */
        private Boolean honestAnswer;
        /** Whether the side under test answered the peer's challenge right (null: not yet). */
        private Boolean answeredRight;
        private boolean expectVerdict;
        /** The verdict of the side under test on the peer's answer. */
        private byte[] verdict;
        /** Whether the peer sent a frame longer than the receiver's limit. */
        boolean oversize;

        Peer(byte[] key, int challengeMode, int answerMode, boolean corrupt, int corruptAt, byte[] nonce) {
            this.key = key;
            this.challengeMode = challengeMode;
            this.answerMode = answerMode;
            this.corrupt = corrupt;
            this.corruptAt = corruptAt;
            this.nonce = nonce;
            if (challengeMode == 7) {
                raw = new FrameChannel(new ByteArrayInputStream(nonce), OutputStream.nullOutputStream());
            }
        }

        @Override
        public void send(byte[] frame) throws IOException {
            if (raw != null) {
                return; // the raw peer does not listen
            }
            if (expectVerdict) {
                expectVerdict = false;
                verdict = frame; // checked when the call returns
                return;
            }
            if (startsWith(frame, CHALLENGE)) {
                frames.add(answerTo(Arrays.copyOfRange(frame, CHALLENGE.length, frame.length)));
                expectVerdict = true;
                return;
            }
            // the answer to the peer's challenge
            byte[] expected = expectedAnswer(Arrays.copyOfRange(challengeSent, CHALLENGE.length, challengeSent.length));
            answeredRight = expected != null && Arrays.equals(expected, frame);
            if (!answeredRight) {
                fail("wrong answer to challenge mode " + challengeMode + ": expected "
                        + (expected == null ? "a refusal" : Arrays.toString(expected)) + ", got " + Arrays.toString(frame));
            }
            frames.add(WELCOME);
        }

        @Override
        public byte[] receive(int maxLength) throws IOException {
            if (raw != null) {
                return raw.receive(maxLength);
            }
            if (frames.isEmpty()) {
                if (challengeSent != null) {
                    throw new EOFException("the peer has nothing more to say");
                }
                challengeSent = challenge();
                frames.add(challengeSent);
            }
            byte[] f = frames.poll();
            oversize |= f.length > maxLength;
            // through the real framing, so the limit applies as on a channel
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            try (FrameChannel out = new FrameChannel(InputStream.nullInputStream(), b)) {
                out.send(f);
            }
            try (FrameChannel in = new FrameChannel(new ByteArrayInputStream(b.toByteArray()),
                    OutputStream.nullOutputStream())) {
                return in.receive(maxLength);
            }
        }

        private byte[] challenge() {
            String digest = CHALLENGE_DIGESTS[challengeMode];
            byte[] message = digest.isEmpty() ? Arrays.copyOf(nonce, 20) : concat(prefix(digest), nonce);
            return maybeCorrupt(concat(CHALLENGE, message));
        }

        /** Python 3.12's answer_challenge, over the JCA; null where it raises. */
        private byte[] expectedAnswer(byte[] message) {
            if (message.length < 20) {
                return null;
            }
            if (message.length == 16 || message.length == 20) {
                return mac("md5", message);
            }
            String name = digestName(message);
            if (name == null) {
                return null;
            }
            byte[] m = mac(name, message);
            return m == null ? null : concat(prefix(name), m);
        }

        private byte[] answerTo(byte[] message) {
            byte[] answer;
            honestAnswer = !corrupt && answerMode <= 4;
            if (answerMode <= 4) {
                String digest = ANSWER_DIGESTS[answerMode];
                answer = digest.isEmpty() ? mac("md5", message) : concat(prefix(digest), mac(digest, message));
            } else if (answerMode == 5) {
                byte[] other = concat(key, new byte[] {1});
                answer = concat(prefix("sha256"), hmac("HmacSHA256", other, message));
            } else if (answerMode == 6) {
                answer = Arrays.copyOf(concat(prefix("sha256"), mac("sha256", message)), 30);
            } else {
                answer = nonce;
            }
            return maybeCorrupt(answer);
        }

        void deliverSucceeded() {
            if (raw != null) {
                fail("the handshake accepted a raw stream as an answer to a random challenge");
            }
            assertTrue(honestAnswer != null && honestAnswer, "a dishonest answer (mode " + answerMode + ", corrupt "
                    + corrupt + ") was accepted");
        }

        void answerSucceeded() {
            if (raw == null) {
                assertTrue(answeredRight != null && answeredRight, "answered without the peer's welcome");
            }
        }

        void failed(Handshake.Failed e) {
            if (raw != null) {
                return; // anything may fail against a raw stream
            }
            if (challengeSent != null && answeredRight == null) {
                // the side under test refused the peer's challenge: allowed only where Python refuses it too
                byte[] message = Arrays.copyOfRange(challengeSent, CHALLENGE.length, challengeSent.length);
                assertTrue(!startsWith(challengeSent, CHALLENGE) || expectedAnswer(message) == null,
                        "refused an acceptable challenge: " + e.getMessage());
                return;
            }
            if (verdict != null) {
                // it refused the peer's answer to its challenge, and said so first
                assertArrayEquals(FAILURE, verdict, "failed without telling the peer");
                assertTrue(!honestAnswer, "an honest answer (mode " + answerMode + ") was refused: " + e.getMessage());
                return;
            }
            fail("unexpected failure: " + e.getMessage());
        }

        private byte[] maybeCorrupt(byte[] b) {
            if (!corrupt || b.length == 0) {
                return b;
            }
            byte[] c = b.clone();
            c[corruptAt % c.length] ^= (byte) 0x5a;
            return c;
        }

        private byte[] mac(String digest, byte[] message) {
            return switch (digest) {
                case "md5" -> hmac("HmacMD5", key, message);
                case "sha256" -> hmac("HmacSHA256", key, message);
                case "sha384" -> hmac("HmacSHA384", key, message);
                case "sha3_256" -> hmac("HmacSHA3-256", key, message);
                case "sha3_384" -> hmac("HmacSHA3-384", key, message);
                default -> null;
            };
        }

        private static byte[] hmac(String algorithm, byte[] key, byte[] message) {
            try {
                Mac m = Mac.getInstance(algorithm);
                m.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
                return m.doFinal(message);
            } catch (GeneralSecurityException e) {
                throw new AssertionError(e);
            }
        }

        /** Python's _get_digest_name_and_payload for a prefixed message: the allowed name, or null. */
        private static String digestName(byte[] m) {
            if (m.length == 0 || m[0] != '{') {
                return null;
            }
            for (int i = 1; i < m.length && i <= 21; i++) {
                if (m[i] == '}') {
                    String name = new String(m, 1, i - 1, StandardCharsets.US_ASCII);
                    return switch (name) {
                        case "md5", "sha256", "sha384", "sha3_256", "sha3_384" -> name;
                        default -> null;
                    };
                }
            }
            return null;
        }
    }

    private static byte[] prefix(String digest) {
        return ("{" + digest + "}").getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean startsWith(byte[] a, byte[] p) {
        return a.length >= p.length && Arrays.equals(a, 0, p.length, p, 0, p.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
