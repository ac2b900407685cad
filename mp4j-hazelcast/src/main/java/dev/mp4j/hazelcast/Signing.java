package dev.mp4j.hazelcast;

import dev.mp4j.internal.wire.Codec;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What crosses the cluster: mp4j-codec bytes preceded by their HMAC-SHA256 under the cluster's authkey. Nothing
 * is decoded before its tag is checked, so a peer without the key cannot make a member or a client deserialize
 * anything of its choosing.
 *
 * <p>The tag is HMAC-SHA256 (RFC 2104) computed with the key's two padded blocks hashed once, as RFC 2104 allows:
 * a tag clones those two hashes and compresses only its data and the inner digest, where a keyed {@code Mac}
 * compresses both blocks again for every tag (two of the seven SHA-256 compressions of a task's tag, two of the
 * four of a result's; until the JIT has compiled SHA-256 a compression costs about a µs, tens interpreted).
 *
 * <p>Thread-safe. The keyed hashes are taken from a pool for one tag and put back, each used by one thread at a
 * time; the pool holds at most as many as have been in use at once.
 */
final class Signing {
    static final int TAG = 32;
    private static final String SHA256 = "SHA-256";
    /** SHA-256's block: a longer key is hashed first (RFC 2104). */
    private static final int BLOCK = 64;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] key;
    private final Queue<Pads> idle = new ConcurrentLinkedQueue<>();
    /** Whether this JDK's SHA-256 digests can be copied; false once one could not, and every tag is keyed. */
    private volatile boolean copyable = true;

    /**
     * @param key the authkey
     * @throws IllegalArgumentException if it is null or empty
     */
    Signing(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("the authkey must not be empty");
        }
        this.key = key.clone();
    }

    /** @return a copy of the authkey */
    byte[] key() {
        return key.clone();
    }

    /**
     * @param value what to send
     * @return its codec bytes, signed
     * @throws IOException naming what cannot be serialized
     */
    byte[] seal(Object value) throws IOException {
        return sign(Codec.encode(value, TAG)); // the tag goes in front of the form: no copy of it
    }

    /** Writes the tag of what follows it into the first {@link #TAG} bytes of {@code out}, and returns it. */
    private byte[] sign(byte[] out) {
        System.arraycopy(mac(out, TAG, out.length - TAG), 0, out, 0, TAG);
        return out;
    }

    /**
     * @param sealed what {@link #seal} made, or anything else
     * @return whether its tag is right for its payload under this key
     */
    boolean verify(byte[] sealed) {
        if (sealed == null || sealed.length < TAG) {
            return false;
        }
        byte[] expected = mac(sealed, TAG, sealed.length - TAG);
        return MessageDigest.isEqual(expected, Arrays.copyOf(sealed, TAG));
    }

    /**
     * @param sealed bytes whose tag {@link #verify} accepted
     * @param filter the serial filter; null for the JVM's default
     * @return the object
     * @throws IOException if they do not decode
     * @throws ClassNotFoundException naming a class this JVM lacks
     * @throws BadTag if the tag is wrong
     */
    Object open(byte[] sealed, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        return openAt(sealed, TAG, filter);
    }

    /** Verifies the tag, then decodes from {@code at} on: what comes before is the tag, or the tag and a header. */
    private Object openAt(byte[] sealed, int at, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        if (!verify(sealed)) {
            throw new BadTag();
        }
        if (sealed.length < at) {
            throw new java.io.StreamCorruptedException("signed bytes of " + sealed.length
                    + " bytes have no header: at least " + at + " expected");
        }
        return Codec.decode(sealed, at, sealed.length - at, filter);
    }

    /**
     * As {@link #seal(Object)}, with a number signed along with the value, which {@link #header} reads without
     * decoding anything: what mp4j's carriers say about their payload (a task's time limit, whether a result is
     * a value or an exception) without a wrapper object for the codec to write and read.
     *
     * @param header the number
     * @param value what to send
     * @return the tag, the number, then the value's codec bytes
     * @throws IOException naming what cannot be serialized
     */
    byte[] seal(long header, Object value) throws IOException {
        byte[] out = Codec.encode(value, TAG + Long.BYTES);
        LONG.set(out, TAG, header);
        return sign(out);
    }

    /**
     * @param sealed what {@link #seal(long, Object)} made, or anything else
     * @param filter the serial filter; null for the JVM's default
     * @return the value
     * @throws IOException if they do not decode, or hold no header
     * @throws ClassNotFoundException naming a class this JVM lacks
     * @throws BadTag if the tag is wrong
     */
    Object openAfterHeader(byte[] sealed, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        return openAt(sealed, TAG + Long.BYTES, filter);
    }

    /**
     * @param sealed bytes that {@link #openAfterHeader} opened
     * @return the number signed with them
     */
    static long header(byte[] sealed) {
        return (long) LONG.get(sealed, TAG);
    }

    /** Bytes not signed with this key: nothing of them was decoded. */
    static final class BadTag extends SecurityException {
        private static final long serialVersionUID = 1L;

        BadTag() {
            super("not signed with this cluster's authkey");
        }
    }

    /**
     * The SHA-256 states after the key's inner and outer padded blocks: a tag's two hashes start from copies of
     * them. Never updated once made.
     *
     * @param inner the state after the key XOR ipad
     * @param outer the state after the key XOR opad
     */
    private record Pads(MessageDigest inner, MessageDigest outer) {}

    byte[] mac(byte[] data, int off, int len) {
        if (!copyable) {
            return keyedMac(data, off, len);
        }
        Pads p = idle.poll();
        if (p == null) {
            p = pads();
        }
        MessageDigest inner;
        MessageDigest outer;
        try {
            inner = (MessageDigest) p.inner().clone();
            outer = (MessageDigest) p.outer().clone();
        } catch (CloneNotSupportedException e) {
            copyable = false; // a provider whose SHA-256 cannot be copied: the same tag, slower, from now on
            return keyedMac(data, off, len);
        } finally {
            idle.offer(p);
        }
        inner.update(data, off, len);
        outer.update(inner.digest());
        return outer.digest();
    }

    /** The same tag through a keyed {@code Mac} of its own, for a SHA-256 that cannot be copied. */
    byte[] keyedMac(byte[] data, int off, int len) {
        try {
            javax.crypto.Mac m = javax.crypto.Mac.getInstance("HmacSHA256");
            m.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            m.update(data, off, len);
            return m.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }

    private Pads pads() {
        try {
            MessageDigest inner = MessageDigest.getInstance(SHA256);
            MessageDigest outer = MessageDigest.getInstance(SHA256);
            byte[] k = key.length > BLOCK ? inner.digest(key) : key; // digest resets it
            byte[] ipad = new byte[BLOCK];
            byte[] opad = new byte[BLOCK];
            for (int i = 0; i < BLOCK; i++) {
                byte b = i < k.length ? k[i] : 0;
                ipad[i] = (byte) (b ^ 0x36);
                opad[i] = (byte) (b ^ 0x5c);
            }
            inner.update(ipad);
            outer.update(opad);
            Arrays.fill(ipad, (byte) 0);
            Arrays.fill(opad, (byte) 0);
            if (k != key) {
                Arrays.fill(k, (byte) 0);
            }
            return new Pads(inner, outer);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Signing s && MessageDigest.isEqual(key, s.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "Signing[key hidden]";
    }
}
