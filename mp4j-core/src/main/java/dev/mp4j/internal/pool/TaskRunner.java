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
     * @param mark applied to the exception of a call inside a chunk (a worker JVM marks where it was raised)
     * @return the outcome; never throws
     */
    static Outcome run(Object task, UnaryOperator<Throwable> mark) {
        if (task instanceof Chunks.Chunk chunk) {
            return new Outcome(runChunk(chunk.fn().function(), chunk.args(), mark), null);
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
     * @param mark applied to the exception
     * @return the values before the exception, and the exception
     */
    static Chunks.ChunkResult runChunk(dev.mp4j.function.SerializableFunction<Object, Object> fn, List<Object> args, UnaryOperator<Throwable> mark) {
        Object[] in = args.toArray();
        Object[] out = new Object[in.length];
        Throwable[] failure = new Throwable[1];
        for (int i = 0; i < in.length; i += BLOCK) {
            int end = Math.min(in.length, i + BLOCK);
            int stop = applyAll(fn, in, out, i, end, failure);
            if (stop < end) {
                return new Chunks.ChunkResult(new ArrayList<>(Arrays.asList(out).subList(0, stop)),
                        mark.apply(failure[0]));
            }
        }
        return new Chunks.ChunkResult(Arrays.asList(out), null); // a view, not a copy: it is read or sent once
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

    /**
     * Applies {@code fn} to every argument, each call with its own outcome.
     *
     * @param fn the function
     * @param args the arguments
     * @param mark applied to each exception
     * @return the values and exceptions, by argument
     */
    static Chunks.EachResult runEach(dev.mp4j.function.SerializableFunction<Object, Object> fn, List<Object> args, UnaryOperator<Throwable> mark) {
        Object[] in = args.toArray();
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
                errors.set(stop, mark.apply(failure[0]));
                i = stop + 1;
            } else {
                i = end;
            }
        }
        // a view when all succeeded (read or sent once as a list); a result with errors travels whole, as is
        return new Chunks.EachResult(errors == null ? Arrays.asList(values) : new ArrayList<>(Arrays.asList(values)),
                errors);
    }
}
