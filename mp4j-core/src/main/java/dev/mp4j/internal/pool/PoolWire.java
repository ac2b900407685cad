package dev.mp4j.internal.pool;

import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.RemoteTraceback;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.Tags;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The protocol between a pool and its worker JVMs, on the worker's control channel (after the JOB frame):
 * <pre>
 *   parent → worker  TASK    'T' int64 id, serialized task (a Callable)
 *   parent → worker  CHUNK   'C' int64 id, byte kind (0 {@link Chunk}, 1 {@link EachChunk}), int64 function id,
 *                            int32 n, n bytes of the serialized function (n = -1: the worker has it from an
 *                            earlier CHUNK), serialized ArrayList of the arguments
 *   worker → parent  RESULT  'R' int64 id, byte status, int64 nanoseconds the task ran, serialized body: 0 value, 1 exception, 2 a {@link Chunk}'s
 *                            values (an ArrayList; no call failed), 3 an {@link EachChunk}'s values (none failed)
 *   worker → parent  INIT    'I' serialized Throwable: the initializer failed; the worker exits
 *   parent → worker  QUIT    'Q'                       finish and exit with code 0
 *   worker → parent  SOFT    'S' int64 id              the soft time limit interrupted the running task
 *   worker → parent  MEMORY  'M' int64 used heap bytes  over maxMemoryPerChild: sent before the RESULT of the
 *                                                      task after which it happened; the parent sends QUIT
 *   worker → parent  BOUNCE  'B' int64 id              after a MEMORY, for each task it got and did not run
 * </pre>
 * A worker runs one task at a time, in the order received; the parent may send a few ahead. A worker keeps
 * the last {@link #FUNCTIONS} functions it got, and the parent remembers which ones each worker has (both
 * forget the oldest first, in the same order, so they agree). Every
 * exception sent back carries a suppressed {@link RemoteTraceback} naming the worker and its pid; one that
 * cannot be serialized is replaced by a {@link ProcessError} with its class, message and stack trace.
 */
public final class PoolWire {
    /** How many functions a worker keeps (and the parent remembers it keeps). */
    static final int FUNCTIONS = 8;

    private PoolWire() {}

    /**
     * @param id the task that was interrupted
     * @return a SOFT frame
     */
    static byte[] softLimit(long id) {
        return ByteBuffer.allocate(9).put(Tags.SOFT_LIMIT).putLong(id).array();
    }

    /**
     * @param id the task not run
     * @return a BOUNCE frame
     */
    static byte[] bounce(long id) {
        return ByteBuffer.allocate(9).put(Tags.BOUNCE).putLong(id).array();
    }

    /**
     * @param usedBytes the worker's used heap
     * @return a MEMORY frame
     */
    static byte[] memory(long usedBytes) {
        return ByteBuffer.allocate(9).put(Tags.MEMORY).putLong(usedBytes).array();
    }

    /**
     * @param id the task id
     * @param task the serialized task
     * @return a TASK frame
     */
    public static byte[] task(long id, byte[] task) {
        return ByteBuffer.allocate(9 + task.length).put(Tags.TASK).putLong(id).put(task).array();
    }

    /**
     * @param id the task id
     * @param each whether it is an {@link EachChunk}
     * @param fnId the function's id
     * @param fn the serialized function, or null if the worker has it
     * @param args the serialized arguments
     * @return a CHUNK frame
     */
    static byte[] chunk(long id, boolean each, long fnId, byte[] fn, byte[] args) {
        int n = fn == null ? 0 : fn.length;
        ByteBuffer b = ByteBuffer.allocate(22 + n + args.length).put(Tags.CHUNK).putLong(id).put((byte) (each ? 1 : 0))
                .putLong(fnId).putInt(fn == null ? -1 : n);
        if (fn != null) {
            b.put(fn);
        }
        return b.put(args).array();
    }

    /**
     * @param id the task id
     * @param each whether the values are an {@link EachChunk}'s
     * @param values the values of a chunk in which no call failed
     * @return a RESULT frame with the values, or with a clear error if they cannot be serialized
     */
    static byte[] values(long id, boolean each, List<Object> values) {
        byte[] body;
        try {
            body = Codec.encode(values);
        } catch (IOException e) {
            return failure(id, new ProcessError("a result of the chunk cannot be sent back to the parent: " + e, e));
        }
        return ByteBuffer.allocate(18 + body.length).put(Tags.RESULT).putLong(id).put((byte) (each ? 3 : 2)).putLong(0).put(body)
                .array();
    }

    /**
     * @param frame a RESULT frame
     * @param nanos how long the worker ran the task
     */
    static void setRunNanos(byte[] frame, long nanos) {
        ByteBuffer.wrap(frame).putLong(10, nanos);
    }

    /**
     * @param frame a RESULT frame
     * @return how long the worker ran the task, in nanoseconds
     */
    static long runNanos(byte[] frame) {
        return ByteBuffer.wrap(frame).getLong(10);
    }

    /**
     * @param frame a RESULT frame
     * @return its status: 0 value, 1 exception, 2 a chunk's values, 3 an each-chunk's values
     */
    static int status(byte[] frame) {
        return frame[9];
    }

    /** @return a QUIT frame */
    public static byte[] quit() {
        return new byte[] {Tags.QUIT};
    }

    /**
     * @param frame a TASK or RESULT frame
     * @return its task id
     */
    public static long id(byte[] frame) {
        return ByteBuffer.wrap(frame, 1, 8).getLong();
    }

    /**
     * @param id the task id
     * @param value the value
     * @return a RESULT frame with the value, or with a clear error if the value cannot be serialized
     */
    public static byte[] value(long id, Object value) {
        byte[] body;
        try {
            body = Codec.encode(value);
        } catch (IOException e) {
            return failure(id, new ProcessError("the task's result (" + className(value)
                    + ") cannot be sent back to the parent: " + e, e));
        }
        return ByteBuffer.allocate(18 + body.length).put(Tags.RESULT).putLong(id).put((byte) 0).putLong(0).put(body).array();
    }

    /**
     * @param id the task id
     * @param error the task's exception
     * @return a RESULT frame with the exception (or a serializable stand-in for it)
     */
    public static byte[] failure(long id, Throwable error) {
        byte[] body = encodeThrowable(error);
        return ByteBuffer.allocate(18 + body.length).put(Tags.RESULT).putLong(id).put((byte) 1).putLong(0).put(body).array();
    }

    /**
     * @param frame a RESULT frame
     * @return whether it carries an exception
     */
    public static boolean isFailure(byte[] frame) {
        return frame[9] == 1;
    }

    /**
     * @param frame a RESULT frame
     * @return the serialized value or exception
     */
    public static byte[] resultBody(byte[] frame) {
        return java.util.Arrays.copyOfRange(frame, 18, frame.length);
    }

    /**
     * @param error the initializer's exception
     * @return an INIT frame
     */
    static byte[] initFailed(Throwable error) {
        byte[] body = encodeThrowable(error);
        byte[] out = new byte[body.length + 1];
        out[0] = Tags.INIT_FAILED;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /** Serializes an exception made {@link #portable}. */
    static byte[] encodeThrowable(Throwable error) {
        try {
            return Codec.encode(portable(error));
        } catch (IOException impossible) {
            throw new IllegalStateException("a portable exception failed to serialize", impossible);
        }
    }

    /**
     * Marks an exception with where it was raised, and returns it if it can be serialized, else a
     * {@link ProcessError} stand-in with its class, message, stack trace and mark.
     *
     * @param error the exception
     * @return something that serializes
     */
    static Throwable portable(Throwable error) {
        RemoteTraceback where = new RemoteTraceback("raised in process '"
                + dev.mp4j.internal.spawn.ProcessHooks.get().currentName() + "' (pid " + ProcessHandle.current().pid() + ")");
        error.addSuppressed(where);
        try {
            Codec.encode(error);
            return error;
        } catch (IOException e) {
            ProcessError standIn = new ProcessError(error.getClass().getName() + ": " + error.getMessage()
                    + " (the exception itself could not be serialized: " + e + ")");
            standIn.setStackTrace(error.getStackTrace());
            standIn.addSuppressed(where);
            return standIn;
        }
    }

    private static String className(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }

    /**
     * The function of one map call ({@code Pool.map}, {@code imap}, {@code Executor.map}), shared by all its
     * chunks: a worker JVM gets it serialized once per call (then only its id), not once per chunk. It is
     * serialized when first sent, so that what it captures is read as of the call.
     */
    public static final class Fn {
        private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();

        private final dev.mp4j.function.SerializableFunction<Object, Object> fn;
        private final long id = IDS.incrementAndGet();
        private byte[] bytes; // guarded by this

        /** @param fn the function */
        public Fn(dev.mp4j.function.SerializableFunction<Object, Object> fn) {
            this.fn = java.util.Objects.requireNonNull(fn, "fn");
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
        dev.mp4j.function.SerializableFunction<Object, Object> function() {
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
