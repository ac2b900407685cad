package dev.mp4j.internal.queue;

import dev.mp4j.internal.ring.Ring;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.multiprocessing.ProcessError;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.NotSerializableException;
import java.io.Serializable;

/** Items and messages to bytes and back, with the errors the public API promises. */
final class Items {
    private Items() {}

    /**
     * Refuses at once an item whose own class is not serializable, as encoding it would: what a queue's
     * {@code put} checks before handing the item to its feeder, which serializes it later.
     */
    static void requireSerializable(Object item, String what) {
        if (item != null && !(item instanceof Serializable)) {
            throw new IllegalArgumentException("cannot send the " + what + ": class " + item.getClass().getName()
                    + " is not serializable");
        }
    }

    static byte[] encode(Object item, String what) {
        try {
            return Codec.encode(item);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("cannot send the " + what + ": class " + e.getMessage()
                    + " is not serializable", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot send the " + what + ": " + e, e);
        }
    }

    /**
     * Encodes {@code item} and writes it to {@code ring} as one message, waiting for room as {@code watch} lets
     * it (the caller holds the ring's writing end).
     */
    static void write(Ring ring, Object item, String what, Ring.Watch watch) {
        byte[] bytes = encode(item, what);
        ring.write(bytes, 0, bytes.length, watch);
    }

    static Object decode(byte[] bytes, String what, ObjectInputFilter filter) {
        return decode(bytes, bytes.length, what, filter);
    }

    /** Decodes the form at {@code bytes[0, length)}. */
    static Object decode(byte[] bytes, int length, String what, ObjectInputFilter filter) {
        try {
            return Codec.decode(bytes, 0, length, filter);
        } catch (ClassNotFoundException e) {
            throw new ProcessError("cannot load class " + e.getMessage() + " of the " + what + " received", e);
        } catch (IOException e) {
            throw new ProcessError("cannot read the " + what + " received: " + e, e);
        }
    }
}
