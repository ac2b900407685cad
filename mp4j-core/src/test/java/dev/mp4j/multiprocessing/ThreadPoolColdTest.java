package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /**
     * A fresh JVM's ThreadPool, made, mapped over and closed, spins no lambda class of mp4j's: each
     * spins on its first use, with its method handles' forms, which a fresh JVM builds with the JDK's
     * class-file writer, interpreted, and whose code the JIT then compiles while the pool's first tasks wait.
     */
    @Test
    void aThreadPoolsMapSpinsNoLambdaClassOfItsOwn() throws Exception {
        Path log = dir.resolve("classes.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.lang.Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Xlog:class+load=info:file=" + log, "-Djava.io.tmpdir=" + Files.createDirectories(dir.resolve("tmp")),
                "-cp", System.getProperty("java.class.path"), ThreadPoolColdMain.class.getName(), "map")
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the program did not exit within 60 s");
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("stderr.txt")));
        String program = ThreadPoolColdMain.class.getName() + "$$Lambda";
        List<String> spun = Files.readAllLines(log).stream()
                .filter(l -> l.contains(" dev.mp4j.") && l.contains("$$Lambda") && !l.contains(program))
                .toList();
        assertEquals(List.of(), spun);
    }
}
