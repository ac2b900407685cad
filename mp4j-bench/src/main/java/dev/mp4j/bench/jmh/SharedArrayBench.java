package dev.mp4j.bench.jmh;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.SharedDoubleArray;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Element access to a {@link SharedDoubleArray} (a segment in /dev/shm, mapped in every process that
 * holds it): one get or set per operation, walking the array so that the index is never constant.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class SharedArrayBench {
    private static final int LENGTH = 1 << 16;

    private SharedDoubleArray array;

    /** Makes the array (64 Ki doubles, 512 KiB). */
    @Setup
    public void setUp() {
        array = Multiprocessing.sharedDoubleArray(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            array.set(i, i);
        }
    }

    /** @return the sum of every element, read one get at a time */
    @Benchmark
    @OperationsPerInvocation(LENGTH)
    public double get() {
        double sum = 0;
        for (int i = 0; i < LENGTH; i++) {
            sum += array.get(i);
        }
        return sum;
    }

    /** Writes every element, one set at a time. */
    @Benchmark
    @OperationsPerInvocation(LENGTH)
    public void set() {
        for (int i = 0; i < LENGTH; i++) {
            array.set(i, i * 0.5);
        }
    }
}
