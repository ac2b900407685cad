package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a main class of the test sources as a whole program in a fresh JVM (CPython's assert_python_ok):
 * the test JVM's own {@code java} binary and class path, and {@code workDir/tmp} as its temporary
 * directory, so that a test can see what the program leaves behind there.
 */
final class SeparateJvm {
    private SeparateJvm() {}

    /**
     * What the program did.
     *
     * @param exitCode its exit status
     * @param stdout what it (and the children that share its stdout) printed
     * @param stderr the same for stderr
     * @param tmpDir the program's java.io.tmpdir
     */
    record Result(int exitCode, String stdout, String stderr, Path tmpDir) {
        /** @return stderr without the JVM's own warning lines */
        String stderrWithoutJvmWarnings() {
            return stderr.lines()
                    .filter(l -> !l.startsWith("WARNING:") && !l.contains("VM warning:"))
                    .collect(Collectors.joining("\n"));
        }

        @Override
        public String toString() {
            return "exit code " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
        }
    }

    /**
     * Runs {@code mainClass} to its end, its stdout and stderr captured to files in {@code workDir}.
     *
     * @param timeoutSeconds how long it may run; past it, it is killed and the test fails
     */
    static Result run(Class<?> mainClass, Path workDir, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        java.lang.Process p = builder(mainClass, workDir, args)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                fail("the program did not exit within " + timeoutSeconds + " s\nstdout: " + Files.readString(out)
                        + "\nstderr: " + Files.readString(err));
            }
        } finally {
            destroy(p);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), tmpDir(workDir));
    }

    /**
     * Starts {@code mainClass} and returns at once; its stdout is a pipe the test reads, its stderr goes to
     * {@code workDir/stderr.txt}. The caller must {@link #destroy} it.
     */
    static java.lang.Process start(Class<?> mainClass, Path workDir, String... args) throws IOException {
        return builder(mainClass, workDir, args)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(workDir.resolve("stderr.txt").toFile())
                .start();
    }

    /** Kills {@code p} if it still runs, and waits for it. */
    static void destroy(java.lang.Process p) throws InterruptedException {
        if (p.isAlive()) {
            p.destroyForcibly();
        }
        p.waitFor(10, TimeUnit.SECONDS);
    }

    static Path tmpDir(Path workDir) {
        return workDir.resolve("tmp");
    }

    private static ProcessBuilder builder(Class<?> mainClass, Path workDir, String... args) throws IOException {
        Path tmp = Files.createDirectories(tmpDir(workDir));
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE);
    }
}
