package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mp4j.internal.child.Bootstrap;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Workers start wherever Java applications run. Each test builds a real artifact of one launch mode from the
 * application in {@code src/test/resources/deploy/app} and mp4j's classes, runs it, and checks what its
 * {@code Pool} and {@code ProcessPoolExecutor} computed in worker JVMs:
 * <ol>
 *   <li>a class path of a directory and a jar;</li>
 *   <li>{@code java -jar} with a manifest {@code Class-Path};</li>
 *   <li>a shaded jar (maven-shade-plugin);</li>
 *   <li>a Spring Boot executable jar (spring-boot-maven-plugin repackage);</li>
 *   <li>the module path;</li>
 *   <li>a jlink image, run with its own {@code java};</li>
 *   <li>a parent with {@code -Dx=y --add-opens --enable-preview -Xmx256m}, which its workers see.</li>
 * </ol>
 * The shaded and Spring Boot jars are built by Maven ({@code mvn} on the PATH, plugins from Maven Central),
 * with mp4j installed as {@code mp4jtest:mp4j-core:1.0} in a local repository of the test's own, whose other
 * folders are links to the user's. Everything is made under one temporary directory, deleted afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class LaunchModesTest {
    private static final Pattern EXECUTOR = Pattern.compile(
            "executor pid=(\\d+) worker=(\\w+) x=(\\S+) open=(\\w+) heapMiB=(\\d+) preview=(\\S+)");
    private static final long RUN_SECONDS = 180;

    private Path dir;
    private Path mp4jJar;
    private Path appSources;
    private Path appClasses;
    private Path mavenTarget; // built once, for the shaded and the Spring Boot jars

    @BeforeAll
    void buildTheCommonParts() throws Exception {
        dir = Files.createTempDirectory("mp4j-launch-modes");
        Path core = Path.of(Bootstrap.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        mp4jJar = dir.resolve("lib").resolve("mp4j-core.jar");
        jar(mp4jJar, core, null);
        appSources = dir.resolve("app");
        copyResource("deploy/app/pom.xml", appSources.resolve("pom.xml"));
        copyResource("deploy/app/src/main/java/app/Main.java", appSources.resolve("src/main/java/app/Main.java"));
        appClasses = dir.resolve("app-classes");
        javac(List.of("-d", appClasses.toString(), "-cp", mp4jJar.toString(),
                appSources.resolve("src/main/java/app/Main.java").toString()));
    }

    @AfterAll
    void deleteEverything() throws IOException, InterruptedException {
        if (dir != null) {
            awaitTrainings(dir.resolve("aot"));
            deleteTree(dir);
        }
    }

    /**
     * Waits (at most {@link AotCache#TRAINING_SECONDS}) until no AOT training of the runs' children is under
     * way: a training runs detached from the program that started it and writes its cache into {@code aot}.
     */
    private static void awaitTrainings(Path aot) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AotCache.TRAINING_SECONDS);
        while (Files.isDirectory(aot) && System.nanoTime() < deadline) {
            boolean training;
            try (Stream<Path> s = Files.list(aot)) {
                training = s.anyMatch(p -> p.getFileName().toString().contains(".training-"));
            }
            if (!training) {
                return;
            }
            Thread.sleep(100);
        }
    }

    @Test
    void aClassPathOfDirectoriesAndJars() throws Exception {
        String cp = appClasses + File.pathSeparator + mp4jJar;
        assertRanInWorkers(run(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp", cp, "app.Main")));
    }

    @Test
    void javaJarWithAManifestClassPath() throws Exception {
        Path app = dir.resolve("app.jar"); // next to lib/, as its Class-Path says
        Manifest m = manifest("app.Main");
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, "lib/mp4j-core.jar");
        m.getMainAttributes().putValue("Enable-Native-Access", "ALL-UNNAMED");
        jar(app, appClasses, m);
        assertRanInWorkers(run(List.of(java(), "-jar", app.toString())));
    }

    @Test
    void aShadedJar() throws Exception {
        Path shaded = maven().resolve("app-1.0-shaded.jar");
        assertTrue(Files.isRegularFile(shaded), "no shaded jar in " + mavenTarget);
        assertRanInWorkers(run(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-jar", shaded.toString())));
    }

    @Test
    void aSpringBootExecutableJar() throws Exception {
        Path boot = maven().resolve("app-1.0.jar");
        try (java.util.jar.JarFile jar = new java.util.jar.JarFile(boot.toFile())) {
            assertTrue(jar.getEntry("BOOT-INF/classes/app/Main.class") != null
                    && jar.stream().anyMatch(e -> e.getName().matches("BOOT-INF/lib/mp4j-core.*\\.jar")),
                    "not a Spring Boot jar with mp4j nested: " + boot);
        }
        assertRanInWorkers(run(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-jar", boot.toString())));
    }

    @Test
    void theModulePath() throws Exception {
        Path mods = modules();
        assertRanInWorkers(run(List.of(java(), "--enable-native-access=dev.mp4j", "-p", mods.toString(),
                "-m", "app/app.Main")));
    }

    @Test
    void aJlinkImage() throws Exception {
        Path mods = modules();
        Path image = dir.resolve("image");
        tool("jlink", List.of("--module-path", mods.toString(), "--add-modules", "app", "--output", image.toString()));
        Path imageJava = image.resolve("bin").resolve("java");
        assertTrue(Files.isExecutable(imageJava), "no java in the image");
        Result r = run(List.of(imageJava.toString(), "--enable-native-access=dev.mp4j", "-m", "app/app.Main"));
        assertRanInWorkers(r);
    }

    @Test
    void workersSeeTheParentsJvmOptions() throws Exception {
        Path classes = dir.resolve("app-classes-preview");
        copyTree(appClasses, classes);
        Path preview = dir.resolve("preview/app/PreviewUse.java");
        copyResource("deploy/preview/PreviewUse.java", preview);
        javac(List.of("--release", Runtime.version().feature() + "", "--enable-preview", "-Xlint:-preview",
                "-d", classes.toString(), preview.toString()));
        String cp = classes + File.pathSeparator + mp4jJar;
        Result r = run(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-Dx=y", "--add-opens",
                "java.base/java.lang=ALL-UNNAMED", "--enable-preview", "-Xmx256m", "-cp", cp, "app.Main"));
        Matcher m = assertRanInWorkers(r);
        assertEquals("y", m.group(3), "the system property");
        assertEquals("true", m.group(4), "--add-opens");
        long heap = Long.parseLong(m.group(5));
        assertTrue(heap <= 256 && heap > 128, "-Xmx256m, but the worker's max heap is " + heap + " MiB");
        assertEquals("42", m.group(6), "--enable-preview: a class using a preview feature loads in the worker");
    }

    // ---------------------------------------------------------------- running and checking

    /** What a run printed. */
    private record Result(List<String> command, int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return String.join(" ", command) + "\nexit code " + exitCode + "\n--- stdout:\n" + stdout
                    + "\n--- stderr:\n" + stderr;
        }
    }

    /**
     * Checks that the pool's squares and the executor's probe were computed in workers (not in the parent,
     * never a class that a child could not find), and that a worker given no heap got the memory rule's.
     *
     * @return the executor's line, matched by {@link #EXECUTOR}
     */
    private static Matcher assertRanInWorkers(Result r) {
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("pool [1, 4, 9, 16]"), r.toString());
        Matcher m = EXECUTOR.matcher(r.stdout());
        assertTrue(m.find(), r.toString());
        Matcher parent = Pattern.compile("parent (\\d+)").matcher(r.stdout());
        assertTrue(parent.find(), r.toString());
        assertNotEquals(parent.group(1), m.group(1), "the probe ran in the parent");
        assertEquals("true", m.group(2), r.toString());
        assertFalse(r.stderr().contains("ClassNotFoundException") || r.stderr().contains("Could not find or load"),
                r.toString());
        if (!r.command().contains("-Xmx256m")) {
            long memory = ((com.sun.management.OperatingSystemMXBean)
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
            long ruleMiB = (long) (memory * JvmOptions.maxRamPercentage(Runtime.getRuntime().availableProcessors())
                    / 100 / (1024 * 1024));
            assertTrue(Long.parseLong(m.group(5)) <= ruleMiB, "the memory rule gives " + ruleMiB + " MiB: " + r);
            assertEquals("absent", m.group(6), r.toString());
        }
        return m;
    }

    /**
     * Runs {@code command} (a java binary and its arguments) with the children's AOT caches kept under the
     * test's directory.
     */
    private Result run(List<String> javaCommand) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(javaCommand);
        command.add(1, "-Dmp4j.aot.dir=" + dir.resolve("aot"));
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        java.lang.Process p = pb.start();
        try {
            if (!p.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
                fail("did not end within " + RUN_SECONDS + " s: " + String.join(" ", command) + "\n"
                        + Files.readString(out) + "\n" + Files.readString(err));
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    // ---------------------------------------------------------------- building

    /** @return {@code mods}: mp4j's modular jar and the application as module {@code app}, made once */
    private synchronized Path modules() throws Exception {
        Path mods = dir.resolve("mods");
        if (Files.isDirectory(mods)) {
            return mods;
        }
        Path src = dir.resolve("modsrc");
        copyResource("deploy/module/module-info.java", src.resolve("module-info.java"));
        Files.createDirectories(src.resolve("app"));
        Files.copy(appSources.resolve("src/main/java/app/Main.java"), src.resolve("app/Main.java"));
        Path classes = dir.resolve("modclasses");
        javac(List.of("-d", classes.toString(), "-p", mp4jJar.toString(), src.resolve("module-info.java").toString(),
                src.resolve("app/Main.java").toString()));
        Files.createDirectories(mods);
        Files.copy(mp4jJar, mods.resolve("mp4j-core.jar"));
        jar(mods.resolve("app.jar"), classes, null);
        return mods;
    }

    /**
     * Builds the application with Maven once: {@code target/app-1.0-shaded.jar} and the Spring Boot
     * {@code target/app-1.0.jar}.
     *
     * @return the project's target directory
     */
    private synchronized Path maven() throws Exception {
        if (mavenTarget != null) {
            return mavenTarget;
        }
        Path mvn = onPath("mvn");
        Assumptions.assumeTrue(mvn != null, "mvn is not on the PATH: the Maven-built launch modes are not tested");
        Path repo = dir.resolve("m2");
        Path userRepo = Path.of(System.getProperty("mp4j.test.localRepository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        Files.createDirectories(repo);
        if (Files.isDirectory(userRepo)) {
            try (Stream<Path> entries = Files.list(userRepo)) {
                for (Path e : (Iterable<Path>) entries::iterator) {
                    if (!e.getFileName().toString().equals("mp4jtest")) {
                        Files.createSymbolicLink(repo.resolve(e.getFileName()), e);
                    }
                }
            }
        }
        Path installed = repo.resolve("mp4jtest/mp4j-core/1.0");
        Files.createDirectories(installed);
        Files.copy(mp4jJar, installed.resolve("mp4j-core-1.0.jar"));
        Files.writeString(installed.resolve("mp4j-core-1.0.pom"), """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>mp4jtest</groupId>
                  <artifactId>mp4j-core</artifactId>
                  <version>1.0</version>
                </project>
                """);
        Path log = dir.resolve("maven.log");
        ProcessBuilder pb = new ProcessBuilder(mvn.toString(), "-B", "-q", "-ntp", "-Dmaven.repo.local=" + repo,
                "-Dmaven.test.skip=true", "package").directory(appSources.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        java.lang.Process p = pb.start();
        try {
            if (!p.waitFor(480, TimeUnit.SECONDS)) {
                fail("mvn package did not end within 480 s:\n" + Files.readString(log));
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(0, p.exitValue(), "mvn package failed:\n" + Files.readString(log));
        mavenTarget = appSources.resolve("target");
        return mavenTarget;
    }

    private static Path onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        return Arrays.stream(path.split(File.pathSeparator)).map(d -> Path.of(d, command))
                .filter(Files::isExecutable).findFirst().orElse(null);
    }

    private static void javac(List<String> args) {
        tool("javac", args);
    }

    private static void tool(String name, List<String> args) {
        ToolProvider tool = ToolProvider.findFirst(name).orElseThrow(() -> new AssertionError("no " + name));
        StringWriter out = new StringWriter();
        int code = tool.run(new PrintWriter(out), new PrintWriter(out), args.toArray(String[]::new));
        assertEquals(0, code, name + " " + args + " failed:\n" + out);
    }

    private static Manifest manifest(String mainClass) {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (mainClass != null) {
            m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        }
        return m;
    }

    /** Writes a jar of the files under {@code from} (a manifest of its own, or a bare one). */
    static void jar(Path jar, Path from, Manifest manifest) throws IOException {
        Files.createDirectories(jar.getParent());
        List<Path> files;
        try (Stream<Path> s = Files.walk(from)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        try (OutputStream os = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(os, manifest != null ? manifest : manifest(null))) {
            for (Path f : files) {
                String name = from.relativize(f).toString().replace(File.separatorChar, '/');
                if (name.equals("META-INF/MANIFEST.MF")) {
                    continue;
                }
                out.putNextEntry(new JarEntry(name));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    private static void copyResource(String name, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        try (InputStream in = LaunchModesTest.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no test resource " + name);
            }
            Files.copy(in, to);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(from)) {
            all = s.toList();
        }
        for (Path p : all) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target);
            }
        }
    }

    /** Deletes a tree without following links (the local repository's links point into the user's). */
    private static void deleteTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
