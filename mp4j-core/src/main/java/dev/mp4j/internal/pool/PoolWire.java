package dev.mp4j.internal.pool;

import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.RemoteTraceback;
import dev.mp4j.internal.wire.Codec;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The protocol between a pool and its worker JVMs, on the worker's control channel (after the JOB frame):
 * <pre>
 *   parent → worker  TASK    'T' int64 id, serialized task (a Callable, a {@link Chunk} or an {@link EachChunk})
 *   worker → parent  RESULT  'R' int64 id, byte status (0 value, 1 exception), serialized value or Throwable
 *   worker → parent  INIT    'I' serialized Throwable: the initializer failed; the worker exits
 *   parent → worker  QUIT    'Q'                       finish and exit with code 0
 * </pre>
 * A worker runs one task at a time, in the order received; the parent may send a few ahead. Every
 * exception sent back carries a suppressed {@link RemoteTraceback} naming the worker and its pid; one that
 * cannot be serialized is replaced by a {@link ProcessError} with its class, message and stack trace.
 */
public final class PoolWire {
    /** Parent → worker: a task. */
    public static final byte TASK = 'T';
    /** Worker → parent: a task's outcome. */
    public static final byte RESULT = 'R';
    /** Worker → parent: the initializer failed. */
    public static final byte INIT_FAILED = 'I';
    /** Parent → worker: exit after the tasks already sent. */
    public static final byte QUIT = 'Q';

    private PoolWire() {}

    /**
     * @param id the task id
     * @param task the serialized task
     * @return a TASK frame
     */
    public static byte[] task(long id, byte[] task) {
        return ByteBuffer.allocate(9 + task.length).put(TASK).putLong(id).put(task).array();
    }

    /** @return a QUIT frame */
    public static byte[] quit() {
        return new byte[] {QUIT};
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
        return ByteBuffer.allocate(10 + body.length).put(RESULT).putLong(id).put((byte) 0).put(body).array();
    }

    /**
     * @param id the task id
     * @param error the task's exception
     * @return a RESULT frame with the exception (or a serializable stand-in for it)
     */
    public static byte[] failure(long id, Throwable error) {
        byte[] body = encodeThrowable(error);
        return ByteBuffer.allocate(10 + body.length).put(RESULT).putLong(id).put((byte) 1).put(body).array();
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
        return java.util.Arrays.copyOfRange(frame, 10, frame.length);
    }

    /**
     * @param error the initializer's exception
     * @return an INIT frame
     */
    static byte[] initFailed(Throwable error) {
        byte[] body = encodeThrowable(error);
        byte[] out = new byte[body.length + 1];
        out[0] = INIT_FAILED;
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
     * A batch of calls of one function ({@code Executor.map} with a chunksize): the worker applies the
     * function to each argument in turn and stops at the first exception.
     *
     * @param fn the function
     * @param args the arguments
     */
    public record Chunk(dev.mp4j.function.SerializableFunction<Object, Object> fn, List<Object> args)
            implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
    }

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
     * A batch of calls of one function that goes on past a failing call ({@code Pool.imap}): every argument
     * gets its own outcome.
     *
     * @param fn the function
     * @param args the arguments
     */
    public record EachChunk(dev.mp4j.function.SerializableFunction<Object, Object> fn, List<Object> args)
            implements Serializable {
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
