package dev.mp4j.python;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The CPython interpreters the tests run against: every CPython 3.8 or later found on this machine ({@code python3}
 * and {@code python3.N} on PATH and in /usr/bin, and the versions under pyenv's root), one per real executable.
 * Tests take them as a parameter ({@code @MethodSource("dev.mp4j.python.Pythons#all")}) and skip only when there
 * is none.
 */
final class Pythons {
    /** One interpreter: its executable and its version ("3.12.1"). */
    record Python(Path executable, String version) {
        @Override
        public String toString() {
            return "python" + version;
        }

        /** @return whether its version is at least {@code major.minor} */
        boolean atLeast(int major, int minor) {
            String[] v = version.split("\\.");
            int ma = Integer.parseInt(v[0]);
            int mi = Integer.parseInt(v[1]);
            return ma > major || (ma == major && mi >= minor);
        }
    }

    private static volatile List<Python> found;

    private Pythons() {}

    /** @return the interpreters (empty when there is none) */
    static List<Python> all() {
        List<Python> f = found;
        if (f == null) {
            synchronized (Pythons.class) {
                f = found;
                if (f == null) {
                    f = find();
                    found = f;
                }
            }
        }
        return f;
    }

    /**
     * @return the interpreters, as JUnit arguments; when there is none, one null, which {@link #require} turns into
     *     a skip
     */
    static Stream<Python> each() {
        List<Python> all = all();
        return all.isEmpty() ? Stream.of((Python) null) : all.stream();
    }

    /**
     * @param python an argument of {@link #each}
     * @return it
     * @throws org.opentest4j.TestAbortedException (a skip) if it is null: no CPython on this machine
     */
    static Python require(Python python) {
        org.junit.jupiter.api.Assumptions.assumeTrue(python != null, "no CPython 3.8 or later on this machine");
        return python;
    }

    private static List<Python> find() {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                addMatching(candidates, Path.of(dir));
            }
        }
        addMatching(candidates, Path.of("/usr/bin"));
        String pyenv = System.getenv("PYENV_ROOT");
        Path root = pyenv != null ? Path.of(pyenv) : Path.of(System.getProperty("user.home"), ".pyenv");
        try (Stream<Path> versions = Files.isDirectory(root.resolve("versions"))
                ? Files.list(root.resolve("versions")) : Stream.empty()) {
            versions.sorted().forEach(v -> candidates.add(v.resolve("bin/python3")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Python> byRealPath = new LinkedHashMap<>();
        for (Path p : candidates) {
            if (!Files.isExecutable(p)) {
                continue;
            }
            try {
                String out = run(p, List.of("-c", "import os, sys, platform; print(platform.python_implementation(),"
                        + " os.path.realpath(sys.executable), platform.python_version())"), "",
                        Duration.ofSeconds(20)).trim();
                String[] parts = out.split(" ");
                if (parts.length != 3 || !parts[0].equals("CPython")) {
                    continue;
                }
                Python py = new Python(p, parts[2]);
                if (py.atLeast(3, 8)) {
                    byRealPath.putIfAbsent(parts[1], py);
                }
            } catch (RuntimeException | AssertionError e) {
                // not a usable interpreter (a pyenv shim without a version, say)
            }
        }
        List<Python> list = new ArrayList<>(byRealPath.values());
        list.sort((a, b) -> compareVersions(a.version(), b.version()));
        return List.copyOf(list);
    }

    private static int compareVersions(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Integer.compare(Integer.parseInt(x[i].replaceAll("\\D.*", "")),
                    Integer.parseInt(y[i].replaceAll("\\D.*", "")));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static void addMatching(List<Path> candidates, Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().matches("python3(\\.\\d+)?")).sorted()
                    .forEach(candidates::add);
        } catch (IOException e) {
            // an unreadable PATH entry holds no interpreter we can use
        }
    }

    /**
     * Runs an interpreter to the end.
     *
     * @param python the executable
     * @param args its arguments
     * @param stdin what it reads
     * @param timeout how long it may take; past it, it is killed (by its pid) and this throws
     * @return its standard output
     * @throws AssertionError if it fails, with its standard error
     */
    static String run(Path python, List<String> args, String stdin, Duration timeout) {
        Path in = null;
        Path out = null;
        Path err = null;
        try {
            in = Files.createTempFile("mp4j-py-in", ".txt");
            out = Files.createTempFile("mp4j-py-out", ".txt");
            err = Files.createTempFile("mp4j-py-err", ".txt");
            Files.writeString(in, stdin);
            List<String> command = new ArrayList<>();
            command.add(python.toString());
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().put("PYTHONIOENCODING", "utf-8");
            Process p = pb.start();
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError(python + " " + args + " did not finish in " + timeout);
                }
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(python + " " + args + " exited with " + p.exitValue() + ":\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            for (Path f : new Path[] {in, out, err}) {
                if (f != null) {
                    try {
                        Files.deleteIfExists(f);
                    } catch (IOException e) {
                        // best effort: a temp file
                    }
                }
            }
        }
    }

    /** @return the path of a test resource script, copied out of the class path into {@code dir} */
    static Path script(String name, Path dir) {
        try (var s = Pythons.class.getResourceAsStream(name)) {
            if (s == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            Path p = dir.resolve(name);
            Files.write(p, s.readAllBytes());
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
