package dev.mp4j.internal.wire;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The authkey challenge of Python's {@code multiprocessing.connection} (its modern form): the challenger
 * sends {@code #CHALLENGE#{sha256}} and 32 random bytes; the answerer replies {@code {sha256}} and the
 * HMAC-SHA256 of everything after {@code #CHALLENGE#} under the key; the challenger answers
 * {@code #WELCOME#} or {@code #FAILURE#}. Only small frames are read while this runs, so nothing is
 * deserialized and nothing large allocated before a peer has proved it holds the key.
 */
public final class Handshake {
    /** The longest frame accepted during the handshake. */
    public static final int MAX_FRAME = 256;
    private static final byte[] CHALLENGE = "#CHALLENGE#".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WELCOME = "#WELCOME#".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FAILURE = "#FAILURE#".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA256 = "{sha256}".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {}

    /** The two directions of a frame transport, as the handshake needs them. */
    public interface Transport {
        /**
         * @param frame a payload to send
         * @throws IOException on a failed write
         */
        void send(byte[] frame) throws IOException;

        /**
         * @param maxLength the longest frame accepted
         * @return the next payload
         * @throws IOException on a failed read, a closed peer or an over-long frame
         */
        byte[] receive(int maxLength) throws IOException;
    }

    /** The peer did not prove it holds the key, or refused ours. */
    public static final class Failed extends IOException {
        private static final long serialVersionUID = 1L;

        /** @param message what went wrong */
        public Failed(String message) {
            super(message);
        }
    }

    /**
     * Challenges the peer (Python's {@code deliver_challenge}).
     *
     * @param t the transport
     * @param key the authkey
     * @throws Failed if the peer's answer is wrong
     * @throws IOException on a transport failure
     */
    public static void deliver(Transport t, byte[] key) throws IOException {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        byte[] message = concat(SHA256, nonce);
        t.send(concat(CHALLENGE, message));
        byte[] response = t.receive(MAX_FRAME);
        byte[] expected = concat(SHA256, hmac(key, message));
        if (!MessageDigest.isEqual(response, expected)) {
            t.send(FAILURE);
            throw new Failed("digest received was wrong");
        }
        t.send(WELCOME);
    }

    /**
     * Answers the peer's challenge (Python's {@code answer_challenge}).
     *
     * @param t the transport
     * @param key the authkey
     * @throws Failed if the challenge is malformed or the peer rejects the answer
     * @throws IOException on a transport failure
     */
    public static void answer(Transport t, byte[] key) throws IOException {
        byte[] challenge = t.receive(MAX_FRAME);
        if (!startsWith(challenge, CHALLENGE)) {
            throw new Failed("expected a challenge, got " + challenge.length + " other bytes");
        }
        byte[] message = Arrays.copyOfRange(challenge, CHALLENGE.length, challenge.length);
        if (!startsWith(message, SHA256)) {
            throw new Failed("unsupported challenge digest (only {sha256} is accepted)");
        }
        t.send(concat(SHA256, hmac(key, message)));
        byte[] verdict = t.receive(MAX_FRAME);
        if (!Arrays.equals(verdict, WELCOME)) {
            throw new Failed("digest sent was rejected");
        }
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        return Sha256.hmac(key, message);
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
