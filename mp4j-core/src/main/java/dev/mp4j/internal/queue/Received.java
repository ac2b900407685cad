package dev.mp4j.internal.queue;

import dev.mp4j.internal.ring.Ring;
import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.internal.wire.Codec;

import java.io.ObjectInputFilter;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a message from a ring and deserializes it through one array per JVM that the receives of queues and
 * connections reuse, so that receiving an item costs the item, not the item and a copy of its serialized
 * form: with 1 MiB items that copy doubled the garbage, and on a fresh heap each new MiB costs 256 page
 * faults. The array grows to the longest message received (a message that does not fit is read into an
 * array of its own, which becomes the kept one) up to {@link #MAX_KEPT}. Whoever takes it owns it until it
 * gives it back; a receive that finds it taken (another thread is decoding) reads into a fresh array.
 */
final class Received {
    /** The longest array kept between receives: 4 MiB at most stays allocated for this. */
    static final int MAX_KEPT = 4 << 20;
    private static final int FIRST = 8 << 10;
    private static final AtomicReference<byte[]> IDLE = new AtomicReference<>();
    /**
     * The least time a receive that finds no message may wait for one to ready this JVM's decoding meanwhile
     * ({@link Codec#prepareDecoding}, tens of ms the first time): a receive that finds a message, or whose
     * deadline is nearer (a {@code getNowait}, a short timeout), leaves that to its first decode, which needs
     * it only if a message comes.
     */
    static final long PREPARE_WITHIN_NANOS = 100_000_000;

    private Received() {}

    /**
     * Reads the next message of {@code ring} and decodes it.
     *
     * @param ring the ring, whose reading the caller may do
     * @param deadline until when to wait for a message to start ({@link Ring#readInto})
     * @param watch checked while blocked
     * @param what what the message is, for error messages
     * @param filter the deserialization filter, or null for the JVM's
     * @param none what to return when no message started before the deadline
     * @param queue the queue whose item it is, told it was taken before it is decoded (it is taken even
     *     if it cannot be decoded); null for a connection
     * @return the object, or {@code none}
     */
    static Object read(Ring ring, long deadline, Ring.Watch watch, String what, ObjectInputFilter filter, Object none,
                       QueueState queue) {
        if (!Codec.decodingPrepared() && !ring.hasData() && Timeouts.remaining(deadline) >= PREPARE_WITHIN_NANOS) {
            Codec.prepareDecoding(); // while the first message is awaited, not after it came
        }
        byte[] kept = IDLE.getAndSet(null);
        byte[] buf = kept != null ? kept : new byte[FIRST];
        byte[] message = buf;
        try {
            int n;
            try {
                n = ring.readInto(deadline, buf, 0, watch);
            } catch (Ring.TooShort e) {
                message = e.message();
                n = message.length;
                if (n <= MAX_KEPT) {
                    buf = message; // the longer array is kept from now on
                }
            }
            if (n < 0) {
                return none;
            }
            if (queue != null) {
                queue.taken();
            }
            return Items.decode(message, n, what, filter);
        } finally {
            byte[] idle = IDLE.get();
            if (idle == null || idle.length < buf.length) {
                IDLE.compareAndSet(idle, buf);
            }
        }
    }
}
