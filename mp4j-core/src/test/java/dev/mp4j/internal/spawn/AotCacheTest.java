package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.child.Bootstrap;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program on a class path of jars gets an AOT cache for its child JVMs: the first run trains it in the
 * background, and the cache is one the JVM accepts with the options mp4j gives children.
 */
@Timeout(180)
class AotCacheTest {
    /** The program: its class's verification needs nothing beyond mp4j and the JDK. */
    public static final class Program {
        static dev.mp4j.function.SerializableRunnable lambda() {
            return () -> { };
        }

        /**
         * Starts one child process and waits for it; with the argument "forkserver", through that start
         * method, once its spare has had time to boot.
         */
        public static void main(String[] args) throws InterruptedException {
            if (args.length > 0 && args[0].equals("pool")) {
                PoolJob.main();
                return;
            }
            if (args.length > 0 && args[0].equals("idle-pool")) { // its worker is given nothing to run
                dev.mp4j.multiprocessing.Pool pool = new dev.mp4j.multiprocessing.Pool(1);
                try {
                    Thread.sleep(AotCache.JOB_WAIT_MILLIS + 1_500);
                } finally {
                    pool.close();
                }
                System.out.println("child ran");
                System.out.println("exit 0");
                return;
            }
            dev.mp4j.multiprocessing.Process p;
            if (args.length > 0) {
                dev.mp4j.multiprocessing.Context ctx = dev.mp4j.multiprocessing.Multiprocessing.getContext(args[0]);
                Thread.sleep(500);
                p = ctx.process(() -> System.out.println("child ran"));
            } else {
                p = new dev.mp4j.multiprocessing.Process(() -> System.out.println("child ran"));
            }
            p.start();
            p.join();
            System.out.println("exit " + p.exitCode().orElse(-99));
        }
    }

    /** The program's pool: its workers boot before the program has a function for them. */
    public static final class PoolJob {
        static void main() {
            try (dev.mp4j.multiprocessing.Pool pool = new dev.mp4j.multiprocessing.Pool(1)) {
                // a starmap: its function reaches the workers inside one of mp4j's, which the pool looks into
                if (pool.starmap((Integer a, Integer b) -> a * b, List.of(java.util.Map.entry(1, 2),
                        java.util.Map.entry(3, 4))).equals(List.of(2, 12))) {
                    System.out.println("child ran");
                }
            }
            System.out.println("exit 0");
        }
    }

    /** @return a class path of two jars in {@code dir}: mp4j's classes, and these tests' (the program) */
    private static String programJars(Path dir) throws Exception {
        Path core = dir.resolve("core.jar");
        Path tests = dir.resolve("tests.jar");
        jar(core, Path.of(Bootstrap.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        jar(tests, Path.of(AotCacheTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        return core + File.pathSeparator + tests;
    }

    @Test
    void aProgramOnJarsGetsAUsableCache(@TempDir Path dir) throws Exception {
        String classPath = programJars(dir);
        Path cacheDir = dir.resolve("aot");
        runProgram(cacheDir, classPath);
        Path cache = awaitCache(cacheDir);

        // AOTMode=on refuses to start unless the cache maps, with the options children get; the class of
        // the program's job (its lambda's capturing class) was loaded by the training, so it is in the cache.
        String checkOut = childWithCache(cache, classPath, "-XX:+UnlockDiagnosticVMOptions", "-XX:+AOTPrintTrainingInfo");
        assertTrue(checkOut.contains("Archived TrainingData Dictionary"), "no training data listing: " + checkOut);
        assertTrue(checkOut.lines().noneMatch(l -> l.matches("\\s+\\d+: 0x\\p{XDigit}+ .*")),
                "the training recorded method profiles (see AotCache.trainingOptions)");
        assertTrue(checkOut.contains(Program.class.getName() + " source: shared objects file"),
                "the job's class is not in the cache: " + checkOut.lines()
                        .filter(l -> l.contains(Program.class.getName())).toList());

        // A pool worker's chunk path, mp4j's public classes (which verifying an application class loads) and
        // the class a forkserver spare's main thread starts its warm-up with are in the cache: a child does not
        // look them up along the class path.
        for (String c : List.of("dev.mp4j.internal.pool.PoolFrames$ChunkFrame", "dev.mp4j.multiprocessing.Pool",
                "dev.mp4j.function.SerializableFunction", "dev.mp4j.internal.child.Warmup$Spare")) {
            assertTrue(checkOut.contains(c + " source: shared objects file"), c + " is not in the cache: "
                    + checkOut.lines().filter(l -> l.contains(c + " ")).toList());
        }

        assertFalse(checkOut.contains("URLClassPath$FileLoader source: shared objects file"),
                "a class path of jars alone has the classes that search a directory in its cache");

        runProgram(cacheDir, classPath); // a second run of the program uses it and still works
    }

    @Test
    void theFirstForkserverSpareLeavesTheTrainingToTheFirstJobsClass(@TempDir Path dir) throws Exception {
        String classPath = programJars(dir);
        Path cacheDir = dir.resolve("aot");
        runProgram(cacheDir, classPath, "forkserver"); // its spare boots before it starts its process
        Path cache = awaitCache(cacheDir);
        String checkOut = childWithCache(cache, classPath, "-XX:+UnlockDiagnosticVMOptions", "-XX:+AOTPrintTrainingInfo");
        assertTrue(checkOut.contains(Program.class.getName() + " source: shared objects file"),
                "the job's class is not in the cache: " + checkOut.lines()
                        .filter(l -> l.contains(Program.class.getName())).toList());
    }

    @Test
    void aPoolsWorkersLeaveTheTrainingToTheirFirstFunction(@TempDir Path dir) throws Exception {
        String classPath = programJars(dir);
        Path cacheDir = dir.resolve("aot");
        runProgram(cacheDir, classPath, "pool"); // its worker boots before it maps
        Path cache = awaitCache(cacheDir);
        String checkOut = childWithCache(cache, classPath, "-XX:+UnlockDiagnosticVMOptions", "-XX:+AOTPrintTrainingInfo");
        assertTrue(checkOut.contains(PoolJob.class.getName() + " source: shared objects file"),
                "the function's class is not in the cache: " + checkOut.lines()
                        .filter(l -> l.contains(PoolJob.class.getName())).toList());
    }

    @Test
    void aTrainingWaitingForAFirstJobTrainsWithoutOneInTheEnd(@TempDir Path dir) throws Exception {
        String classPath = programJars(dir);
        Path cacheDir = dir.resolve("aot");
        runProgram(cacheDir, classPath, "idle-pool");
        childWithCache(awaitCache(cacheDir), classPath); // a usable cache, though no job came
    }

    @Test
    void aProgramWithItsClassesInADirectoryGetsACacheOfItsJars(@TempDir Path dir) throws Exception {
        Path core = dir.resolve("core.jar");
        jar(core, Path.of(Bootstrap.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        Path tests = Path.of(AotCacheTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(tests), tests + " is not a directory");
        String classPath = tests + File.pathSeparator + core;
        Path cacheDir = dir.resolve("aot");
        runProgram(cacheDir, classPath);
        Path cache = awaitCache(cacheDir);

        // A child with the directory on its class path, before the jar, maps the cache and takes mp4j's
        // classes from it, and those of the JDK that search a directory of the class path.
        String checkOut = childWithCache(cache, classPath, "-XX:+UnlockDiagnosticVMOptions", "-XX:+AOTPrintTrainingInfo");
        for (String c : List.of(Bootstrap.class.getName(), "jdk.internal.loader.URLClassPath$FileLoader")) {
            assertTrue(checkOut.contains(c + " source: shared objects file"), c + " is not in the cache: "
                    + checkOut.lines().filter(l -> l.contains(c + " ")).toList());
        }
    }

    @Test
    void theProgramsOwnSystemPropertiesDoNotNameTheCache(@TempDir Path dir) throws Exception {
        Path core = dir.resolve("core.jar");
        jar(core, Files.createDirectories(dir.resolve("empty")));
        Launch.Spec base = Launch.Spec.defaults(Bootstrap.class).withInherit(false).withClassPath(List.of(core));
        Path plain = AotCache.cacheFile(base.withJvmOptions(List.of("-Xmx64m")));
        assertNotNull(plain);
        assertEquals(plain, AotCache.cacheFile(base.withJvmOptions(List.of("-Xmx64m", "-Dapp.run=1"))),
                "a property of the program's own");
        assertEquals(plain, AotCache.cacheFile(base.withJvmOptions(List.of("-Dlog.file=/tmp/run-2", "-Xmx64m"))));
        assertNotEquals(plain, AotCache.cacheFile(base.withJvmOptions(List.of("-Xmx64m",
                "-Djava.system.class.loader=x.Loader"))), "the JDK's properties do name it");
        assertNotEquals(plain, AotCache.cacheFile(base.withJvmOptions(List.of("-Xmx128m"))), "other options too");
        assertNotEquals(plain, AotCache.cacheFile(base.withJvmOptions(List.of("-Xmx64m",
                "-Dcom.sun.management.jmxremote"))), "JMX adds a module to the boot layer: a cache without it is refused");
        assertEquals("-Xmx64m -Djdk.a=1 -Dsun.b -Djavax.c=2 -Dcom.sun.management.jmxremote.port=0",
                AotCache.keyOptions(List.of("-Dapp=1", "-Xmx64m", "-Djdk.a=1", "-Dsun.b", "-Djavax.c=2", "-Dmp4j.x=3",
                        "-Dcom.sun.management.jmxremote.port=0", "-Dcomet=1")));
    }

    @Test
    void aClassPathWhoseJarsDoNotHoldMp4jTrainsNoCache(@TempDir Path dir) throws Exception {
        Path classes = Path.of(Bootstrap.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path other = dir.resolve("other.jar");
        jar(other, Files.createDirectories(dir.resolve("empty")));
        Launch.Spec inDirectory = Launch.Spec.defaults(Bootstrap.class).withClassPath(List.of(classes, other));
        assertEquals(null, AotCache.trainingLayout(inDirectory), "mp4j in a directory: nothing to train with");

        Path core = dir.resolve("core.jar");
        jar(core, classes);
        Launch.Spec inJar = Launch.Spec.defaults(Bootstrap.class).withClassPath(List.of(classes, other, core));
        LaunchLayout training = AotCache.trainingLayout(inJar);
        assertEquals(List.of(other.toString(), core.toString()), training.classPath(), "the jars alone");
        assertEquals(List.of("-cp", other + File.pathSeparator + core, Bootstrap.class.getName()), training.args());
    }

    @Test
    void aTrainingSearchesADirectoryOnlyForAClassPathWithDirectories() {
        String search = "-D" + AotCache.DIRECTORIES + "=true";
        assertTrue(AotCache.trainingOptions(Path.of("c.aot"), true).contains(search));
        assertFalse(AotCache.trainingOptions(Path.of("c.aot"), false).contains(search));
        assertTrue(AotCache.trainingOptions(Path.of("c.aot"), false).contains("-XX:AOTCacheOutput=c.aot"));
    }

    /**
     * Runs, with the options children get and {@code classPath}, a JVM that must map {@code cache}
     * ({@code -XX:AOTMode=on} refuses to start otherwise) through a child's start-up paths (the training's,
     * writing no cache), logging the classes it loads.
     *
     * @return its output
     */
    private static String childWithCache(Path cache, String classPath, String... options) throws Exception {
        List<String> jvm = new java.util.ArrayList<>(List.of("-XX:AOTMode=on", "-XX:AOTCache=" + cache, "-Xlog:class+load"));
        jvm.addAll(List.of(options));
        List<String> cmd = new java.util.ArrayList<>(Launch.command(Launch.Spec.defaults(Bootstrap.class), jvm));
        cmd.set(cmd.indexOf(System.getProperty("java.class.path")), classPath);
        cmd.add(AotCache.TRAINING);
        Process check = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes());
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), "the cache was not accepted: " + out);
        return out;
    }

    /** Runs {@link Program} in a JVM of its own, with its children's caches in {@code cacheDir}. */
    private static void runProgram(Path cacheDir, String classPath, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Dmp4j.aot.dir=" + cacheDir, "-cp", classPath,
                Program.class.getName()));
        command.addAll(List.of(args));
        Process program = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(program.getInputStream().readAllBytes());
        assertTrue(program.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, program.exitValue(), out);
        assertTrue(out.contains("child ran") && out.contains("exit 0"), out);
    }

    private static Path awaitCache(Path cacheDir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(cacheDir)) {
                try (Stream<Path> s = Files.list(cacheDir)) {
                    Path cache = s.filter(p -> p.getFileName().toString().endsWith(".aot")).findFirst().orElse(null);
                    if (cache != null) {
                        return cache;
                    }
                }
            }
            Thread.sleep(100); // the training JVM is detached from us: nothing to wait on
        }
        throw new AssertionError("no AOT cache appeared in " + cacheDir);
    }

    @Test
    void theClassesOfJobsAreNotedForTheTraining() {
        java.util.Set<String> noted = new java.util.HashSet<>();
        dev.mp4j.function.SerializableRunnable lambda = () -> { };
        AotCache.note(noted, lambda.getClass());
        AotCache.note(noted, String.class);
        assertEquals(java.util.Set.of(AotCacheTest.class.getName()), noted, "a lambda: its capturing class");
        AotCache.note(noted, Program.lambda().getClass());
        assertEquals(java.util.Set.of(AotCacheTest.class.getName(), Program.class.getName()), noted,
                "a nested class's lambda: that class, and its nest host");
        AotCache.note(noted, Program.class);
        assertEquals(2, noted.size());
        for (int i = 0; i < AotCache.MAX_NOTED + 10; i++) {
            AotCache.note(noted, "app.Class" + i);
        }
        assertEquals(AotCache.MAX_NOTED, noted.size(), "at most MAX_NOTED");
    }

    @Test
    void aClassThatADirectoryOfTheChildrensClassPathHoldsIsNotTrained(@TempDir Path dir) throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Files.createDirectories(classes.resolve("app"));
        Files.createFile(classes.resolve("app/Shadowed.class"));
        Path jar = Files.createFile(dir.resolve("app.jar"));
        List<String> classPath = List.of(classes.toString(), jar.toString(), dir.resolve("missing.jar").toString());
        List<Path> directories = AotCache.directories(classPath);
        assertEquals(List.of(classes), directories, "a missing entry is no directory");
        assertEquals(List.of("app.InJar", "Top"),
                AotCache.outside(List.of("app.Shadowed", "app.InJar", "Top"), directories),
                "a class a directory holds stays out of the training, which runs on the jars alone");
    }

    @Test
    void aTrainingKeepsOnlyTheMostRecentlyUsedCaches(@TempDir Path dir) throws Exception {
        for (int i = 0; i < 10; i++) {
            Path f = Files.createFile(dir.resolve("child-" + i + ".aot"));
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        Files.createFile(dir.resolve("child-0.aot.training-123")); // a training's partial file
        Files.createFile(dir.resolve("notes.txt"));
        AotCache.markUsed(dir.resolve("child-0.aot")); // the oldest, used now
        AotCache.prune(dir, 4);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(java.util.Set.of("child-0.aot", "child-9.aot", "child-8.aot", "child-7.aot",
                    "child-0.aot.training-123", "notes.txt"),
                    s.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
        AotCache.prune(dir.resolve("missing"), 4); // no directory: nothing to do, no exception
    }

    @Test
    void aTrainingUnderWayElsewhereIsNotStartedAgain(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("child-0123.aot");
        assertFalse(AotCache.trainingElsewhere(cache), "nothing there");
        Files.createFile(dir.resolve("child-0123.aot.lock")); // another file of the same prefix
        Files.createFile(dir.resolve("child-9999.aot.training-" + ProcessHandle.current().pid())); // another cache
        assertFalse(AotCache.trainingElsewhere(cache), "no partial file of this cache");

        Process gone = new ProcessBuilder("true").start();
        assertTrue(gone.waitFor(30, TimeUnit.SECONDS));
        Path stale = dir.resolve("child-0123.aot.training-" + gone.pid() + ".config");
        Files.createFile(stale);
        assertTrue(AotCache.trainingElsewhere(cache), "a dead starter's fresh file: the training may still run");
        Files.setLastModifiedTime(stale, FileTime.fromMillis(
                System.currentTimeMillis() - (AotCache.TRAINING_SECONDS + 60) * 1000));
        assertFalse(AotCache.trainingElsewhere(cache), "a dead starter's old file: that training is over");

        Path live = dir.resolve("child-0123.aot.training-" + ProcessHandle.current().pid());
        Files.createFile(live);
        Files.setLastModifiedTime(live, FileTime.fromMillis(0));
        assertTrue(AotCache.trainingElsewhere(cache), "a live starter: its training is under way");
    }

    @Test
    void aPartialFilesStarterIsReadAsTheRegularExpressionOfItsNameWould() {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile("[0-9]{1,18}(\\.config)?");
        String prefix = "child-0123.aot.training-";
        for (String rest : List.of("1", "4242", "4242.config", "123456789012345678", "1234567890123456789",
                "123456789012345678.config", "", ".config", "12.config.config", "12.conf", "12x", "-12", "+12",
                "\u0661\u0662", "12 ", " 12", "12.configx", "0", "000.config")) {
            String name = prefix + rest;
            long expected = pattern.matcher(rest).matches() ? Long.parseLong(rest.replace(".config", "")) : -1;
            assertEquals(expected, AotCache.starter(name, prefix.length()), rest);
        }
        assertEquals(-1, AotCache.starter("x.config", 3), "the suffix overlaps what precedes");
    }

    private static void jar(Path jar, Path classes) {
        ToolProvider tool = ToolProvider.findFirst("jar").orElseThrow();
        int rc = tool.run(System.out, System.err, "cf", jar.toString(), "-C", classes.toString(), ".");
        assertEquals(0, rc, "jar failed");
    }

    @Test
    void theTrainingRunsDetachedAtALowPriorityAndItsCacheIsMovedIntoPlace(@TempDir Path dir) throws Exception {
        Path partial = dir.resolve("child-x.aot.training-1");
        Path cache = dir.resolve("child-x.aot");
        Path niceness = dir.resolve("niceness");
        // stands in for the training JVM: says how nice it runs, then writes its "cache"
        List<String> training = List.of("/bin/sh", "-c",
                "nice > '" + niceness + "' 2>/dev/null || echo none > '" + niceness + "'; echo cache > '" + partial + "'");
        java.lang.Process sh = new ProcessBuilder("/bin/sh", "-c", AotCache.trainingScript(training, partial, cache))
                .redirectErrorStream(true).start();
        assertTrue(sh.waitFor(10, TimeUnit.SECONDS), "the shell returns at once, the training detached");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(cache) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("cache", Files.readString(cache).strip(), "the cache is moved into place when the training ends well");
        assertFalse(Files.exists(partial), "nothing is left under the partial name");
        String nice = Files.readString(niceness).strip();
        if (!nice.equals("none")) { // a shell without nice runs the training as it is
            assertEquals("10", nice, "the training runs at a low priority");
        }
    }
}
