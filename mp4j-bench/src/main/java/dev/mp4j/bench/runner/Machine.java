package dev.mp4j.bench.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Where the figures were taken: CPU model and count, JDK, python version, OS, and the load average when
 * the run began (the figures are only comparable on a machine at rest).
 *
 * @param cpu the CPU model from /proc/cpuinfo, or "unknown CPU"
 * @param cpus the processors this JVM may use
 * @param jdk the JDK's name and version
 * @param python the python's own version line, or why it could not be asked
 * @param os the OS name, version and architecture
 * @param load the 1, 5 and 15 minute load averages, or "n/a"
 */
public record Machine(String cpu, int cpus, String jdk, String python, String os, String load) {
    /**
     * @param python the python executable to ask for its version
     * @return this machine
     */
    public static Machine describe(String python) {
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name") + " " + Runtime.version(),
                pythonVersion(python),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                loadAverage());
    }

    /** @return a short form for the chart's subtitle */
    public String oneLine() {
        return cpus + " CPUs (" + cpu + ") · JDK " + Runtime.version().feature() + " · " + python;
    }

    /** @return a few lines for the console */
    public String summary() {
        return "machine: " + cpus + " CPUs, " + cpu + "; " + os + "\nJDK: " + jdk + "; " + python
                + "\nload average at start: " + load;
    }

    /** @return a Markdown list of the same */
    public String markdown() {
        return "- Machine: " + cpus + " CPUs (" + cpu + "), " + os + "\n"
                + "- JDK: " + jdk + "\n"
                + "- CPython: " + python + "\n"
                + "- Load average at start (1, 5, 15 min): " + load + "\n";
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            return "unknown CPU";
        }
        return "unknown CPU";
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).strip().split("\\s+");
            return f.length >= 3 ? f[0] + ", " + f[1] + ", " + f[2] : "n/a";
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /**
     * The interpreter a python command runs in the end: a launcher such as pyenv's shim is a shell script
     * that starts several processes before the interpreter, which would be timed and counted with it.
     *
     * @param python the python command
     * @return its {@code sys.executable}, or the command itself when that cannot be asked
     */
    public static String interpreter(String python) {
        try {
            Process p = new ProcessBuilder(List.of(python, "-c", "import sys; print(sys.executable)"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return python;
            }
            String exe = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 && !exe.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(exe))
                    ? exe : python;
        } catch (IOException e) {
            return python;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return python;
        }
    }

    private static String pythonVersion(String python) {
        try {
            Process p = new ProcessBuilder(List.of(python, "--version")).redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return python + ": no answer to --version";
            }
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 && !v.isEmpty() ? v : python + ": --version failed";
        } catch (IOException e) {
            return python + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return python + ": interrupted";
        }
    }
}
