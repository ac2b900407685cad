package dev.mp4j.python;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Python's {@code bytearray}: a mutable byte string, kept apart from {@code bytes} ({@code byte[]}) so that it
 * pickles back as a {@code bytearray}. Equality is by content.
 */
public final class PyByteArray {
    private final byte[] bytes;

    /**
     * @param bytes the content (not copied: this object shares it)
     * @throws NullPointerException if it is null
     */
    public PyByteArray(byte[] bytes) {
        this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    /** @return the content (shared, not a copy: writes to it change this bytearray, as in Python) */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PyByteArray b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "bytearray(" + HexFormat.of().formatHex(bytes) + ")";
    }
}
