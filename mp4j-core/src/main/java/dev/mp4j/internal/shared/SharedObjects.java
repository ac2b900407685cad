package dev.mp4j.internal.shared;

import dev.mp4j.multiprocessing.SharedByteArray;
import dev.mp4j.multiprocessing.SharedDouble;
import dev.mp4j.multiprocessing.SharedDoubleArray;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.multiprocessing.SharedLong;
import dev.mp4j.multiprocessing.SharedLongArray;
import dev.mp4j.threading.RLock;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Makes shared values and arrays, each in a {@code /dev/shm} segment of its own (see {@link Handle} for
 * the layout, the serialized form and who unlinks what). The lock factory is called at most once per
 * object, on its first {@code lock()} or when it is first serialized, whichever comes first. The
 * {@code local...} methods make the same objects over plain memory of this JVM, for the dummy context.
 */
public final class SharedObjects {
    private SharedObjects() {}

    /**
     * @param initial the value
     * @param lockFactory makes the cross-process lock
     * @return a new shared int
     */
    public static SharedInt sharedInt(int initial, Supplier<RLock> lockFactory) {
        IntValue v = (IntValue) Handle.create(Handle.Kind.INT, 1, lockFactory);
        v.set(initial);
        return v;
    }

    /**
     * @param initial the value
     * @param lockFactory makes the cross-process lock
     * @return a new shared long
     */
    public static SharedLong sharedLong(long initial, Supplier<RLock> lockFactory) {
        LongValue v = (LongValue) Handle.create(Handle.Kind.LONG, 1, lockFactory);
        v.set(initial);
        return v;
    }

    /**
     * @param initial the value
     * @param lockFactory makes the cross-process lock
     * @return a new shared double
     */
    public static SharedDouble sharedDouble(double initial, Supplier<RLock> lockFactory) {
        DoubleValue v = (DoubleValue) Handle.create(Handle.Kind.DOUBLE, 1, lockFactory);
        v.set(initial);
        return v;
    }

    /**
     * @param length the number of elements, at least 0
     * @param lockFactory makes the cross-process lock
     * @return a new zero-filled array
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedIntArray sharedIntArray(int length, Supplier<RLock> lockFactory) {
        return (IntArray) Handle.create(Handle.Kind.INT_ARRAY, length, lockFactory);
    }

    /**
     * @param length the number of elements, at least 0
     * @param lockFactory makes the cross-process lock
     * @return a new zero-filled array
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedLongArray sharedLongArray(int length, Supplier<RLock> lockFactory) {
        return (LongArray) Handle.create(Handle.Kind.LONG_ARRAY, length, lockFactory);
    }

    /**
     * @param length the number of elements, at least 0
     * @param lockFactory makes the cross-process lock
     * @return a new zero-filled array
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedDoubleArray sharedDoubleArray(int length, Supplier<RLock> lockFactory) {
        return (DoubleArray) Handle.create(Handle.Kind.DOUBLE_ARRAY, length, lockFactory);
    }

    /**
     * @param length the number of bytes, at least 0
     * @param lockFactory makes the cross-process lock
     * @return a new zero-filled array
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedByteArray sharedByteArray(int length, Supplier<RLock> lockFactory) {
        return (ByteArray) Handle.create(Handle.Kind.BYTE_ARRAY, length, lockFactory);
    }

    // ---------------------------------------------------------------- plain memory of this JVM (the dummy context)
    // The same classes over memory that only this JVM's threads share: no segment, no name, a thread RLock, and
    // serializing one throws NotSerializableException.

    /**
     * @param initial the value
     * @return a new int in plain memory of this JVM
     */
    public static SharedInt localInt(int initial) {
        IntValue v = (IntValue) Handle.local(Handle.Kind.INT, 1);
        v.set(initial);
        return v;
    }

    /**
     * @param initial the value
     * @return a new long in plain memory of this JVM
     */
    public static SharedLong localLong(long initial) {
        LongValue v = (LongValue) Handle.local(Handle.Kind.LONG, 1);
        v.set(initial);
        return v;
    }

    /**
     * @param initial the value
     * @return a new double in plain memory of this JVM
     */
    public static SharedDouble localDouble(double initial) {
        DoubleValue v = (DoubleValue) Handle.local(Handle.Kind.DOUBLE, 1);
        v.set(initial);
        return v;
    }

    /**
     * @param length the number of elements, at least 0
     * @return a new zero-filled array in plain memory of this JVM
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedIntArray localIntArray(int length) {
        return (IntArray) Handle.local(Handle.Kind.INT_ARRAY, length);
    }

    /**
     * @param length the number of elements, at least 0
     * @return a new zero-filled array in plain memory of this JVM
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedLongArray localLongArray(int length) {
        return (LongArray) Handle.local(Handle.Kind.LONG_ARRAY, length);
    }

    /**
     * @param length the number of elements, at least 0
     * @return a new zero-filled array in plain memory of this JVM
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedDoubleArray localDoubleArray(int length) {
        return (DoubleArray) Handle.local(Handle.Kind.DOUBLE_ARRAY, length);
    }

    /**
     * @param length the number of bytes, at least 0
     * @return a new zero-filled array in plain memory of this JVM
     * @throws IllegalArgumentException if {@code length} is negative
     */
    public static SharedByteArray localByteArray(int length) {
        return (ByteArray) Handle.local(Handle.Kind.BYTE_ARRAY, length);
    }

    // ----------------------------------------------------------------

    /**
     * @param shared a shared value or array made here
     * @return the name of its segment in {@code /dev/shm}
     * @throws IllegalArgumentException if it is not one, or is plain memory of this JVM (no segment)
     */
    public static String nameOf(Object shared) {
        String name = handle(shared).name();
        if (name == null) {
            throw new IllegalArgumentException(shared + " is plain memory of this JVM: it has no segment");
        }
        return name;
    }

    /**
     * Unlinks the segment's name now if this JVM created it (what happens anyway when the creating handle
     * becomes unreachable). The memory stays mapped and usable; copies can no longer be received.
     *
     * @param shared a shared value or array made here
     */
    public static void release(Object shared) {
        handle(shared).release();
    }

    /**
     * @param name a segment's name
     * @return whether this JVM created it and has not unlinked it yet
     */
    public static boolean owns(String name) {
        return Owned.owns(name);
    }

    /**
     * Waits until this JVM no longer owns {@code name} (its handle was released or collected).
     *
     * @param name a segment's name
     * @param timeout how long to wait at most; null for no limit
     * @return whether it was released in time
     */
    public static boolean awaitReleased(String name, Duration timeout) {
        return Owned.awaitReleased(name, timeout);
    }

    private static Handle handle(Object shared) {
        if (shared instanceof Handle h) {
            return h;
        }
        throw new IllegalArgumentException("not a shared value or array of mp4j: "
                + (shared == null ? "null" : shared.getClass().getName()));
    }
}
