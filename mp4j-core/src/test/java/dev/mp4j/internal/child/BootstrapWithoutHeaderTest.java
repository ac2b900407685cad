package dev.mp4j.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A child JVM whose parent ends before it has written the launch header (a forkserver spare that began to
 * boot as the program exits) ends quietly: no error on the parent's terminal, which is the child's too.
 */
@Timeout(60)
class BootstrapWithoutHeaderTest {
    @Test
    void stdinClosedBeforeTheHeaderEndsTheChildQuietly() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.lang.Process child = new ProcessBuilder(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Bootstrap.class.getName()))
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectErrorStream(true)
                .start();
        try {
            child.getOutputStream().close();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not end");
            assertEquals(Bootstrap.ORPHANED, child.exitValue(), output);
            assertEquals("", output);
        } finally {
            child.destroyForcibly();
            child.onExit().get(30, TimeUnit.SECONDS);
        }
    }
}
