package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs a main class of the test sources in a fresh JVM (CPython's assert_python_ok): the test JVM's own
 * {@code java} binary, class path and module path. When the tests run patched into the named module (as
 * surefire does), the child gets the same patch and starts the class as {@code module/class}.
 */
final class ChildJvm {
    private ChildJvm() {}

    record Result(int exitCode, String stdout, String stderr) {
        /** stderr without the JVM's own warning lines. */
        String stderrWithoutJvmWarnings() {
            return stderr.lines()
                    .filter(l -> !l.startsWith("WARNING:") && !l.contains("VM warning:"))
                    .collect(Collectors.joining("\n"));
        }
    }

    static Result run(Class<?> mainClass, Path workDir, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = command(mainClass);
        cmd.addAll(List.of(args));
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .start();
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                fail("child JVM did not exit within " + timeoutSeconds + " s: " + cmd + "\nstdout: "
                        + Files.readString(out) + "\nstderr: " + Files.readString(err));
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    static List<String> command(Class<?> mainClass) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        String classPath = System.getProperty("java.class.path", "");
        if (!classPath.isEmpty()) {
            cmd.add("-cp");
            cmd.add(classPath);
        }
        Module module = mainClass.getModule();
        if (!module.isNamed()) {
            cmd.add(mainClass.getName());
            return cmd;
        }
        String modulePath = System.getProperty("jdk.module.path");
        if (modulePath == null || modulePath.isEmpty()) {
            throw new IllegalStateException("test class in module " + module.getName() + " but no jdk.module.path");
        }
        cmd.add("--module-path");
        cmd.add(modulePath);
        String patch = patchDirectory(mainClass, classPath);
        if (patch != null) {
            cmd.add("--patch-module");
            cmd.add(module.getName() + "=" + patch);
        }
        cmd.add("-m");
        cmd.add(module.getName() + "/" + mainClass.getName());
        return cmd;
    }

    /** The class path entry holding {@code mainClass}'s class file, when it is not in the module itself. */
    private static String patchDirectory(Class<?> mainClass, String classPath) {
        String file = mainClass.getName().replace('.', '/') + ".class";
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isRegularFile(Path.of(entry).resolve(file))) {
                return entry;
            }
        }
        return null;
    }
}
