package dev.mp4j.bench.jmh;

import dev.mp4j.function.SerializableCallable;
import dev.mp4j.internal.wire.Codec;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * mp4j's codec (the form every queue item, pipe message, task and result takes between processes) on
 * small objects: encoding alone, and encoding plus decoding. pickle takes about 2 µs for an int. The kind
 * {@code task} is what a cluster executor sends for {@code submit(() -> x + 1)}: a record holding a
 * serializable lambda that captures an int, and a time limit.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CodecBench {
    /** Which small object to send. */
    @Param({"int", "string", "bytes64", "doubles16", "list3", "map2", "task"})
    public String kind;

    private Object value;
    private byte[] encoded;

    /** Makes the object and its encoded form. */
    @Setup
    public void setUp() throws IOException {
        value = switch (kind) {
            case "int" -> 42;
            case "string" -> "hello, world";
            case "bytes64" -> new byte[64];
            case "doubles16" -> new double[16];
            case "list3" -> new ArrayList<>(List.of(1, "two", 3.0));
            case "map2" -> new HashMap<>(Map.of("a", 1, "b", 2));
            case "task" -> new Task(plusOne(41), 0);
            default -> throw new IllegalArgumentException("kind must be one of the @Param values, got " + kind);
        };
        encoded = Codec.encode(value);
    }

    /**
     * A task as a cluster executor sends it.
     *
     * @param fn the call
     * @param timeLimitNanos its time limit
     */
    public record Task(SerializableCallable<?> fn, long timeLimitNanos) implements Serializable {}

    private static SerializableCallable<Integer> plusOne(int x) {
        return () -> x + 1;
    }

    /** @return the encoded object */
    @Benchmark
    public byte[] encode() throws IOException {
        return Codec.encode(value);
    }

    /** @return the decoded object */
    @Benchmark
    public Object decode() throws IOException, ClassNotFoundException {
        return Codec.decode(encoded, null);
    }

    /** @return the object after a trip through bytes */
    @Benchmark
    public Object roundTrip() throws IOException, ClassNotFoundException {
        return Codec.decode(Codec.encode(value), null);
    }
}
