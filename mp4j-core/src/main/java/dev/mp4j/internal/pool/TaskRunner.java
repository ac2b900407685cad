package dev.mp4j.internal.pool;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

/**
 * Runs one task the way every pool worker does, in a worker JVM ({@link WorkerJob}) or on a worker thread
 * ({@link ThreadBackend}): a {@link Callable}, a {@link Chunks.Chunk} (stops at the first failing call) or
 * a {@link Chunks.EachChunk} (every call gets its own outcome).
 */
final class TaskRunner {
    /**
     * A chunk's calls run in blocks of this many, each a call of a small method that a JVM compiles by its
     * calls, soon and for good (one long loop in a method called a few times per map would wait in the
     * interpreter for on-stack replacement). Small enough that an imap's chunk of 100 is a few calls
     * ({@code FastFormat.BLOCK} says why).
     */
    private static final int BLOCK = 32;

    private TaskRunner() {}

    /**
     * A task's outcome.
     *
     * @param value what it returned (a chunk's result for chunks)
     * @param error what it raised, or null
     */
    record Outcome(Object value, Throwable error) {}

    /**
     * @param task the task
     * @param mark applied to the exception of a call inside a chunk (a worker JVM marks where it was raised);
     *     null leaves it as it is
     * @return the outcome; never throws
     */
    static Outcome run(Object task, UnaryOperator<Throwable> mark) {
        return run(task, null, 0, mark);
    }

    /**
     * As {@link #run(Object, UnaryOperator)}, a {@link Chunks.Chunk} of a map's items run in place when its
     * values go to {@code into} from the index of its first item (a worker thread writes them where the map's
     * result takes them, {@link Completion#valuesInto}): its result's values are then a {@link Chunks.Slice}
     * of {@code into}.
     *
     * @param task the task
     * @param into where a chunk's values may go, or null for an array of its own
     * @param at the index in {@code into} of its first value
     * @param mark applied to the exception of a call inside a chunk; null leaves it as it is
     * @return the outcome; never throws
     */
    static Outcome run(Object task, Object[] into, int at, UnaryOperator<Throwable> mark) {
        if (task instanceof Chunks.Chunk chunk) {
            return new Outcome(runChunk(chunk.fn().function(), chunk.args(), into, at, mark), null);
        }
        if (task instanceof Chunks.EachChunk chunk) {
            return new Outcome(runEach(chunk.fn().function(), chunk.args(), mark), null);
        }
        try {
            return new Outcome(((Callable<?>) task).call(), null);
        } catch (Throwable t) {
            return new Outcome(null, t);
        }
    }

    /**
     * Applies {@code fn} to each argument in turn, stopping at the first exception.
     *
     * @param fn the function
     * @param args the arguments
     * @param mark applied to the exception; null leaves it as it is
     * @return the values before the exception, and the exception
     */
    static Chunks.ChunkResult runChunk(dev.mp4j.function.SerializableFunction<Object, Object> fn, List<Object> args, UnaryOperator<Throwable> mark) {
        return runChunk(fn, args, null, 0, mark);
    }

    /**
     * As {@link #runChunk(dev.mp4j.function.SerializableFunction, List, UnaryOperator)}, in place when it can: a
     * chunk of a map's items ({@link Chunks.Slice}) whose values go to {@code into} from {@code at}, the index of
     * its first item in the items' array (a map's item and its value have the same index in the map's items and
     * in its result), is read from the items' array and writes its values into {@code into}, without a copy of
     * either. Otherwise the arguments are copied out and the values go to an array of the chunk's own.
     *
     * @param into where the values may go, or null
     * @param at the index in {@code into} of the first value
     * @return the values before the exception (a {@link Chunks.Slice} of {@code into} when they went there),
     *     and the exception
     */
    private static Chunks.ChunkResult runChunk(dev.mp4j.function.SerializableFunction<Object, Object> fn,
                                               List<Object> args, Object[] into, int at,
                                               UnaryOperator<Throwable> mark) {
        Object[] in;
        Object[] out;
        int from;
        int to;
        // In place, only for a worker thread (a JVM's values come back in a frame): sound because the engine
        // never runs a thread's task twice nor after its map has a list (a thread's tasks are requeued only
        // once the thread has left its loop; a kill, cancel or time limit fails the map first, and a failed
        // map never hands out its array). A requeue while a thread may still run the task would break this.
        if (into != null && args instanceof Chunks.Slice s && s.from() == at && s.to() <= into.length) {
            in = s.array();
            out = into;
            from = s.from();
            to = s.to();
        } else {
            in = array(args);
            out = new Object[in.length];
            from = 0;
            to = in.length;
        }
        Throwable[] failure = new Throwable[1];
        for (int i = from; i < to; i += BLOCK) {
            int end = Math.min(to, i + BLOCK);
            int stop = applyAll(fn, in, out, i, end, failure);
            if (stop < end) {
                List<Object> done = out == into ? new Chunks.Slice(out, from, stop)
                        : new ArrayList<>(Arrays.asList(out).subList(0, stop));
                return new Chunks.ChunkResult(done, mark(mark, failure[0]));
            }
        }
        // a view, not a copy: it is read or sent once (a worker JVM encodes it from the array)
        return new Chunks.ChunkResult(new Chunks.Slice(out, from, to), null);
    }

    /**
     * @return the arguments as an array, only read: a slice's own array when it is the whole of it (a worker
     *     JVM's chunk, decoded into one), else a copy
     */
    private static Object[] array(List<Object> args) {
        if (args instanceof Chunks.Slice s && s.from() == 0 && s.to() == s.array().length) {
            return s.array();
        }
        return args.toArray();
    }

    /**
     * Applies {@code fn} to {@code in[from, to)}, the values into {@code out}, until a call throws.
     *
     * @return the index of the call that threw, its exception in {@code failure[0]}; {@code to} if none did
     */
    private static int applyAll(dev.mp4j.function.SerializableFunction<Object, Object> fn, Object[] in, Object[] out,
                                int from, int to, Throwable[] failure) {
        for (int i = from; i < to; i++) {
            try {
                out[i] = fn.apply(in[i]);
            } catch (Throwable t) {
                failure[0] = t;
                return i;
            }
        }
        return to;
    }

    /** @return {@code t} marked, or as it is when {@code mark} is null (a worker thread's: no class to load) */
    private static Throwable mark(UnaryOperator<Throwable> mark, Throwable t) {
        return mark == null ? t : mark.apply(t);
    }

    /**
     * Applies {@code fn} to every argument, each call with its own outcome.
     *
     * @param fn the function
     * @param args the arguments
     * @param mark applied to each exception; null leaves them as they are
     * @return the values and exceptions, by argument
     */
    static Chunks.EachResult runEach(dev.mp4j.function.SerializableFunction<Object, Object> fn, List<Object> args, UnaryOperator<Throwable> mark) {
        Object[] in = array(args);
        int n = in.length;
        Object[] values = new Object[n];
        Throwable[] failure = new Throwable[1];
        List<Throwable> errors = null;
        for (int i = 0; i < n; ) {
            int end = Math.min(n, i + BLOCK);
            int stop = applyAll(fn, in, values, i, end, failure);
            if (stop < end) {
                if (errors == null) {
                    errors = new ArrayList<>(Collections.nCopies(n, null));
                }
                errors.set(stop, mark(mark, failure[0]));
                i = stop + 1;
            } else {
                i = end;
            }
        }
        // a view when all succeeded (read or sent once as a list); a result with errors travels whole, as is
        return new Chunks.EachResult(errors == null ? new Chunks.Slice(values, 0, n)
                : new ArrayList<>(Arrays.asList(values)), errors);
    }
}
