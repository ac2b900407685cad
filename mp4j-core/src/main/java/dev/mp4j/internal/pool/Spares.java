package dev.mp4j.internal.pool;

/**
 * A few byte buffers a pool is done with, kept for the next ones of the same length: the serialized
 * arguments of a map's chunks, whose chunks are as long as each other and as those of the map before (one
 * 100k-item map of Integers is 8 chunks of 50 KB in a 2-worker pool; an imap's chunks of 100 Integers, 16
 * of them sent ahead, are 405 bytes each). Bounded: at most {@link #SLOTS} buffers of at most
 * {@link #MAX_BYTES} each and {@link #MAX_TOTAL} in all are kept; a buffer given when all slots are taken
 * replaces a kept one, each in turn. Thread-safe.
 */
final class Spares {
    /** How many buffers are kept. */
    static final int SLOTS = 32;
    /** The longest buffer kept. */
    static final int MAX_BYTES = 128 * 1024;
    /** The most bytes kept in all. */
    static final int MAX_TOTAL = 1024 * 1024;

    private final byte[][] slots = new byte[SLOTS][];
    private int next; // where a buffer goes when no slot is free
    private int total; // the bytes of the buffers kept

    /**
     * @param length the length wanted
     * @return a kept buffer of exactly that length, no longer kept; or null if none is
     */
    synchronized byte[] take(int length) {
        for (int i = 0; i < SLOTS; i++) {
            byte[] b = slots[i];
            if (b != null && b.length == length) {
                slots[i] = null;
                total -= length;
                return b;
            }
        }
        return null;
    }

    /**
     * Keeps {@code b} (which its giver no longer uses), unless it is too long or the buffers kept are.
     *
     * @param b a buffer, or null for none
     */
    synchronized void give(byte[] b) {
        if (b == null || b.length > MAX_BYTES) {
            return;
        }
        int at = -1;
        for (int i = 0; i < SLOTS && at < 0; i++) {
            if (slots[i] == null) {
                at = i;
            }
        }
        if (at < 0) {
            at = next;
            next = (next + 1) % SLOTS;
            total -= slots[at].length;
            slots[at] = null;
        }
        if (total + b.length <= MAX_TOTAL) {
            slots[at] = b;
            total += b.length;
        }
    }
}
