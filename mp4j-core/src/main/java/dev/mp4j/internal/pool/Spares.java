package dev.mp4j.internal.pool;

/**
 * A few byte buffers a pool is done with, kept for the next ones of the same length: the serialized
 * arguments of a map's chunks, whose chunks are as long as each other and as those of the map before (one
 * 100k-item map of Integers is 8 chunks of 50 KB in a 2-worker pool). Bounded: at most {@link #SLOTS}
 * buffers of at most {@link #MAX_BYTES} each are kept; a buffer given when all slots are taken replaces the
 * oldest given. Thread-safe.
 */
final class Spares {
    /** How many buffers are kept. */
    static final int SLOTS = 8;
    /** The longest buffer kept. */
    static final int MAX_BYTES = 128 * 1024;

    private final byte[][] slots = new byte[SLOTS][];
    private int next; // where a buffer goes when no slot is free

    /**
     * @param length the length wanted
     * @return a kept buffer of exactly that length, no longer kept; or null if none is
     */
    synchronized byte[] take(int length) {
        for (int i = 0; i < SLOTS; i++) {
            byte[] b = slots[i];
            if (b != null && b.length == length) {
                slots[i] = null;
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
        for (int i = 0; i < SLOTS; i++) {
            if (slots[i] == null) {
                slots[i] = b;
                return;
            }
        }
        slots[next] = b;
        next = (next + 1) % SLOTS;
    }
}
