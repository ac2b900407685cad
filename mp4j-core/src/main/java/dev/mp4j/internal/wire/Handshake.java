package dev.mp4j.internal.wire;

import dev.mp4j.internal.util.Urandom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The authkey challenge of Python's {@code multiprocessing.connection}, in both of its forms.
 * <pre>
 *   challenger                                        answerer
 *   "#CHALLENGE#" + message                 --&gt;
 *                                           &lt;--       response
 *   "#WELCOME#" or "#FAILURE#"              --&gt;
 * </pre>
 * Modern form (Python 3.12 and later, and what {@link #deliver} sends): message = {@code {sha256}} and 40
 * random bytes; response = {@code {sha256}} and the HMAC-SHA256 of the whole message (prefix included) under
 * the key. Legacy form (Python 3.11 and earlier): message = 20 random bytes; response = their HMAC-MD5, 16 raw
 * bytes with no prefix.
 *
 * <p>As Python 3.12 does, {@link #answer} answers a legacy message (length 16 or 20, no prefix) with raw
 * HMAC-MD5 and a {@code {name}} message with that digest; {@link #deliver} accepts a raw 16-byte HMAC-MD5
 * response (what a 3.11 peer sends to the modern message, which it takes whole as its challenge) and any
 * {@code {name}}-prefixed response with a digest of the allowed list. The MAC covers the prefix of the
 * message, so a man in the middle cannot swap the digest the challenger named. The allowed digests are
 * md5, sha256, sha384, sha3_256 and sha3_384; sha256 is computed without the JCA (a child JVM's start-up
 * path), the others through it.
 *
 * <p>Only frames of at most {@link #MAX_FRAME} bytes are read while this runs, so nothing is deserialized
 * and nothing large allocated before a peer has proved it holds the key.
 */
public final class Handshake {
    /** The longest frame accepted during the handshake. */
    public static final int MAX_FRAME = 256;
    private static final byte[] CHALLENGE = "#CHALLENGE#".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WELCOME = "#WELCOME#".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FAILURE = "#FAILURE#".getBytes(StandardCharsets.US_ASCII);
    private static final String MODERN_DIGEST = "sha256";
    private static final int MESSAGE_LENGTH = 40;
    private static final int LEGACY_MESSAGE_LENGTH = 20;
    private static final int MD5_LENGTH = 16;
    /** Python's {@code _MAX_DIGEST_LEN}: the longest digest name between the braces. */
    private static final int MAX_DIGEST_NAME = 20;

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
     * @throws Failed if the peer's answer is wrong (the peer is told {@code #FAILURE#} first)
     * @throws IOException on a transport failure
     */
    public static void deliver(Transport t, byte[] key) throws IOException {
        byte[] nonce = Urandom.bytes(MESSAGE_LENGTH); // as Python's os.urandom
        byte[] message = concat(prefix(MODERN_DIGEST), nonce);
        t.send(concat(CHALLENGE, message));
        byte[] response = t.receive(MAX_FRAME);
        String failure = verify(key, message, response);
        if (failure != null) {
            t.send(FAILURE);
            throw new Failed(failure);
        }
        t.send(WELCOME);
    }

    /**
     * Answers the peer's challenge (Python's {@code answer_challenge}), in the form the challenge asks for.
     *
     * @param t the transport
     * @param key the authkey
     * @throws Failed if the challenge is malformed or the peer rejects the answer
     * @throws IOException on a transport failure
     */
    public static void answer(Transport t, byte[] key) throws IOException {
        byte[] challenge = t.receive(MAX_FRAME);
        if (!startsWith(challenge, CHALLENGE)) {
            throw new Failed("protocol error: expected a challenge, got " + challenge.length + " other bytes");
        }
        byte[] message = Arrays.copyOfRange(challenge, CHALLENGE.length, challenge.length);
        if (message.length < LEGACY_MESSAGE_LENGTH) {
            throw new Failed("challenge too short: " + message.length + " bytes");
        }
        String digest = digestName(message);
        if (digest == null) {
            throw new Failed("unsupported challenge: no digest prefix, or a digest not allowed");
        }
        byte[] response = digest.isEmpty()
                ? mac("md5", key, message)
                : concat(prefix(digest), mac(digest, key, message));
        t.send(response);
        byte[] verdict = t.receive(MAX_FRAME);
        if (!Arrays.equals(verdict, WELCOME)) {
            throw new Failed("digest sent was rejected");
        }
    }

    /** @return null if {@code response} is the right answer to {@code message}, else why not */
    static String verify(byte[] key, byte[] message, byte[] response) {
        String digest = digestName(response);
        if (digest == null) {
            return "unsupported response: no digest prefix, or a digest not allowed";
        }
        byte[] mac = digest.isEmpty() ? response : Arrays.copyOfRange(response, digest.length() + 2, response.length);
        byte[] expected;
        try {
            expected = mac(digest.isEmpty() ? "md5" : digest, key, message);
        } catch (Failed e) {
            return e.getMessage();
        }
        if (expected.length != mac.length) {
            return "expected a " + (digest.isEmpty() ? "md5" : digest) + " digest of " + expected.length
                    + " bytes, got " + mac.length;
        }
        return MessageDigest.isEqual(expected, mac) ? null : "digest received was wrong";
    }

    /**
     * Python's {@code _get_digest_name_and_payload}: "" for the legacy form (16 or 20 bytes: a 3.11
     * challenge, or a raw HMAC-MD5 response), the name between the braces of an allowed digest, or null.
     */
    private static String digestName(byte[] m) {
        if (m.length == LEGACY_MESSAGE_LENGTH || m.length == MD5_LENGTH) {
            return "";
        }
        if (m.length > 0 && m[0] == '{') {
            for (int i = 1; i < m.length && i <= MAX_DIGEST_NAME + 1; i++) {
                if (m[i] == '}') {
                    String name = new String(m, 1, i - 1, StandardCharsets.US_ASCII);
                    return jcaName(name) != null ? name : null;
                }
            }
        }
        return null;
    }

    private static String jcaName(String digest) {
        return switch (digest) {
            case "md5" -> "HmacMD5";
            case "sha256" -> "HmacSHA256";
            case "sha384" -> "HmacSHA384";
            case "sha3_256" -> "HmacSHA3-256";
            case "sha3_384" -> "HmacSHA3-384";
            default -> null;
        };
    }

    private static byte[] mac(String digest, byte[] key, byte[] message) throws Failed {
        if (digest.equals(MODERN_DIGEST)) {
            return Sha256.hmac(key, message);
        }
        String algorithm = jcaName(digest);
        try {
            Mac mac = Mac.getInstance(algorithm);
            // An empty key is legal for HMAC but not for SecretKeySpec; HMAC pads the key with zeros, so
            // one zero byte gives the same MAC.
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new Failed("digest " + digest + " unsupported here: " + e.getMessage());
        }
    }

    private static byte[] prefix(String digest) {
        return ("{" + digest + "}").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * @param data the bytes
     * @return their SHA-256 digest (without loading the JCA)
     */
    public static byte[] sha256(byte[] data) {
        return Sha256.digest(data);
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
