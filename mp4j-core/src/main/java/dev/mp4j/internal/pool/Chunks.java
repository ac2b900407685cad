package dev.mp4j.internal.pool;

import dev.mp4j.function.SerializableFunction;
import dev.mp4j.internal.wire.Codec;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tasks of map calls and what they return: a map call's function ({@link Fn}), shared by its chunks,
 * a {@link Chunk} (stops at the first failing call) or an {@link EachChunk} (every call gets its own
 * outcome), and their results. A worker JVM gets them in CHUNK frames and returns their values in RESULT
 * frames ({@link PoolFrames}); a worker thread gets them as they are.
 */
public final class Chunks {
    private Chunks() {}

    /**
     * @param task a task as the engine takes it
     * @return the number of calls in it if it is a chunk ({@link Chunk}, {@link EachChunk}); -1 for a single call
     */
    static int items(Object task) {
        if (task instanceof Chunk c) { // not a pattern switch, whose bootstrap spins a class on first use
            return c.args().size();
        }
        return task instanceof EachChunk c ? c.args().size() : -1;
    }

    /**
     * The function of one map call ({@code Pool.map}, {@code imap}, {@code Executor.map}), shared by all its
     * chunks: a worker JVM gets it serialized once per call (then only its id), not once per chunk. It is
     * serialized when first sent, so that what it captures is read as of the call.
     */
    public static final class Fn {
        private static final AtomicLong IDS = new AtomicLong();

        private final SerializableFunction<Object, Object> fn;
        private final long id = IDS.incrementAndGet();
        private byte[] bytes; // guarded by this

        /** @param fn the function */
        public Fn(SerializableFunction<Object, Object> fn) {
            this.fn = Objects.requireNonNull(fn, "fn");
        }

        /**
         * @param arg an argument
         * @return the function's value
         * @throws Exception what the function throws
         */
        public Object apply(Object arg) throws Exception {
            return fn.apply(arg);
        }

        /** @return the function */
        SerializableFunction<Object, Object> function() {
            return fn;
        }

        /** @return its id, unique in this JVM */
        long id() {
            return id;
        }

        /**
         * @return the function serialized (once)
         * @throws IOException if it cannot be
         */
        synchronized byte[] bytes() throws IOException {
            if (bytes == null) {
                bytes = Codec.encode(fn);
            }
            return bytes;
        }
    }

    /**
     * A range of an array as a list, and its sub-lists as ranges of the same array: a map's items, copied once
     * from the caller's, and its chunks, which are encoded from the array ({@link #array}, {@link #from},
     * {@link #to}) without a copy of their own.
     */
    public static final class Slice extends java.util.AbstractList<Object> implements java.util.RandomAccess {
        private final Object[] array;
        private final int from;
        private final int to;

        /**
         * @param array the elements
         * @param from the first index
         * @param to the index after the last
         */
        public Slice(Object[] array, int from, int to) {
            Objects.checkFromToIndex(from, to, array.length);
            this.array = array;
            this.from = from;
            this.to = to;
        }

        /** @return the array the elements are in */
        public Object[] array() {
            return array;
        }

        /** @return the index of the first element in {@link #array} */
        public int from() {
            return from;
        }

        /** @return the index after the last element in {@link #array} */
        public int to() {
            return to;
        }

        @Override
        public Object get(int index) {
            return array[from + Objects.checkIndex(index, to - from)];
        }

        @Override
        public int size() {
            return to - from;
        }

        /** @return a copy of the range, in one bulk copy (a chunk's toArray runs once per chunk in a worker) */
        @Override
        public Object[] toArray() {
            return Arrays.copyOfRange(array, from, to, Object[].class);
        }

        @Override
        public Slice subList(int fromIndex, int toIndex) {
            Objects.checkFromToIndex(fromIndex, toIndex, to - from);
            return new Slice(array, from + fromIndex, from + toIndex);
        }
    }

    /**
     * A batch of calls of one function ({@code Executor.map} with a chunksize): the worker applies the
     * function to each argument in turn and stops at the first exception.
     *
     * @param fn the function
     * @param args the arguments
     */
    public record Chunk(Fn fn, List<Object> args) {}

    /**
     * A batch of calls of one function that goes on past a failing call ({@code Pool.imap}): every argument
     * gets its own outcome.
     *
     * @param fn the function
     * @param args the arguments
     */
    public record EachChunk(Fn fn, List<Object> args) {}

    /**
     * What a chunk returns: the values computed, and the exception that stopped it (at index
     * {@code values.size()}), if any.
     *
     * @param values the values, in order
     * @param error the exception raised by the next call, or null
     */
    public record ChunkResult(List<Object> values, Throwable error) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

    /**
     * What an {@link EachChunk} returns: one value or exception per argument, in order.
     *
     * @param values the values; null where the call failed
     * @param errors the exceptions; null where the call succeeded (the list may be null when none failed)
     */
    public record EachResult(List<Object> values, List<Throwable> errors) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        /**
         * @param i an argument's index
         * @return the exception its call raised, or null
         */
        public Throwable error(int i) {
            return errors == null ? null : errors.get(i);
        }
    }
}
