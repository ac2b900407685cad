package dev.mp4j.multiprocessing.stress;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.multiprocessing.Process;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Starting the stress tests' child processes and joining them; an atomic add on a shared array's memory. */
final class Children {
    /** How many child processes each stress test starts. */
    static final int COUNT = 4;

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    private Children() {}

    /** Starts {@link #COUNT} daemon children, child {@code i} running {@code target.apply(i)}. */
    static List<Process> start(IntFunction<SerializableRunnable> target) {
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            Process p = new Process(target.apply(i), "stress-" + i);
            p.setDaemon(true); // terminated at exit if a failing test leaves it behind
            p.start();
            children.add(p);
        }
        return children;
    }

    /** Joins every child and checks that each ended normally. */
    static void joinAll(List<Process> children) {
        for (Process p : children) {
            assertTrue(p.join(Duration.ofSeconds(60)), p + " did not end");
            assertEquals(0, p.exitCode().orElseThrow(), p + " failed (its stack trace is on stderr)");
            p.close();
        }
    }

    /** Atomically adds {@code d} to the int at {@code index} of a shared int array's memory. */
    static int getAndAdd(MemorySegment ints, int index, int d) {
        return (int) INT.getAndAdd(ints, (long) index * Integer.BYTES, d);
    }
}
