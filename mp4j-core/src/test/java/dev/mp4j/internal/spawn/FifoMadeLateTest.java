package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.child.Bootstrap;
import dev.mp4j.internal.ffm.Fifo;
import dev.mp4j.internal.util.Urandom;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Tags;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A child is started, and told its FIFO, before the FIFO is made: it waits for the FIFO while its parent
 * lives, and ends (quietly, without the FIFO) once its parent is gone.
 */
@Timeout(90)
class FifoMadeLateTest {
    private Path dir;

    @BeforeEach
    void makeDirectory() throws Exception {
        dir = Urandom.privateDirectory(Urandom.tempDir(), "mp4j-late-");
    }

    @AfterEach
    void removeDirectory() throws Exception {
        try (var left = Files.list(dir)) {
            for (Path p : left.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    private static List<String> childCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Bootstrap.class.getName());
    }

    @Test
    void aChildStartedBeforeItsFifoIsMadeSaysHelloOnceItIs() throws Exception {
        Path fifo = dir.resolve("c1");
        java.lang.Process child = new ProcessBuilder(childCommand())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            OutputStream stdin = child.getOutputStream();
            new LaunchHeader(fifo.toString(), ProcessHandle.current().pid(), false, false, "").write(stdin);
            Thread.sleep(1500); // the child reads the header and looks for its FIFO meanwhile
            assertTrue(child.isAlive(), "the child did not wait for its FIFO");
            Fifo.make(fifo);
            try (FrameChannel channel = new FrameChannel(
                    Channels.newInputStream(FileChannel.open(fifo, StandardOpenOption.READ)), stdin)) {
                assertArrayEquals(new byte[] {Tags.HELLO}, channel.receive(1));
            }
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not end once its stdin closed");
        } finally {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aChildWhoseParentEndsBeforeMakingItsFifoEnds() throws Exception {
        Path fifo = dir.resolve("c1");
        // the child's parent is this sh; a background command's stdin would be /dev/null: it gets sh's as fd 3
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "exec 3<&0; \"$@\" <&3 & echo $!; wait", "sh"));
        command.addAll(childCommand());
        java.lang.Process parent = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long childPid = -1;
        try {
            new LaunchHeader(fifo.toString(), parent.pid(), false, false, "").write(parent.getOutputStream());
            BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
            childPid = Long.parseLong(out.readLine().trim());
            ProcessHandle child = ProcessHandle.of(childPid).orElseThrow();
            assertEquals(parent.pid(), child.parent().map(ProcessHandle::pid).orElse(-1L));
            Thread.sleep(1000); // the child waits for its FIFO meanwhile
            assertTrue(child.isAlive(), "the child did not wait for its FIFO");
            parent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            child.onExit().get(30, TimeUnit.SECONDS);
            assertTrue(Files.notExists(fifo), "the child made its FIFO");
        } finally {
            parent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            if (childPid > 0) {
                ProcessHandle.of(childPid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
