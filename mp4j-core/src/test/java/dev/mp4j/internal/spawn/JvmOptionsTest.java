package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.child.Bootstrap;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What children inherit of the parent's JVM options, and what mp4j's defaults yield to. */
class JvmOptionsTest {
    @Test
    void theUsersOptionsArePassedOn() {
        List<String> args = List.of("-Dx=y", "--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-preview",
                "-Xmx256m", "-ea", "-Xss2m", "-javaagent:/opt/agent.jar=opt", "-XX:+UseG1GC",
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xlog:gc", "-XX:HeapDumpPath=/tmp", "-agentlib:jdwp=transport=dt_socket,server=y,address=*:0");
        assertEquals(args, JvmOptions.filter(args, List.of()));
    }

    @Test
    void whatTwoJvmsCannotShareIsDropped() {
        for (String a : List.of("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005",
                "-Xrunjdwp:transport=dt_socket,server=y,address=8000",
                "-Dcom.sun.management.jmxremote.port=9010", "-Dcom.sun.management.jmxremote.rmi.port=9011",
                "-Xlog:gc*:file=/tmp/gc.log", "-XX:StartFlightRecording=duration=30s,filename=/tmp/rec.jfr",
                "-XX:ErrorFile=/tmp/err.log", "-XX:HeapDumpPath=/tmp/no-such-dir/heap.hprof", "-Xloggc:/tmp/gc.log")) {
            assertNotNull(JvmOptions.unshareable(a), a);
            assertEquals(List.of("-Dx=y"), JvmOptions.filter(List.of(a, "-Dx=y"), List.of()), a);
        }
        assertNull(JvmOptions.unshareable("-Xlog:gc*:file=/tmp/gc-%p.log"), "a file named after the pid is kept");
        assertNull(JvmOptions.unshareable("-agentlib:jdwp=transport=dt_socket,server=n,address=host:5005"));
        assertNull(JvmOptions.unshareable("-Dcom.sun.management.jmxremote.port=0"));
    }

    @Test
    void launchAndCacheOptionsAreMp4jsOwn() {
        List<String> args = List.of("--module-path=mods", "-Djdk.module.main=app", "-Djava.class.path=a.jar",
                "-XX:AOTCache=app.aot", "-XX:AOTMode=on", "-Xshare:auto", "-XX:SharedArchiveFile=a.jsa",
                "-Xlog:aot=off", "-Xlog:cds=off", "-Dkept=1");
        assertEquals(List.of("-Dkept=1"), JvmOptions.filter(args, List.of()));
    }

    @Test
    void optionsOfTheEnvironmentAreNotPassedTwice() {
        assertEquals(List.of("-javaagent:a.jar", "-Dy=2"),
                JvmOptions.filter(List.of("-javaagent:a.jar", "-javaagent:a.jar", "-Dx=1", "-Dy=2"),
                        List.of("-javaagent:a.jar", "-Dx=1")));
    }

    @Test
    void theUsersChoiceWinsOverMp4jsDefaults() {
        List<String> none = JvmOptions.defaults(List.of("-Dx=y"), false);
        assertTrue(none.contains("-XX:+UseSerialGC"), none.toString());
        assertTrue(none.stream().anyMatch(o -> o.startsWith("-XX:MaxRAMPercentage=")), none.toString());
        assertTrue(none.contains(JvmOptions.INITIAL_HEAP), none.toString());

        List<String> g1 = JvmOptions.defaults(List.of("-XX:+UseG1GC"), false);
        assertFalse(g1.contains("-XX:+UseSerialGC"), g1.toString());
        for (String heap : List.of("-Xmx1g", "-Xms2g", "-XX:MaxRAMPercentage=50", "-XX:MaxHeapSize=1g", "-XX:MaxRAM=4g")) {
            List<String> d = JvmOptions.defaults(List.of(heap), false);
            assertTrue(d.stream().noneMatch(o -> o.startsWith("-XX:MaxRAMPercentage")), heap + " -> " + d);
            assertFalse(d.contains(JvmOptions.INITIAL_HEAP), heap + " -> " + d);
        }
    }

    @Test
    void anExecutorWorkerStartsWithAHalfSizedHeapUnlessTheUserSizesIt() {
        List<String> worker = JvmOptions.defaults(List.of("-Dx=y"), List.of(), true);
        assertTrue(worker.contains(JvmOptions.WORKER_INITIAL_HEAP), worker.toString());
        assertFalse(worker.contains(JvmOptions.INITIAL_HEAP), worker.toString());
        assertTrue(worker.stream().anyMatch(o -> o.startsWith("-XX:MaxRAMPercentage=")), worker.toString());
        for (String heap : List.of("-Xmx1g", "-Xmn64m", "-XX:InitialHeapSize=1g", "-XX:NewRatio=3")) {
            List<String> d = JvmOptions.defaults(List.of(heap), List.of(), true);
            assertTrue(d.stream().noneMatch(o -> o.startsWith("-XX:InitialHeapSize")), heap + " -> " + d);
        }
        List<String> fromEnvironment = JvmOptions.defaults(List.of(), List.of("-Xms64m"), true);
        assertTrue(fromEnvironment.stream().noneMatch(o -> o.startsWith("-XX:InitialHeapSize")),
                fromEnvironment.toString());
    }

    @Test
    void onlyAnExecutorWorkersCommandLineHasTheWorkersHeap() {
        Launch.Spec spec = Launch.Spec.defaults(Bootstrap.class).withInherit(false);
        LaunchLayout layout = LaunchLayout.of(spec);
        List<String> worker = Launch.command(spec, List.of(), layout, true);
        List<String> plain = Launch.command(spec, List.of(), layout, false);
        assertEquals(plain, Launch.command(spec, List.of()));
        if (JvmOptions.defaults(List.of(), false).contains(JvmOptions.INITIAL_HEAP)) { // the environment sizes none
            assertTrue(worker.contains(JvmOptions.WORKER_INITIAL_HEAP), worker.toString());
            assertFalse(worker.contains(JvmOptions.INITIAL_HEAP), worker.toString());
            assertTrue(plain.contains(JvmOptions.INITIAL_HEAP), plain.toString());
        }
        assertFalse(plain.contains(JvmOptions.WORKER_INITIAL_HEAP), plain.toString());
        List<String> sized = Launch.command(spec.withJvmOptions(List.of("-Xms64m")), List.of(), layout, true);
        assertFalse(sized.contains(JvmOptions.WORKER_INITIAL_HEAP), sized.toString());
    }

    @Test
    void aChildStartsWithASmallHeapUnlessTheUserSizesIt() {
        List<String> none = JvmOptions.defaults(List.of("-Dx=y", "-XX:+UseG1GC"), List.of());
        assertTrue(none.contains(JvmOptions.INITIAL_HEAP), none.toString());
        for (String young : List.of("-Xmn64m", "-XX:NewSize=64m", "-XX:MaxNewSize=64m", "-XX:NewRatio=3",
                "-XX:InitialRAMPercentage=5", "-XX:MinRAMPercentage=40", "-XX:InitialHeapSize=1g")) {
            List<String> d = JvmOptions.defaults(List.of(young), List.of());
            assertFalse(d.contains(JvmOptions.INITIAL_HEAP), young + " -> " + d);
        }
        List<String> young = JvmOptions.defaults(List.of("-Xmn64m"), List.of());
        assertTrue(young.stream().anyMatch(o -> o.startsWith("-XX:MaxRAMPercentage=")),
                "a young generation's size leaves the max heap to the memory rule: " + young);
    }

    @Test
    void theEnvironmentsOptionsAreTheUsersChoiceToo() {
        List<String> d = JvmOptions.defaults(List.of("-Dx=y"), List.of("-XX:+UseParallelGC", "-Xmx64m"));
        List<String> expected = new java.util.ArrayList<>(List.of("-XX:-UsePerfData"));
        expected.addAll(JvmOptions.COMPILE_DEFAULTS);
        expected.addAll(JvmOptions.TABLE_DEFAULTS);
        assertEquals(expected, d);
        assertEquals(List.of("-XX:-UsePerfData"), JvmOptions.defaults(List.of("-Dx=y"),
                List.of("-XX:+UseParallelGC", "-Xmx64m", "-XX:CompileCommand=exclude,a.B::c",
                        "-XX:StringTableSize=4096")));
    }

    @Test
    void aChildsStringAndSymbolTablesStartSmallUnlessTheUserSizesOne() {
        List<String> none = JvmOptions.defaults(List.of("-Dx=y"), List.of());
        assertTrue(none.containsAll(JvmOptions.TABLE_DEFAULTS), none.toString());
        assertTrue(none.stream().noneMatch(o -> o.contains("Experimental") || o.startsWith("-XX:SymbolTableSize")),
                "no experimental option, nothing unlocked for the user's: " + none);
        for (String table : List.of("-XX:StringTableSize=100000", "-XX:SymbolTableSize=100000")) {
            List<String> d = JvmOptions.defaults(List.of(table), List.of());
            assertTrue(d.stream().noneMatch(o -> o.startsWith("-XX:StringTableSize")
                    || o.startsWith("-XX:SymbolTableSize")), table + " -> " + d);
            List<String> e = JvmOptions.defaults(List.of(), List.of(table));
            assertTrue(e.stream().noneMatch(o -> o.startsWith("-XX:StringTableSize")
                    || o.startsWith("-XX:SymbolTableSize")), table + " (environment) -> " + e);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aJvmAcceptsTheTableSizes() throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(JvmOptions.TABLE_DEFAULTS);
        cmd.addAll(List.of("-XX:+PrintFlagsFinal", "-version"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        java.lang.Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.matches("(?s).*StringTableSize += 1024 .*"), "the string table's size taken");
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void theJvmsOwnOptionsVariableCountsAsTheEnvironments() throws Exception {
        // _JAVA_OPTIONS too: a context replacing the inherited options would otherwise give a child mp4j's
        // collector beside the one named there, which the JVM refuses
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PrintDefaults.class.getName());
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().put("_JAVA_OPTIONS", "-XX:+UseParallelGC");
        java.lang.Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("[-XX:+UseParallelGC] false", out, "the environment's options, and whether mp4j adds a collector");
    }

    /** Prints {@link JvmOptions#fromEnvironment} and whether a child would get mp4j's collector. */
    static final class PrintDefaults {
        public static void main(String[] args) {
            System.out.println(JvmOptions.fromEnvironment() + " "
                    + JvmOptions.defaults(List.of(), false).contains("-XX:+UseSerialGC"));
        }
    }

    @Test
    void withoutTieredCompilationNoMethodGetsAMemoryLimit() {
        // C2 gives a method over its limit to C1; without tiers none takes it and it stays interpreted
        String limit = JvmOptions.COMPILE_DEFAULTS.getLast();
        assertTrue(limit.startsWith("-XX:CompileCommand=MemLimit,"), limit);
        List<String> off = JvmOptions.defaults(List.of("-XX:-TieredCompilation"), List.of());
        assertFalse(off.contains(limit), off.toString());
        assertTrue(off.containsAll(JvmOptions.COMPILE_DEFAULTS.subList(0, 2)), off.toString());
        assertFalse(JvmOptions.defaults(List.of(), List.of("-XX:-TieredCompilation")).contains(limit));
        assertTrue(JvmOptions.defaults(List.of("-XX:+TieredCompilation"), List.of("-XX:-TieredCompilation"))
                .contains(limit), "the user's word comes after the environment's");
        assertTrue(JvmOptions.defaults(List.of("-XX:-TieredCompilation", "-XX:+TieredCompilation"), List.of())
                .contains(limit), "the last word counts");
    }

    @Test
    void aCompileCommandOfTheUsersReplacesMp4jsCompileCommands() {
        List<String> none = JvmOptions.defaults(List.of("-Dx=y"), List.of());
        assertTrue(none.containsAll(JvmOptions.COMPILE_DEFAULTS), none.toString());
        assertEquals("-XX:CompileCommand=quiet", JvmOptions.COMPILE_DEFAULTS.getFirst(),
                "quiet comes first: the JVM prints each command parsed before it");
        for (String user : List.of("-XX:CompileCommand=print,a.B::c", "-XX:CompileCommandFile=/tmp/commands", "-XX:CompileOnly=a.B::c",
                "-XX:CompilerDirectivesFile=/tmp/directives.json")) {
            List<String> d = JvmOptions.defaults(List.of(user), List.of());
            for (String c : JvmOptions.COMPILE_DEFAULTS) {
                assertFalse(d.contains(c), user + " -> " + d);
            }
            assertTrue(d.contains("-XX:+UseSerialGC") && d.contains(JvmOptions.INITIAL_HEAP), user + " -> " + d);
        }
    }

    @Test
    void eachCompileCommandNamesAMethodThatIsThere() throws ClassNotFoundException {
        // a command whose method was renamed or moved would match nothing, and the JVM says nothing of it
        int named = 0;
        for (String c : JvmOptions.COMPILE_DEFAULTS) {
            String[] parts = c.substring("-XX:CompileCommand=".length()).split(",");
            if (parts.length < 2) {
                continue; // quiet
            }
            String[] method = parts[1].split("::");
            Class<?> owner = Class.forName(method[0], false, JvmOptionsTest.class.getClassLoader());
            assertTrue(java.util.Arrays.stream(owner.getDeclaredMethods()).anyMatch(m -> m.getName().equals(method[1])),
                    c + ": " + owner + " has no method " + method[1]);
            named++;
        }
        assertEquals(JvmOptions.COMPILE_DEFAULTS.size() - 1, named, JvmOptions.COMPILE_DEFAULTS.toString());
    }

    @Test
    void theUsersChoicesAreRecognizedAsTheRegularExpressionsOfTheirKindsWould() {
        java.util.regex.Pattern gc = java.util.regex.Pattern.compile(
                "-XX:\\+Use(Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep)GC");
        java.util.regex.Pattern heap = java.util.regex.Pattern.compile(
                "-Xmx.*|-Xms.*|-XX:(MaxHeapSize|InitialHeapSize|MinHeapSize)=.*|-XX:MaxRAM.*");
        java.util.regex.Pattern young = java.util.regex.Pattern.compile(
                "-Xmn.*|-XX:(NewSize|MaxNewSize|NewRatio|InitialRAMPercentage|MinRAMPercentage)=.*");
        java.util.regex.Pattern compile = java.util.regex.Pattern.compile(
                "-XX:(CompileCommand|CompileCommandFile|CompileOnly|CompilerDirectivesFile)=.*");
        java.util.regex.Pattern tables = java.util.regex.Pattern.compile("-XX:(StringTableSize|SymbolTableSize)=.*");
        List<String> options = List.of("-XX:+UseSerialGC", "-XX:+UseParallelGC", "-XX:+UseParallelOldGC",
                "-XX:+UseG1GC", "-XX:+UseZGC", "-XX:+UseShenandoahGC", "-XX:+UseEpsilonGC",
                "-XX:+UseConcMarkSweepGC", "-XX:-UseG1GC", "-XX:+UseG1GCx", "-XX:+UseXGC", "-XX:+UseG1GC ",
                "-Xmx", "-Xmx1g", "-Xms64m", "-Xmx1g\n", "-Xmx1\r", "-Xms\u2028", "-XX:MaxHeapSize=1g",
                "-XX:MaxHeapSize", "-XX:InitialHeapSize=8m", "-XX:MinHeapSize=8m", "-XX:MaxRAM=1g",
                "-XX:MaxRAMPercentage=25", "-XX:MaxRAM", "-XX:MaxRAM\u0085", "-xmx1g", " -Xmx1g",
                "-Xmn8m", "-Xmn", "-XX:NewSize=4m", "-XX:MaxNewSize=4m", "-XX:NewRatio=2", "-XX:NewRatio",
                "-XX:InitialRAMPercentage=1", "-XX:MinRAMPercentage=1", "-XX:NewSizeThreadIncrease=1",
                "-XX:CompileCommand=quiet", "-XX:CompileCommandFile=/tmp/c", "-XX:CompileOnly=a.B::c",
                "-XX:CompilerDirectivesFile=/tmp/d", "-XX:CompileCommand", "-XX:CompileThreshold=10",
                "-XX:CompileCommand=x\u2029", "-XX:StringTableSize=4096", "-XX:SymbolTableSize=4096",
                "-XX:StringTableSize", "-XX:SymbolTableSize=1\n", "-Dx=y", "");
        for (String o : options) {
            List<String> expected = new java.util.ArrayList<>();
            if (!gc.matcher(o).matches()) {
                expected.add("-XX:+UseSerialGC");
            }
            expected.add("-XX:-UsePerfData");
            if (!heap.matcher(o).matches()) {
                expected.add(JvmOptions.memoryRule(Runtime.getRuntime().availableProcessors()));
                if (!young.matcher(o).matches()) {
                    expected.add(JvmOptions.INITIAL_HEAP);
                }
            }
            if (!compile.matcher(o).matches()) {
                expected.addAll(JvmOptions.COMPILE_DEFAULTS);
            }
            if (!tables.matcher(o).matches()) {
                expected.addAll(JvmOptions.TABLE_DEFAULTS);
            }
            assertEquals(expected, JvmOptions.defaults(List.of(o), List.of()), o);
            assertEquals(expected, JvmOptions.defaults(List.of(), List.of(o)), o);
        }
    }

    @Test
    void aJvmTakesTheDefaultsAndPrintsNothingOfThem() throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(JvmOptions.defaults(List.of(), List.of()));
        cmd.add("-version");
        java.lang.Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // waited for first: a few bytes at most fit the pipe, and a read would wait as long as the JVM
            assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the JVM did not exit");
            byte[] out = p.getInputStream().readAllBytes();
            assertEquals(0, p.exitValue(), cmd.toString());
            assertEquals("", new String(out, java.nio.charset.StandardCharsets.UTF_8), cmd.toString());
        } finally {
            p.destroyForcibly();
            p.getInputStream().close();
        }
    }

    @Test
    void theMemoryRuleLetsAPoolOfCpuCountWorkersClaimHalfTheMemory() {
        assertEquals(6.25, JvmOptions.maxRamPercentage(8)); // 8 workers x 6.25 % = 50 %
        assertEquals(25.0, JvmOptions.maxRamPercentage(2));
        assertEquals(25.0, JvmOptions.maxRamPercentage(1)); // a quarter: the JVM's own default
        assertEquals("-XX:MaxRAMPercentage=12.5", JvmOptions.memoryRule(4));
    }

    @Test
    void aChildGetsTheDefaultsTheInheritedAndTheContextsOptionsInThatOrder() {
        Launch.Spec spec = Launch.Spec.defaults(Bootstrap.class).withJvmOptions(List.of("-Dfrom.context=1"));
        List<String> cmd = Launch.command(spec, List.of());
        int serial = cmd.indexOf("-XX:+UseSerialGC");
        int context = cmd.indexOf("-Dfrom.context=1");
        assertTrue(serial > 0 && context > serial, cmd.toString());
        for (String inherited : JvmOptions.inherited()) {
            int i = cmd.lastIndexOf(inherited);
            assertTrue(i > serial && i < context, inherited + " in " + cmd);
        }
        List<String> plain = Launch.command(spec.withInherit(false), List.of());
        assertEquals(cmd.size() - JvmOptions.inherited().size(), plain.size(), plain.toString());
    }

    @Test
    void aClassPathWithoutMp4jFailsTheCheckWithTheRemedy(@TempDir Path dir) {
        Launch.Spec spec = Launch.Spec.defaults(Bootstrap.class).withClassPath(List.of(dir));
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> Launch.check(spec));
        assertTrue(e.getMessage().contains("withClassPath") && e.getMessage().contains(Bootstrap.class.getName()),
                e.getMessage());
        java.io.IOException noJava = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> Launch.check(Launch.Spec.defaults(Bootstrap.class).withJava(dir.resolve("java"))));
        assertTrue(noJava.getMessage().contains("withExecutable"), noJava.getMessage());
    }

    @Test
    void inputArgumentsAreRememberedUnderTheirCommandLineOnly(@TempDir Path dir) throws java.io.IOException {
        List<String> args = List.of("-Dx=y", "-Xmx64m", "--add-opens=java.base/java.lang=ALL-UNNAMED", "");
        String key = "/jdk\0" + "25\0" + "java\0-Dx=y\0Main\0";
        Path file = dir.resolve("sub").resolve(JvmOptions.Remembered.fileName(key));
        assertNull(JvmOptions.Remembered.read(file, key), "nothing remembered yet");
        JvmOptions.Remembered.write(file, key, args);
        assertEquals(args, JvmOptions.Remembered.read(file, key));
        assertNull(JvmOptions.Remembered.read(file, key + "other"), "another command line's");
        JvmOptions.Remembered.write(file, key, List.of());
        assertEquals(List.of(), JvmOptions.Remembered.read(file, key));
    }

    @Test
    void rememberedArgumentsOthersCanWriteAreNotUsed(@TempDir Path dir) throws java.io.IOException {
        String key = "java\0-Dx=y\0Main\0";
        Path file = dir.resolve(JvmOptions.Remembered.fileName(key));
        JvmOptions.Remembered.write(file, key, List.of("-Dx=y"));
        assertEquals(List.of("-Dx=y"), JvmOptions.Remembered.read(file, key));
        java.nio.file.Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertNull(JvmOptions.Remembered.read(file, key), "a file others can write is not trusted");
        java.nio.file.Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals(List.of("-Dx=y"), JvmOptions.Remembered.read(file, key));
        java.nio.file.Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        try {
            assertNull(JvmOptions.Remembered.read(file, key), "a file in a directory others can write is not trusted");
        } finally {
            java.nio.file.Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void theDirectoryOfRememberedArgumentsIsMadeThisUsersAlone(@TempDir Path dir) throws java.io.IOException {
        Path file = dir.resolve(JvmOptions.Remembered.DIRECTORY).resolve(JvmOptions.Remembered.fileName("k"));
        JvmOptions.Remembered.write(file, "k", List.of("-Da=b"));
        assertEquals("rwx------", PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(file.getParent())));
        assertEquals(List.of("-Da=b"), JvmOptions.Remembered.read(file, "k"));
    }

    @Test
    void atMostKeptCommandLinesAreRemembered(@TempDir Path dir) throws java.io.IOException {
        for (int i = 0; i < JvmOptions.Remembered.KEPT + 3; i++) {
            String key = "command line " + i;
            JvmOptions.Remembered.write(dir.resolve(JvmOptions.Remembered.fileName(key)), key, List.of("-D" + i));
        }
        try (var files = java.nio.file.Files.list(dir)) {
            assertEquals(JvmOptions.Remembered.KEPT, files.count());
        }
    }

    @Test
    void theKeyIsThisJvmsCommandLineOrNothing() throws java.io.IOException {
        String key = JvmOptions.Remembered.key();
        if (key != null) { // null: this JVM was not started by its own launcher, or options come from a file
            assertTrue(key.startsWith(System.getProperty("java.home")), key);
            assertFalse(key.contains("@"), key);
        }
        assertEquals(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments(),
                JvmOptions.Remembered.inputArguments());
    }
}
