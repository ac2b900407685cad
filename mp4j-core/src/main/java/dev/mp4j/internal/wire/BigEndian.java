package dev.mp4j.internal.wire;

/**
 * Big-endian numbers in byte arrays, a byte at a time: the fields of mp4j's frame headers. Not through a
 * byte-array view {@link java.lang.invoke.VarHandle}, whose every access is several method-handle calls while
 * the code is interpreted, as a fresh JVM runs a pool's first several hundred chunks and a manager's first
 * thousands of requests.
 */
public final class BigEndian {
    private BigEndian() {}

    /** @return the int at {@code b[at, at + 4)} */
    public static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    /** @return the long at {@code b[at, at + 8)} */
    public static long getLong(byte[] b, int at) {
        return (long) getInt(b, at) << 32 | (getInt(b, at + 4) & 0xffffffffL);
    }

    /** Puts {@code v} at {@code b[at, at + 4)}. */
    public static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    /** Puts {@code v} at {@code b[at, at + 8)}. */
    public static void putLong(byte[] b, int at, long v) {
        putInt(b, at, (int) (v >>> 32));
        putInt(b, at + 4, (int) v);
    }
}
