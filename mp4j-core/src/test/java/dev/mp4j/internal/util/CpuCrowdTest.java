package dev.mp4j.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The count of runnable threads is read from /proc/loadavg's fourth field; a sample that is not one counts as none. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CpuCrowdTest {
    private static int running(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        return CpuCrowd.running(b, b.length);
    }

    @Test
    void readsTheRunnableCount() {
        assertEquals(3, running("0.52 0.58 0.59 3/143 12345\n"));
        assertEquals(17, running("10.00 9.50 8.00 17/1043 99\n"));
        assertEquals(1, running("0.00 0.00 0.00 1/1 1"));
    }

    @Test
    void somethingElseIsNoCount() {
        assertEquals(-1, running(""));
        assertEquals(-1, running("0.52 0.58 0.59"));
        assertEquals(-1, running("/143"));
        assertEquals(-1, running("0.5 x/143"));
    }

    @Test
    void aLengthShorterThanTheArrayIsHonoured() {
        byte[] b = "0.52 0.58 0.59 3/143 12345".getBytes(StandardCharsets.US_ASCII);
        assertEquals(-1, CpuCrowd.running(b, 15));
        assertEquals(3, CpuCrowd.running(b, 17));
    }

    @Test
    void answersWithoutFailingRepeatedly() {
        for (int i = 0; i < 1000; i++) {
            CpuCrowd.crowded(); // either answer is right; neither may throw
        }
    }

    @Test
    void anInterruptedCallerNeitherFailsNorLosesItsInterrupt() {
        Thread.currentThread().interrupt();
        try {
            long until = System.nanoTime() + 5 * CpuCrowd.SAMPLE_NANOS; // several samples
            while (System.nanoTime() - until < 0) {
                CpuCrowd.crowded();
            }
            assertTrue(Thread.currentThread().isInterrupted());
        } finally {
            Thread.interrupted();
        }
        for (int i = 0; i < 100; i++) {
            CpuCrowd.crowded(); // still answers after interrupted callers
        }
    }

    @Test
    void countsTheCpusOfAKernelCpuList() {
        assertEquals(1, CpuCrowd.cpus("0\n"));
        assertEquals(4, CpuCrowd.cpus("0-3"));
        assertEquals(8, CpuCrowd.cpus("0-3,8-11\n"));
        assertEquals(3, CpuCrowd.cpus("0,2,5"));
        assertEquals(-1, CpuCrowd.cpus(""));
        assertEquals(-1, CpuCrowd.cpus("3-1"));
        assertEquals(-1, CpuCrowd.cpus("a-b"));
    }
}
