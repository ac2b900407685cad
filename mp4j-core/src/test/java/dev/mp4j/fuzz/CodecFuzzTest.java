package dev.mp4j.fuzz;

import static dev.mp4j.fuzz.FuzzSupport.allocated;
import static dev.mp4j.fuzz.FuzzSupport.assertAllocatedAtMost;
import static dev.mp4j.fuzz.FuzzSupport.assertOneOf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.mp4j.internal.wire.Codec;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes {@link Codec#decode} with the default filter, as every received message meets it: only
 * {@link IOException} and {@link ClassNotFoundException} (its declared exceptions) may escape, and memory stays
 * bounded by the input (an array or collection whose stream announces 2^31 elements must not be allocated).
 */
class CodecFuzzTest {
    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void decode(byte[] data) {
        long before = allocated();
        try {
            Codec.decode(data, null);
        } catch (IOException | ClassNotFoundException e) {
            // declared
        } catch (RuntimeException | StackOverflowError e) {
            assertOneOf(e); // none other is declared
        }
        assertAllocatedAtMost(before, allocated(), data.length);
    }
}
