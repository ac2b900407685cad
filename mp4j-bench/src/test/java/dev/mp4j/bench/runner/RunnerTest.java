package dev.mp4j.bench.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.bench.runner.Outcome.Side;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The runner's own logic: options, parsing a run's output, the catalog, the chart. Nothing here runs a benchmark. */
class RunnerTest {
    private static final Path SCRIPT = Path.of("s.py");
    private static final Path OUT = Path.of("out");

    @Test
    void optionsDefaultToFiveRunsOfEverything() {
        Options o = Options.parse(new String[0], SCRIPT, OUT);
        assertEquals(5, o.reps());
        assertEquals(List.of(), o.only());
        assertEquals("latest", o.outputName());
        assertEquals(Catalog.all(), Catalog.select(o.only()));
    }

    @Test
    void quickMeansOneRunAndItsOwnFilesUnlessRepsSaysOtherwise() {
        Options o = Options.parse(new String[] {"--quick"}, SCRIPT, OUT);
        assertEquals(1, o.reps());
        assertEquals("quick", o.outputName());
        assertEquals(2, Options.parse(new String[] {"--quick", "--reps", "2"}, SCRIPT, OUT).reps());
    }

    @Test
    void onlySelectsWorkloadsInTableOrder() {
        Options o = Options.parse(new String[] {"--only", "pipe-1mib,spawn-start-join"}, SCRIPT, OUT);
        assertEquals(List.of("spawn-start-join", "pipe-1mib"), Catalog.select(o.only()).stream().map(Workload::name).toList());
    }

    @Test
    void badArgumentsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--only", "nope"}, SCRIPT, OUT));
        assertTrue(e.getMessage().startsWith("unknown workload 'nope'; known: spawn-start-join,"), e.getMessage());
        assertEquals("--reps takes a whole number, got 'x'", assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--reps", "x"}, SCRIPT, OUT)).getMessage());
        assertEquals("--reps must be between 1 and 100, got 0", assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--reps", "0"}, SCRIPT, OUT)).getMessage());
        assertEquals("--reps needs a value", assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--reps"}, SCRIPT, OUT)).getMessage());
        assertEquals("unknown argument '--fast'", assertThrows(IllegalArgumentException.class,
                () -> Options.parse(new String[] {"--fast"}, SCRIPT, OUT)).getMessage());
    }

    @Test
    void theFigureIsTheLastResultLine() {
        var r = BenchRunner.parse(List.of("warming up", "RESULT 1.5", "RESULT 2.25", "bye"), List.of());
        assertEquals(2.25, r.value());
        assertNull(r.failure());
    }

    @Test
    void aRunWithoutAFigureSaysWhy() {
        assertEquals("no RESULT line: RuntimeError: the counter is 3, not 4", BenchRunner.parse(List.of(),
                List.of("Traceback (most recent call last):", "  File \"x.py\", line 1", "RuntimeError: the counter is 3, not 4"))
                .failure());
        assertEquals("not a number: RESULT abc", BenchRunner.parse(List.of("RESULT abc"), List.of()).failure());
        assertEquals("not a positive figure: RESULT 0.0", BenchRunner.parse(List.of("RESULT 0.0"), List.of()).failure());
    }

    @Test
    void theReasonIsTheRootCauseOfAJavaStackTrace() {
        assertEquals("Caused by: java.io.IOException: broken pipe", BenchRunner.reason(List.of(
                "Exception in thread \"main\" java.lang.IllegalStateException: outer",
                "\tat dev.mp4j.X.y(X.java:1)",
                "Caused by: java.io.IOException: broken pipe",
                "\t... 3 more")));
        assertEquals("just a line", BenchRunner.reason(List.of("just a line", "  ")));
        assertEquals("no message", BenchRunner.reason(List.of()));
    }

    @Test
    void theDirectoryWorkloadRunsWithTheBenchsJarReplacedByADirectory(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path jar = dir.resolve("bench.jar");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new java.util.zip.ZipEntry("a/"));
            out.putNextEntry(new java.util.zip.ZipEntry("a/B.class"));
            out.write(new byte[] {1, 2, 3});
            out.closeEntry();
        }
        Path classes = BenchRunner.unpack(jar, Files.createDirectory(dir.resolve("classes")));
        assertEquals(List.of((byte) 1, (byte) 2, (byte) 3), toList(Files.readAllBytes(classes.resolve("a/B.class"))));
        String sep = java.io.File.pathSeparator;
        assertEquals("/lib/x.jar" + sep + classes + sep + "/lib/y.jar",
                BenchRunner.replaceEntry("/lib/x.jar" + sep + jar + sep + "/lib/y.jar", jar, classes));
        assertEquals("/lib/x.jar", BenchRunner.replaceEntry("/lib/x.jar", jar, classes), "no such entry: unchanged");
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir);
        assertEquals(classes.toString(), BenchRunner.replaceEntry(link.resolve("bench.jar").toString(), jar, classes),
                "the same jar through a link");

        Path evil = dir.resolve("evil.jar");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(evil))) {
            out.putNextEntry(new java.util.zip.ZipEntry("../outside.class"));
            out.closeEntry();
        }
        IOException e = assertThrows(IOException.class,
                () -> BenchRunner.unpack(evil, Files.createDirectory(dir.resolve("evil"))));
        assertTrue(e.getMessage().contains("../outside.class"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("outside.class")));
        Workload inDirectory = Catalog.select(List.of(Catalog.SPAWN_IN_DIRECTORY)).getFirst();
        assertEquals(1, inDirectory.target().ratioMark(), 1e-12);
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new java.util.ArrayList<>();
        for (byte b : bytes) {
            list.add(b);
        }
        return list;
    }

    @Test
    void everyWorkloadHasAUniqueNameAndTheIssuesTargetsAreThere() {
        List<String> names = Catalog.all().stream().map(Workload::name).toList();
        assertEquals(names.size(), names.stream().distinct().count());
        Workload pingPong = Catalog.select(List.of("pipe-ping-pong")).getFirst();
        assertEquals(1 / 0.7, pingPong.target().ratioMark(), 1e-12);
        Workload array = Catalog.select(List.of("shared-array")).getFirst();
        assertEquals(Direction.LOWER_IS_BETTER, array.direction());
        assertEquals(1 / 0.3, array.target().ratioMark(), 1e-12);
    }

    @Test
    void issue23sWorkloadsHaveItsTargets() {
        Workload pickle = Catalog.select(List.of("pickle-list")).getFirst();
        assertEquals(Direction.HIGHER_IS_BETTER, pickle.direction());
        assertEquals(1, pickle.target().ratioMark(), 1e-12);
        Workload roundTrip = Catalog.select(List.of("python-executor-round-trip")).getFirst();
        assertEquals(Direction.LOWER_IS_BETTER, roundTrip.direction());
        assertEquals(1 / 1.2, roundTrip.target().ratioMark(), 1e-12);
        Workload submits = Catalog.select(List.of("python-executor-20k")).getFirst();
        assertEquals(Direction.HIGHER_IS_BETTER, submits.direction());
        assertEquals(1 / 1.2, submits.target().ratioMark(), 1e-12);
        assertTrue(submits.target().met(0.84, 1) && !submits.target().met(0.83, 1));
        Workload manager = Catalog.select(List.of("pymanager-dict")).getFirst();
        assertEquals(Direction.LOWER_IS_BETTER, manager.direction());
        assertEquals(1, manager.target().ratioMark(), 1e-12);
    }

    @Test
    void issue22sClusterWorkloadsCompareWithRawHazelcastAndALocalPool() {
        Workload roundTrip = Catalog.select(List.of("cluster-round-trip")).getFirst();
        assertEquals(Direction.LOWER_IS_BETTER, roundTrip.direction());
        assertEquals(1 / 1.2, roundTrip.target().ratioMark(), 1e-12);
        Workload submits = Catalog.select(List.of("cluster-20k")).getFirst();
        assertEquals(Direction.HIGHER_IS_BETTER, submits.direction());
        assertEquals(1 / 1.2, submits.target().ratioMark(), 1e-12);
        Workload map = Catalog.select(List.of("cluster-pool-map")).getFirst();
        assertEquals(null, map.target());
        for (Workload w : List.of(roundTrip, submits, map)) {
            assertEquals("dev.mp4j.bench.cluster.ClusterWorkloads", w.program());
        }
        assertEquals(null, Catalog.select(List.of("pool-map")).getFirst().program(), "against CPython");
    }

    @Test
    void everyWorkloadHasBothSides() throws IOException {
        String py = Files.readString(Path.of("src/main/python/mp4j_bench.py"), StandardCharsets.UTF_8);
        Path workloads = Path.of("src/main/java/dev/mp4j/bench/workloads");
        String java = Files.readString(workloads.resolve("Mp4jWorkloads.java"), StandardCharsets.UTF_8)
                + Files.readString(workloads.resolve("PythonWorkloads.java"), StandardCharsets.UTF_8);
        for (Workload w : Catalog.all()) {
            if (w.program() != null) { // Java against Java: one program runs both sides
                String program = Files.readString(Path.of("src/main/java", w.program().replace('.', '/') + ".java"),
                        StandardCharsets.UTF_8);
                assertTrue(Pattern.compile("case [^\n]*\"" + Pattern.quote(w.name()) + "\"").matcher(program).find(),
                        "no case of " + w.program() + " runs " + w.name());
                continue;
            }
            assertTrue(py.contains("\n    \"" + w.name() + "\": "), "mp4j_bench.py's WORKLOADS lack " + w.name());
            assertTrue(Pattern.compile("case [^\n]*\"" + Pattern.quote(w.name()) + "\"").matcher(java).find(),
                    "no case of the mp4j side runs " + w.name());
        }
    }

    @Test
    void theChartHasARowPerWorkload() {
        System.setProperty("java.awt.headless", "true");
        Outcome good = RatioAndTargetTest.outcome(Direction.HIGHER_IS_BETTER, Target.rateAtLeast(2));
        good.add(Side.MP4J, 300);
        good.add(Side.CPYTHON, 100);
        Outcome failed = RatioAndTargetTest.outcome(Direction.LOWER_IS_BETTER, null);
        failed.fail(Side.MP4J, "timed out");
        BufferedImage one = Chart.draw(List.of(good), "test");
        BufferedImage two = Chart.draw(List.of(good, failed), "test");
        assertEquals(two.getHeight() - one.getHeight(), 30);
        double[] range = Chart.range(List.of(good));
        assertTrue(range[0] < 0.5 && range[1] > 3, java.util.Arrays.toString(range));
    }
}
