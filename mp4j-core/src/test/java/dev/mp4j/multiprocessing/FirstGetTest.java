package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM's first wait for a queue's item readies what decoding the item needs (the serial filter configuration)
 * while it waits, so that the item is read as soon as it comes.
 */
@Timeout(120)
class FirstGetTest {
    @TempDir
    Path dir;

    @Test
    void theFirstWaitReadiesTheSerialFilterConfiguration() throws Exception {
        SeparateJvm.Result r = SeparateJvm.run(FirstGetMain.class, dir, 90);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("before the wait: false"), r.toString());
        assertTrue(r.stdout().contains("after a getNowait: false"), r.toString());
        assertTrue(r.stdout().contains("after the wait: true"), r.toString());
    }
}
