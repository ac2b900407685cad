package dev.mp4j.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What moving 1 MiB messages from one CPU to another through shared memory can reach on this machine, with
 * none of mp4j: a writer thread copies the messages into an off-heap ring chunk by chunk while the benchmark
 * thread copies them out, the two keeping pace by spinning on a head and a tail and nothing else (no lock,
 * no sleeping, no record headers). The figure is messages (MiB) a second, the bound for mp4j's
 * {@code recvBytes} ({@code fresh}: a new array each message, as it must return) and {@code recvBytesInto}
 * (one array reused). {@code shape} is ring KiB : chunk KiB; {@code 256:8} is mp4j's own ring and chunk.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CopyBoundBench {
    private static final int MESSAGE = 1 << 20;
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final long HEAD = 0;
    private static final long TAIL = 128;

    /** Ring KiB : chunk KiB. */
    @Param({"256:8", "2048:1024"})
    public String shape;

    /** Whether each message goes into a new array. */
    @Param({"true", "false"})
    public boolean fresh;

    private Arena arena;
    private MemorySegment control;
    private MemorySegment ring;
    private int ringSize;
    private int chunk;
    private long head;
    private byte[] reused;
    private Thread writer;
    private volatile boolean stop;

    /** Makes the ring and starts the writer, which keeps it full until the tear-down. */
    @Setup
    public void setUp() {
        String[] parts = shape.split(":");
        ringSize = Integer.parseInt(parts[0]) * 1024;
        chunk = Integer.parseInt(parts[1]) * 1024;
        if (MESSAGE % chunk != 0 || ringSize % chunk != 0) {
            throw new IllegalArgumentException("shape " + shape + ": chunks must divide the message and the ring");
        }
        arena = Arena.ofShared();
        control = arena.allocate(256, 128);
        ring = arena.allocate(ringSize, 4096);
        reused = new byte[MESSAGE];
        writer = new Thread(this::write, "copy-bound-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Stops the writer and frees the ring. */
    @TearDown
    public void tearDown() throws InterruptedException {
        stop = true;
        writer.join(10_000);
        if (writer.isAlive()) {
            throw new IllegalStateException("the writer did not stop");
        }
        arena.close();
    }

    private void write() {
        byte[] source = new byte[MESSAGE];
        long tail = 0;
        while (!stop) {
            for (int off = 0; off < MESSAGE; off += chunk) {
                while (tail + chunk - (long) LONG.getVolatile(control, HEAD) > ringSize) {
                    if (stop) {
                        return;
                    }
                    Thread.onSpinWait();
                }
                MemorySegment.copy(source, off, ring, ValueLayout.JAVA_BYTE, tail % ringSize, chunk);
                tail += chunk;
                LONG.setVolatile(control, TAIL, tail);
            }
        }
    }

    /** @return one 1 MiB message taken out of the ring */
    @Benchmark
    public byte[] receive() {
        byte[] out = fresh ? new byte[MESSAGE] : reused;
        for (int off = 0; off < MESSAGE; off += chunk) {
            for (int spins = 1; (long) LONG.getVolatile(control, TAIL) - head < chunk; spins++) {
                if ((spins & 0xfffff) == 0 && !writer.isAlive()) {
                    throw new IllegalStateException("the writer stopped");
                }
                Thread.onSpinWait();
            }
            MemorySegment.copy(ring, ValueLayout.JAVA_BYTE, head % ringSize, out, off, chunk);
            head += chunk;
            LONG.setVolatile(control, HEAD, head);
        }
        return out;
    }
}
