package dev.mp4j.internal.pool;

import dev.mp4j.internal.spawn.Identity;
import dev.mp4j.internal.wire.BigEndian;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.Tags;
import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.RemoteTraceback;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * The frames between a pool and its worker JVMs, on the worker's control channel (after the JOB frame).
 * Each frame starts with its tag ({@link Tags}); the layouts after it are drawn, with their offsets, on the
 * descriptors below, whose encoders and accessors both ends use. Numbers are big-endian.
 * <pre>
 *   parent → worker  TASK         {@link TaskFrame}    a task (a Callable)
 *   parent → worker  CHUNK        {@link ChunkFrame}   a chunk of calls of one function ({@link Chunks})
 *   worker → parent  RESULT       {@link ResultFrame}  a task's outcome, its {@link Status} saying which
 *   worker → parent  INIT_FAILED  'I' serialized Throwable: the initializer failed; the worker exits
 *   parent → worker  QUIT         'Q'                 finish and exit with code 0
 *   worker → parent  SOFT_LIMIT   {@link LongFrame}    task id: the soft time limit interrupted the running task
 *   worker → parent  MEMORY       {@link LongFrame}    used heap bytes, over maxMemoryPerChild: sent before the
 *                                                     RESULT of the task after which it happened; the parent
 *                                                     sends QUIT
 *   worker → parent  BOUNCE       {@link LongFrame}    task id: after a MEMORY, for each task it got and did not run
 * </pre>
 * A worker runs one task at a time, in the order received; the parent may send a few ahead. A worker keeps
 * the last {@link #FUNCTIONS} functions it got, and the parent remembers which ones each worker has (both
 * forget the oldest first, in the same order, so they agree). Every exception sent back carries a
 * suppressed {@link RemoteTraceback} naming the worker and its pid; one that cannot be serialized is
 * replaced by a {@link ProcessError} with its class, message and stack trace.
 *
 * <p>A frame travels whole or not at all (the channel's framing): a reader never sees part of one. A
 * worker killed mid-task sends nothing more; the parent learns it from the channel's end.
 */
public final class PoolFrames {
    /** How many functions a worker keeps (and the parent remembers it keeps). */
    static final int FUNCTIONS = 8;
    /** Where every frame but QUIT, INIT_FAILED and MEMORY carries its task id: right after the tag. */
    static final int ID = 1;


    private PoolFrames() {}

    /**
     * TASK, parent → worker: one task.
     * <pre>
     *   0  byte   tag 'T'
     *   1  int64  ID
     *   9  ...    TASK   the serialized task (a Callable), to the end of the frame
     * </pre>
     */
    static final class TaskFrame {
        static final int TASK = ID + 8;

        private TaskFrame() {}

        static byte[] encode(long id, byte[] task) {
            byte[] f = new byte[TASK + task.length];
            f[0] = Tags.TASK;
            BigEndian.putLong(f, ID, id);
            System.arraycopy(task, 0, f, TASK, task.length);
            return f;
        }

        /** @return a copy of the serialized task */
        static byte[] task(byte[] frame) {
            return Arrays.copyOfRange(frame, TASK, frame.length);
        }
    }

    /**
     * CHUNK, parent → worker: calls of one function.
     * <pre>
     *   0  byte   tag 'C'
     *   1  int64  ID
     *   9  byte   KIND        {@link #PLAIN} a {@link Chunks.Chunk}, {@link #EACH} a {@link Chunks.EachChunk}
     *  10  int64  FN_ID       the function's id ({@link Chunks.Fn#id()})
     *  18  int32  FN_LENGTH   n; {@link #KNOWN} (-1): the worker has the function from an earlier CHUNK
     *  22  n      FN          the serialized function (absent when n = -1)
     *  22+max(n,0) ...  ARGS  the serialized ArrayList of the arguments, to the end of the frame
     * </pre>
     */
    static final class ChunkFrame {
        static final int KIND = ID + 8;
        static final int FN_ID = KIND + 1;
        static final int FN_LENGTH = FN_ID + 8;
        static final int FN = FN_LENGTH + 4;
        /** KIND: stop at the first failing call. */
        static final byte PLAIN = 0;
        /** KIND: every call gets its own outcome. */
        static final byte EACH = 1;
        /** FN_LENGTH: no function bytes follow, the worker has it. */
        static final int KNOWN = -1;

        private ChunkFrame() {}

        /**
         * @param fn the serialized function, or null if the worker has it
         * @return the frame up to ARGS: what is sent before the serialized arguments
         */
        static byte[] head(long id, boolean each, long fnId, byte[] fn) {
            int n = fn == null ? 0 : fn.length;
            byte[] f = new byte[FN + n];
            f[0] = Tags.CHUNK;
            BigEndian.putLong(f, ID, id);
            f[KIND] = each ? EACH : PLAIN;
            BigEndian.putLong(f, FN_ID, fnId);
            BigEndian.putInt(f, FN_LENGTH, fn == null ? KNOWN : n);
            if (fn != null) {
                System.arraycopy(fn, 0, f, FN, n);
            }
            return f;
        }

        static boolean each(byte[] frame) {
            return frame[KIND] == EACH;
        }

        static long fnId(byte[] frame) {
            return BigEndian.getLong(frame, FN_ID);
        }

        /** @return a copy of the serialized function, or null if the frame has none ({@link #KNOWN}) */
        static byte[] fn(byte[] frame) {
            int n = BigEndian.getInt(frame, FN_LENGTH);
            return n < 0 ? null : Arrays.copyOfRange(frame, FN, FN + n);
        }

        /**
         * @return where the serialized arguments start
         * @throws IllegalArgumentException if the frame's function length does not fit in it
         */
        static int argsOffset(byte[] frame) {
            int n = BigEndian.getInt(frame, FN_LENGTH);
            if (n < KNOWN || n > frame.length - FN) {
                throw new IllegalArgumentException("a CHUNK frame of " + frame.length + " bytes with a function of "
                        + n);
            }
            return FN + Math.max(0, n);
        }
    }

    /** What a RESULT frame's body is. */
    enum Status {
        /** The task's value. */
        VALUE,
        /** The exception the task raised (or a serializable stand-in for it). */
        EXCEPTION,
        /** The values of a {@link Chunks.Chunk} in which no call failed: an ArrayList. */
        CHUNK_VALUES,
        /** The values of an {@link Chunks.EachChunk} in which no call failed: an ArrayList. */
        EACH_VALUES;

        private static final Status[] BY_CODE = values();

        /** @return its byte in a RESULT frame */
        byte code() {
            return (byte) ordinal();
        }

        /**
         * @param code a RESULT frame's STATUS byte
         * @return its status
         * @throws IllegalArgumentException for a byte that is none
         */
        static Status of(byte code) {
            if (code < 0 || code >= BY_CODE.length) {
                throw new IllegalArgumentException("a RESULT frame with status " + code);
            }
            return BY_CODE[code];
        }
    }

    /**
     * RESULT, worker → parent: a task's outcome.
     * <pre>
     *   0  byte   tag 'R'
     *   1  int64  ID
     *   9  byte   STATUS     a {@link Status}
     *  10  int64  RUN_NANOS  how long the worker ran the task (0 until the worker sets it, once it ran)
     *  18  ...    BODY       the serialized value, exception or values ({@link Status}), to the end of the frame
     * </pre>
     */
    static final class ResultFrame {
        static final int STATUS = ID + 8;
        static final int RUN_NANOS = STATUS + 1;
        static final int BODY = RUN_NANOS + 8;

        private ResultFrame() {}

        static byte[] encode(long id, Status status, byte[] body) {
            byte[] f = new byte[BODY + body.length];
            System.arraycopy(body, 0, f, BODY, body.length);
            return header(f, id, status);
        }

        /**
         * @param f a body with {@link #BODY} bytes of headroom
         * @return {@code f}, its header written
         */
        static byte[] header(byte[] f, long id, Status status) {
            f[0] = Tags.RESULT;
            BigEndian.putLong(f, ID, id);
            f[STATUS] = status.code();
            return f;
        }

        static Status status(byte[] frame) {
            return Status.of(frame[STATUS]);
        }

        static long runNanos(byte[] frame) {
            return BigEndian.getLong(frame, RUN_NANOS);
        }

        static void runNanos(byte[] frame, long nanos) {
            BigEndian.putLong(frame, RUN_NANOS, nanos);
        }

        /** @return a copy of the serialized body */
        static byte[] body(byte[] frame) {
            return Arrays.copyOfRange(frame, BODY, frame.length);
        }
    }

    /**
     * SOFT_LIMIT, BOUNCE (a task id) and MEMORY (used heap bytes), worker → parent: one number.
     * <pre>
     *   0  byte   tag 'S', 'B' or 'M'
     *   1  int64  VALUE
     * </pre>
     */
    static final class LongFrame {
        static final int VALUE = ID;
        static final int LENGTH = VALUE + 8;

        private LongFrame() {}

        static byte[] encode(byte tag, long value) {
            byte[] f = new byte[LENGTH];
            f[0] = tag;
            BigEndian.putLong(f, VALUE, value);
            return f;
        }

        static long value(byte[] frame) {
            return BigEndian.getLong(frame, VALUE);
        }
    }

    /**
     * INIT_FAILED, worker → parent: the tag, then the initializer's serialized exception.
     */
    static final class InitFailedFrame {
        static final int ERROR = 1;

        private InitFailedFrame() {}

        static byte[] encode(byte[] error) {
            return Tags.frame(Tags.INIT_FAILED, error);
        }

        /** @return a copy of the serialized exception */
        static byte[] error(byte[] frame) {
            return Arrays.copyOfRange(frame, ERROR, frame.length);
        }
    }

    // ------------------------------------------------------------------------------------------- frames

    /**
     * @param frame a TASK, CHUNK, RESULT, SOFT_LIMIT or BOUNCE frame
     * @return its task id
     */
    public static long id(byte[] frame) {
        return BigEndian.getLong(frame, ID);
    }

    /**
     * @param id the task id
     * @param task the serialized task
     * @return a TASK frame
     */
    public static byte[] task(long id, byte[] task) {
        return TaskFrame.encode(id, task);
    }

    /**
     * @param frame a TASK frame
     * @return the serialized task
     */
    public static byte[] taskBody(byte[] frame) {
        return TaskFrame.task(frame);
    }

    /** @return a QUIT frame */
    public static byte[] quit() {
        return new byte[] {Tags.QUIT};
    }

    /**
     * @param id the task that was interrupted
     * @return a SOFT_LIMIT frame
     */
    static byte[] softLimit(long id) {
        return LongFrame.encode(Tags.SOFT_LIMIT, id);
    }

    /**
     * @param id the task not run
     * @return a BOUNCE frame
     */
    static byte[] bounce(long id) {
        return LongFrame.encode(Tags.BOUNCE, id);
    }

    /**
     * @param usedBytes the worker's used heap
     * @return a MEMORY frame
     */
    static byte[] memory(long usedBytes) {
        return LongFrame.encode(Tags.MEMORY, usedBytes);
    }

    /**
     * @param id the task id
     * @param value the value
     * @return a RESULT frame with the value, or with a clear error if the value cannot be serialized
     */
    public static byte[] value(long id, Object value) {
        byte[] frame;
        try {
            frame = Codec.encode(value, ResultFrame.BODY);
        } catch (IOException e) {
            return failure(id, new ProcessError("the task's result (" + className(value)
                    + ") cannot be sent back to the parent: " + e, e));
        }
        return ResultFrame.header(frame, id, Status.VALUE);
    }

    /**
     * @param id the task id
     * @param each whether the values are an {@link Chunks.EachChunk}'s
     * @param values the values of a chunk in which no call failed
     * @return a RESULT frame with the values, or with a clear error if they cannot be serialized
     */
    static byte[] values(long id, boolean each, List<Object> values) {
        byte[] frame;
        try {
            // decoded as an ArrayList; from the runner's own array, without a copy of it
            if (values instanceof Chunks.Slice s) {
                frame = Codec.encodeList(s.array(), s.from(), s.to(), ResultFrame.BODY);
            } else {
                Object[] a = values.toArray();
                frame = Codec.encodeList(a, 0, a.length, ResultFrame.BODY);
            }
        } catch (IOException e) {
            return failure(id, new ProcessError("a result of the chunk cannot be sent back to the parent: " + e, e));
        }
        return ResultFrame.header(frame, id, each ? Status.EACH_VALUES : Status.CHUNK_VALUES);
    }

    /**
     * @param id the task id
     * @param error the task's exception
     * @return a RESULT frame with the exception (or a serializable stand-in for it)
     */
    public static byte[] failure(long id, Throwable error) {
        return ResultFrame.encode(id, Status.EXCEPTION, encodeThrowable(error));
    }

    /**
     * @param frame a RESULT frame
     * @return the serialized value or exception
     */
    public static byte[] resultBody(byte[] frame) {
        return ResultFrame.body(frame);
    }

    /**
     * @param error the initializer's exception
     * @return an INIT_FAILED frame
     */
    static byte[] initFailed(Throwable error) {
        return InitFailedFrame.encode(encodeThrowable(error));
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
     * Marks an exception with the worker's name and pid, and returns it if it can be serialized, else a
     * stand-in ({@link Codec#portable}).
     *
     * @param error the exception
     * @return something that serializes
     */
    static Throwable portable(Throwable error) {
        return Codec.portable(error, "raised in process '" + Identity.current().name() + "' (pid "
                + ProcessHandle.current().pid() + ")");
    }

    private static String className(Object o) {
        return o == null ? "null" : o.getClass().getName();
    }
}
