package dev.mp4j.python.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mp4j.python.Pickle;
import dev.mp4j.python.PickleError;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link Pickle#loads}, as every pickle a CPython peer sends meets it: only {@link PickleError} may escape,
 * and memory stays bounded by the input (a length prefix of 2 GiB on a 10-byte input must not allocate 2 GiB),
 * as mp4j-core's fuzz tests bound its decoders.
 *
 * <p>A normal {@code mvn verify} replays the seed inputs under
 * {@code src/test/resources/dev/mp4j/python/fuzz/PickleFuzzTestInputs/loads/} (pickles CPython wrote at protocols
 * 2 to 5, and hostile ones). A fuzzing run:
 * <pre>
 *   JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -B -ntp -pl mp4j-python -am test -Pfuzz \
 *       -Dtest='PickleFuzzTest#loads' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * An input that breaks a property is written as {@code crash-<sha1>} in {@code mp4j-python/}: move it into the
 * inputs directory and every normal run replays it.
 */
class PickleFuzzTest {
    /** What a load may allocate whatever its input: the stack, the memo's first table. */
    private static final long BASE_ALLOWANCE = 16L << 20;
    /**
     * And per byte of input: a one-byte opcode may push a new container ({@code ]}, about 40 bytes with its array),
     * and {@code DUP}s and memo gets push references.
     */
    private static final long PER_INPUT_BYTE = 96;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        // loads the classes a load uses before any input is measured (class loading allocates on this thread)
        byte[] warm = Pickle.dumps(java.util.Map.of("k", java.util.List.of(1L, 1L << 40, "é\uDC80", new byte[1],
                java.util.Set.of(2.5), new dev.mp4j.python.PyTuple(1L), java.math.BigInteger.TWO.pow(70),
                new dev.mp4j.python.PyByteArray(new byte[1]),
                dev.mp4j.python.PyObject.viaNew("m", "C", java.util.List.of(), java.util.Map.of()),
                new dev.mp4j.python.PythonError("builtins.KeyError", java.util.List.of()),
                new dev.mp4j.python.PyGlobal("builtins", "len"))));
        Pickle.loads(warm);
        for (int i = 0; i < warm.length; i++) {
            try {
                Pickle.loads(java.util.Arrays.copyOf(warm, i));
            } catch (PickleError expected) {
                // warming the error path too
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void loads(byte[] data) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            Pickle.loads(data);
        } catch (PickleError e) {
            // the only exception declared
        }
        long used = THREADS.getCurrentThreadAllocatedBytes() - before;
        long limit = BASE_ALLOWANCE + PER_INPUT_BYTE * data.length;
        if (used > limit) {
            throw new AssertionError("loads allocated " + used + " bytes for an input of " + data.length
                    + " bytes (limit " + limit + ")");
        }
    }
}
