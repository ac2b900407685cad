package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What a fresh JVM's ThreadPool starts on its way. */
@Timeout(120)
class ThreadPoolColdTest {
    @TempDir
    Path dir;

    /**
     * A thread worker's routine end is not logged: the pool's close and terminate do not start the logging
     * framework (tens of ms of a fresh JVM) to ask whether DEBUG is on.
     */
    @Test
    void closeAndTerminateDoNotStartTheLoggingFramework() throws Exception {
        SeparateJvm.Result r = SeparateJvm.run(ThreadPoolColdMain.class, dir, 60);
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(List.of("sum 500500", "closed", "logging started"), r.stdout().lines().toList(), r.toString());
        assertEquals("", r.stderrWithoutJvmWarnings(), r.toString());
    }
}
