package dev.mp4j.bench.jmh;

import dev.mp4j.internal.jfr.Events;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.ThreadPool;

import java.util.concurrent.TimeUnit;

import jdk.jfr.Recording;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What mp4j's JFR events cost when no recording enables them (compiled in, disabled).
 *
 * <p>{@code perTaskBaseline} and {@code perTaskEventsOff} do the same work, the second adding exactly what the
 * pool engine adds per task for its {@code dev.mp4j.Task} event: the check at submit (which decides whether the
 * clock is read) and the commit call at the end; their difference is the events' cost per task. The
 * {@code threadPoolApply} pair is a whole task's round trip through the engine (a {@link ThreadPool}, so no
 * serialization or JVM in the way) with {@code dev.mp4j.Task} off, and on in a running recording, for scale.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JfrOffBench {
    /** The arguments of an engine's Task event, kept in fields so they are not constants. */
    @State(Scope.Thread)
    public static class Args {
        String label = "SpawnProcess pool 1";
        long pid = 4242;
        long run = 12_345;
        long bytesIn = 311;
        long bytesOut = 97;
    }

    /** @param a the event's arguments */
    @Benchmark
    public void perTaskBaseline(Args a, Blackhole bh) {
        bh.consume(a.label);
        bh.consume(a.pid);
        bh.consume(a.run);
        bh.consume(a.bytesIn);
        bh.consume(a.bytesOut);
    }

    /** @param a the event's arguments */
    @Benchmark
    public void perTaskEventsOff(Args a, Blackhole bh) {
        bh.consume(a.label);
        bh.consume(a.pid);
        bh.consume(a.run);
        bh.consume(a.bytesIn);
        bh.consume(a.bytesOut);
        long submitted = Events.taskEnabled() ? System.nanoTime() : 0;
        Events.task(a.label, a.pid, submitted, 0, a.run, a.bytesIn, a.bytesOut, "result");
    }

    /** A two-thread ThreadPool, and a recording that enables dev.mp4j.Task when {@code task} is "on". */
    @State(Scope.Benchmark)
    public static class Engine {
        @Param({"off", "on"})
        String task;
        Pool pool;
        Recording recording;

        /** Starts the pool (and the recording). */
        @Setup(Level.Trial)
        public void setUp() {
            pool = new ThreadPool(2);
            if (task.equals("on")) {
                recording = new Recording();
                recording.enable("dev.mp4j.Task");
                recording.setToDisk(false);
                recording.start();
            }
        }

        /** Stops them. */
        @TearDown(Level.Trial)
        public void tearDown() {
            if (recording != null) {
                recording.close();
            }
            pool.terminate();
        }
    }

    /**
     * @param e the pool
     * @return the task's value
     */
    @Benchmark
    public int threadPoolApply(Engine e) {
        return e.pool.apply(() -> 1);
    }
}
