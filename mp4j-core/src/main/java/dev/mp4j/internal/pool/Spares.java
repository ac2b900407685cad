package dev.mp4j.internal.pool;

/**
 * A few byte buffers a pool is done with, kept for the next ones of the same length: the serialized
 * arguments of a map's chunks, whose chunks are as long as each other and as those of the map before (one
 * 100k-item map of Integers is 8 chunks of 50 KB in a 2-worker pool; an imap's chunks of 100 Integers, 16
 * of them sent ahead, are 405 bytes each). A stack, the last given on top, where a take finds its length at
 * once in the usual case (every buffer as long): a map's first chunks run these in the interpreter, once per
 * chunk. Bounded: at most {@link #SLOTS} buffers of at most {@link #MAX_BYTES} each and {@link #MAX_TOTAL} in
 * all are kept; the oldest kept make room for a buffer given. Thread-safe.
 */
final class Spares {
    /** How many buffers are kept. */
    static final int SLOTS = 32;
    /** The longest buffer kept. */
    static final int MAX_BYTES = 128 * 1024;
    /** The most bytes kept in all. */
    static final int MAX_TOTAL = 1024 * 1024;

    private final byte[][] stack = new byte[SLOTS][];
    private int count;
    private int total; // the bytes of the buffers kept

    /**
     * @param length the length wanted
     * @return a kept buffer of exactly that length, no longer kept; or null if none is
     */
    synchronized byte[] take(int length) {
        for (int i = count - 1; i >= 0; i--) {
            byte[] b = stack[i];
            if (b.length == length) {
                stack[i] = stack[--count]; // the top takes its place
                stack[count] = null;
                total -= length;
                return b;
            }
        }
        return null;
    }

    /**
     * Keeps {@code b} (which its giver no longer uses), unless it is too long.
     *
     * @param b a buffer, or null for none
     */
    synchronized void give(byte[] b) {
        if (b == null || b.length > MAX_BYTES) {
            return;
        }
        while (count > 0 && (count == SLOTS || total + b.length > MAX_TOTAL)) {
            total -= stack[0].length; // the oldest makes room
            System.arraycopy(stack, 1, stack, 0, --count);
            stack[count] = null;
        }
        stack[count++] = b;
        total += b.length;
    }
}
