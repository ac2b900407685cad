package dev.mp4j.python;

import java.nio.charset.StandardCharsets;

/**
 * Python's {@code str} in a pickle: UTF-8 with {@code surrogatepass}, so that a lone surrogate (which a Java
 * string and a Python str may both hold) crosses as its three-byte form, both ways. Anything else that is not
 * UTF-8 is malformed, as for CPython's unpickler.
 */
final class Strings {
    private Strings() {}

    /**
     * @param b the bytes
     * @param start the first byte
     * @param end past the last byte
     * @return the string, or null if the bytes are not UTF-8 (a malformed, overlong or out-of-range sequence)
     */
    static String decode(byte[] b, int start, int end) {
        int i = start;
        while (i < end && b[i] >= 0) {
            i++;
        }
        if (i == end) {
            return end - start <= MAX_SHARED ? shared(b, start, end) : new String(b, start, end - start,
                    StandardCharsets.ISO_8859_1);
        }
        char[] out = new char[end - start];
        int n = 0;
        for (int k = start; k < i; k++) {
            out[n++] = (char) b[k];
        }
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                out[n++] = (char) c;
                i++;
                continue;
            }
            int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;
            if (len == 0 || c > 0xf4 || c == 0xc0 || c == 0xc1 || i + len > end) {
                return null;
            }
            int cp = c & (0x7f >> len);
            for (int k = 1; k < len; k++) {
                int cc = b[i + k] & 0xff;
                if ((cc & 0xc0) != 0x80) {
                    return null;
                }
                cp = cp << 6 | (cc & 0x3f);
            }
            int min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
            if (cp < min || cp > 0x10ffff) {
                return null;
            }
            if (cp >= 0x10000) {
                out[n++] = Character.highSurrogate(cp);
                out[n++] = Character.lowSurrogate(cp);
            } else {
                out[n++] = (char) cp; // a surrogate here is Python's surrogatepass
            }
            i += len;
        }
        return new String(out, 0, n);
    }

    /** The longest ASCII string {@link #shared} keeps. */
    private static final int MAX_SHARED = 16;
    /**
     * Short ASCII strings decoded lately, by a hash of their bytes (one per slot, the latest): a pickle's dict keys
     * and attribute names recur from one pickle to the next, and reading one then allocates nothing. Threads may
     * race on a slot; a {@code String} is safe to publish without a barrier (its fields are final, its hash cache
     * benign).
     */
    private static final String[] SHARED = new String[512];

    /** @return the string of the ASCII bytes {@code b[start, end)}, the one decoded last time if it is in its slot */
    private static String shared(byte[] b, int start, int end) {
        int h = end - start;
        for (int i = start; i < end; i++) {
            h = 31 * h + b[i];
        }
        int slot = (h ^ h >>> 9) & (SHARED.length - 1);
        String s = SHARED[slot];
        if (s != null && s.length() == end - start) {
            int k = 0;
            while (k < end - start && s.charAt(k) == b[start + k]) {
                k++;
            }
            if (k == end - start) {
                return s;
            }
        }
        s = new String(b, start, end - start, StandardCharsets.ISO_8859_1);
        SHARED[slot] = s;
        return s;
    }

    /** @return {@code s} in UTF-8, a lone surrogate as its three-byte form (Python's surrogatepass) */
    static byte[] encode(String s) {
        int n = s.length();
        boolean lone = false;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    lone = true;
                    break;
                }
            }
        }
        if (!lone) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(n * 3);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                cp = Character.toCodePoint(c, s.charAt(++i));
            }
            if (cp < 0x80) {
                out.write(cp);
            } else if (cp < 0x800) {
                out.write(0xc0 | cp >> 6);
                out.write(0x80 | cp & 0x3f);
            } else if (cp < 0x10000) {
                out.write(0xe0 | cp >> 12);
                out.write(0x80 | cp >> 6 & 0x3f);
                out.write(0x80 | cp & 0x3f);
            } else {
                out.write(0xf0 | cp >> 18);
                out.write(0x80 | cp >> 12 & 0x3f);
                out.write(0x80 | cp >> 6 & 0x3f);
                out.write(0x80 | cp & 0x3f);
            }
        }
        return out.toByteArray();
    }
}
