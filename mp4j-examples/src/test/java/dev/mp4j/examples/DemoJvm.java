package dev.mp4j.examples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs examples through {@link Demo} in a fresh JVM, as {@code ./mp4j demo NAME} does: the test JVM's own
 * {@code java}, on its module path (or class path, when the tests do not run in the module), with native
 * access enabled for mp4j as the launcher enables it. Examples whose child processes print need this: a
 * child writes to its parent JVM's stdout, which {@code System.setOut} in the test JVM cannot capture.
 */
final class DemoJvm {
    private DemoJvm() {}

    /**
     * @param exitCode the demo JVM's exit code
     * @param lines what the examples printed to stdout, without the demo's headings, timings and blank lines
     * @param stderr everything on stderr
     */
    record Result(int exitCode, List<String> lines, String stderr) {}

    static Result run(Path workDir, long timeoutSeconds, String... names) throws IOException, InterruptedException {
        List<String> cmd = command();
        cmd.addAll(List.of(names));
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                fail("the demo JVM did not exit within " + timeoutSeconds + " s: " + cmd + "\nstdout: "
                        + Files.readString(out) + "\nstderr: " + Files.readString(err));
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        System.out.print(stdout);
        System.out.print(stderr);
        List<String> lines = stdout.lines()
                .filter(l -> !l.isEmpty() && !l.startsWith("=== ") && !l.matches("\\(\\d+ ms\\)"))
                .toList();
        return new Result(p.exitValue(), lines, stderr);
    }

    private static List<String> command() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "--sun-misc-unsafe-memory-access=allow")); // as ./mp4j demo: Hazelcast (the cluster example)
        if (Demo.class.getModule().isNamed()) {
            // as ./mp4j demo: mp4j's locks, queues, pipes and shared memory call native code through FFM
            cmd.add("--enable-native-access=dev.mp4j");
            cmd.addAll(List.of("-p", System.getProperty("jdk.module.path"),
                    "-m", Demo.class.getModule().getName() + "/" + Demo.class.getName()));
        } else {
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Demo.class.getName()));
        }
        return cmd;
    }
}
