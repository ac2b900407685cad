package dev.mp4j.fuzz;

import java.lang.management.ManagementFactory;

/**
 * What the fuzz tests of this package share: the properties every target checks.
 *
 * <h2>How they run</h2>
 * The fuzz tests are Jazzer {@code @FuzzTest}s. A normal {@code mvn verify} runs them in regression mode:
 * each target replays its seed inputs (under {@code src/test/resources/dev/mp4j/fuzz/<Class>Inputs/<method>/})
 * and nothing more, in a few seconds. A fuzzing run mutates the inputs with coverage guidance, one target per
 * JVM:
 * <pre>
 *   JAZZER_FUZZ=1 JAZZER_MAX_DURATION=10m mvn -B -ntp -pl mp4j-core test -Pfuzz \
 *       -Dtest='WireFuzzTest#frames' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * (the targets: {@code WireFuzzTest#frames}, {@code WireFuzzTest#frameChannel},
 * {@code WireFuzzTest#socketConnection}, {@code HandshakeFuzzTest#handshake}, {@code HandshakeFuzzTest#hmac},
 * {@code ManagerFuzzTest#request}, {@code CodecFuzzTest#decode}). Without {@code JAZZER_MAX_DURATION} a target
 * runs for the {@code maxDuration} of its annotation. The profile {@code fuzz} turns JUnit's timeouts off (the
 * campaign is one JUnit invocation, and they would end it); each target's {@code @Timeout} is then Jazzer's
 * per-input timeout. An input that breaks a property is written as
 * {@code crash-<sha1>} in {@code mp4j-core/}: move it into the target's inputs directory, and it is replayed by
 * every normal run from then on; the corpus grows in {@code mp4j-core/.cifuzz-corpus/} (both git-ignored).
 * An input that runs longer than the test's {@code @Timeout} fails as a hang, in both modes.
 * Jazzer 0.30 works on JDK 25 here: its agent loads (dynamically; the JVM warns about that), instruments mp4j's
 * classes and fuzzes, in both modes.
 *
 * <h2>The properties</h2>
 * Only the exceptions a target declares (the {@link java.io.IOException} family, or the documented ones);
 * memory bounded by what the input holds ({@link #assertAllocatedAtMost}: a length prefix of 2 GiB on a
 * 10-byte input must not allocate 2 GiB); no hang (the {@code @Timeout}).
 */
final class FuzzSupport {
    /** What a target may allocate whatever its input: the buffers of a frame, a handshake, a stream. */
    static final long BASE_ALLOWANCE = 16L << 20;
    /** And per byte of input (a frame's array grows by doubling, so up to about four times its length). */
    static final long PER_INPUT_BYTE = 8;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzSupport() {}

    /** @return the bytes the current thread has allocated so far */
    static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /** @return the bytes the live threads of this JVM have allocated so far, in all */
    static long allocatedByAllThreads() {
        long[] ids = THREADS.getAllThreadIds();
        long sum = 0;
        for (long n : THREADS.getThreadAllocatedBytes(ids)) {
            if (n > 0) {
                sum += n;
            }
        }
        return sum;
    }

    /**
     * @param since what {@link #allocated} returned before the target ran
     * @param now what it returns now
     * @param inputLength the length of the input
     * @throws AssertionError if the target allocated more than the input can justify
     */
    static void assertAllocatedAtMost(long since, long now, int inputLength) {
        long used = now - since;
        long limit = BASE_ALLOWANCE + PER_INPUT_BYTE * inputLength;
        if (used > limit) {
            throw new AssertionError("the target allocated " + used + " bytes for an input of " + inputLength
                    + " bytes (limit " + limit + ")");
        }
    }

    /**
     * @param e what the target threw
     * @param allowed the exception classes it may throw
     * @throws AssertionError wrapping {@code e} if it is none of them
     */
    @SafeVarargs
    static void assertOneOf(Throwable e, Class<? extends Throwable>... allowed) {
        for (Class<? extends Throwable> c : allowed) {
            if (c.isInstance(e)) {
                return;
            }
        }
        throw new AssertionError("undeclared exception: " + e, e);
    }
}
