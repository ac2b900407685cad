package dev.mp4j.bench.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.bench.runner.Outcome.Side;
import dev.mp4j.bench.workloads.Mp4jWorkloads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The optional FIRST line of a run, the first-pass figures an outcome keeps, and the table they make. */
class FirstPassTest {
    @Test
    void aRunWithAFirstLineHasBothFigures() {
        var r = BenchRunner.parse(List.of("FIRST 109.5", "RESULT 3.1"), List.of());
        assertNull(r.failure());
        assertEquals(3.1, r.value());
        assertEquals(109.5, r.first());
    }

    @Test
    void aRunWithoutAFirstLineHasNoFirstFigure() {
        var r = BenchRunner.parse(List.of("RESULT 42"), List.of());
        assertNull(r.failure());
        assertEquals(42.0, r.value());
        assertTrue(Double.isNaN(r.first()), "first: " + r.first());
    }

    @Test
    void theLastFirstLineCountsWhereverItIs() {
        var r = BenchRunner.parse(List.of("FIRST 1", "  FIRST 7.5  ", "RESULT 2", "bye"), List.of());
        assertEquals(7.5, r.first());
        assertEquals(2.0, r.value());
    }

    @Test
    void aBadFirstFigureFailsTheRun() {
        assertEquals("not a number: FIRST abc",
                BenchRunner.parse(List.of("FIRST abc", "RESULT 2"), List.of()).failure());
        assertEquals("not a positive figure: FIRST -1.0",
                BenchRunner.parse(List.of("FIRST -1.0", "RESULT 2"), List.of()).failure());
        assertEquals("not a positive figure: FIRST NaN",
                BenchRunner.parse(List.of("FIRST NaN", "RESULT 2"), List.of()).failure());
        assertEquals("not a positive figure: FIRST Infinity",
                BenchRunner.parse(List.of("FIRST Infinity", "RESULT 2"), List.of()).failure());
        var empty = BenchRunner.parse(List.of("FIRST", "RESULT 2"), List.of());
        assertNull(empty.failure(), "a bare FIRST word is not a FIRST line");
        assertTrue(Double.isNaN(empty.first()));
        var failed = BenchRunner.parse(List.of("FIRST x"), List.of());
        assertTrue(Double.isNaN(failed.value()) && Double.isNaN(failed.first()));
        assertEquals("no RESULT line", BenchRunner.parse(List.of("FIRST 3"), List.of()).failure());
    }

    @Test
    void anOutcomeKeepsFirstPassesOnlyFromRunsThatPrintedOne() {
        Outcome o = pingPong();
        o.add(Side.MP4J, 5, 300);
        o.add(Side.MP4J, 4, Double.NaN);
        o.add(Side.MP4J, 6, 100);
        o.add(Side.CPYTHON, 25);
        assertEquals(List.of(300.0, 100.0), o.firstPasses(Side.MP4J));
        assertEquals(List.of(), o.firstPasses(Side.CPYTHON));
        assertEquals(List.of(5.0, 4.0, 6.0), o.samples(Side.MP4J));
        assertEquals(200.0, o.firstPassStats(Side.MP4J).median());
        assertNull(o.firstPassStats(Side.CPYTHON));
        assertTrue(Double.isNaN(o.firstPassRatio()));
        assertTrue(o.hasFirstPasses());
        assertFalse(lock().hasFirstPasses());
    }

    @Test
    void theFirstPassTableHasMediansAndTheOrientedRatioOnlyForWorkloadsThatReportedOne() {
        Outcome time = pingPong();               // µs: CPython's time ÷ mp4j's
        time.add(Side.MP4J, 3, 120);
        time.add(Side.MP4J, 3, 100);
        time.add(Side.MP4J, 3, 110);
        time.add(Side.CPYTHON, 25, 27);
        time.add(Side.CPYTHON, 25, 28);
        time.add(Side.CPYTHON, 25, 26);
        Outcome rate = new Outcome(new Workload("queue-1mib", "Queue 1 MiB", "MiB/s", Direction.HIGHER_IS_BETTER,
                Target.rateAtLeast(1.5), Duration.ofSeconds(1), "test")); // mp4j's rate ÷ CPython's
        rate.add(Side.MP4J, 1900, 40);
        rate.add(Side.CPYTHON, 750, 280);
        Outcome none = lock();
        none.add(Side.MP4J, 10);
        none.add(Side.CPYTHON, 20);

        List<String> lines = Table.firstPass(List.of(time, none, rate)).lines().toList();
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertEquals(List.of("Workload", "Unit", "mp4j first pass", "CPython first pass", "Ratio first",
                "mp4j second pass", "CPython second pass", "Ratio second", "Ratio steady"), cells(lines.get(0)));
        assertTrue(lines.get(1).matches("\\| -+ \\| -+( \\| -+:){7} \\|"), lines.get(1));
        assertEquals(List.of("Pipe ping-pong", "µs", "110", "27.0", "0.25", "—", "—", "—", "8.33"),
                cells(lines.get(2)));
        assertEquals(List.of("Queue 1 MiB", "MiB/s", "40.0", "280", "0.14", "—", "—", "—", "2.53"),
                cells(lines.get(3)));
        for (String line : lines) {
            assertEquals(lines.get(0).codePointCount(0, lines.get(0).length()), line.codePointCount(0, line.length()));
            assertFalse(line.contains("CPython's time"), "no targets: " + line);
        }
    }

    @Test
    void aSecondLineIsParsedAndCheckedAsTheFirstIs() {
        var r = BenchRunner.parse(List.of("FIRST 9", "SECOND 4.5", "RESULT 3"), List.of());
        assertNull(r.failure());
        assertEquals(9.0, r.first());
        assertEquals(4.5, r.second());
        assertTrue(Double.isNaN(BenchRunner.parse(List.of("FIRST 9", "RESULT 3"), List.of()).second()));
        assertEquals("not a positive figure: SECOND 0",
                BenchRunner.parse(List.of("SECOND 0", "RESULT 3"), List.of()).failure());
    }

    @Test
    void theSecondPassHasItsOwnColumnsAndRatio() {
        Outcome o = pingPong();                  // µs: CPython's time ÷ mp4j's
        o.add(Side.MP4J, 4, 100, 20);
        o.add(Side.CPYTHON, 20, 30, 25);
        assertEquals(1.25, o.secondPassRatio(), 1e-9);
        assertEquals(0.3, o.firstPassRatio(), 1e-9);
        List<String> row = cells(Table.firstPass(List.of(o)).lines().toList().get(2));
        assertEquals(List.of("Pipe ping-pong", "µs", "100", "30.0", "0.30", "20.0", "25.0", "1.25", "5.00"), row);
    }

    @Test
    void aWholeProgramRunIsFiguredByItsWallTime() {
        var parsed = BenchRunner.parse(List.of("5000050000", "RESULT 5000050000"), List.of());
        var r = parsed.measured(412.5, new MemoryWatch.Peak(300 * 1024, 3, 200 * 1024, 2)).wallTime();
        assertNull(r.failure());
        assertEquals(412.5, r.value());
        assertEquals(300 * 1024, r.peakKiB());
        assertEquals(3, r.processes());
        assertEquals(200 * 1024, r.parentKiB());
        assertEquals(2, r.workers());
        assertTrue(Double.isNaN(r.first()) && Double.isNaN(r.second()));
        assertThrows(IllegalArgumentException.class, () -> new Workload("p", "P", "tasks/s",
                Direction.HIGHER_IS_BETTER, null, Duration.ofSeconds(1), "test", true));
    }

    @Test
    void theMemoryTableComparesAllProcessesAndMiBPerWorker() {
        Outcome o = pingPong();
        o.add(Side.MP4J, 4);
        o.add(Side.CPYTHON, 20);
        // mp4j: a 200 MiB program, two 45 MiB workers and a 10 MiB helper; CPython: 30 MiB, one 20 MiB worker
        o.addMemory(Side.MP4J, 300 * 1024, 4, 200 * 1024, 2);
        o.addMemory(Side.CPYTHON, 50 * 1024, 2, 30 * 1024, 1);
        assertEquals(6.0, o.memoryRatio(), 1e-9);
        assertEquals(2.5, o.memoryPerWorkerRatio(), 1e-9, "(300 - 200) / 2 against (50 - 30) / 1");
        Outcome single = lock();
        single.add(Side.MP4J, 4);
        single.add(Side.CPYTHON, 20);
        single.addMemory(Side.MP4J, 80 * 1024, 1, 80 * 1024, 0);
        single.addMemory(Side.CPYTHON, 20 * 1024, 1, 20 * 1024, 0);
        assertTrue(Double.isNaN(single.memoryPerWorkerRatio()), "no worker: no figure per worker");
        List<String> lines = Table.memory(List.of(o, single)).lines().toList();
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertEquals(List.of("Pipe ping-pong", "300 (4)", "50.0 (2)", "6.00", "200", "30.0", "50.0 (2)", "20.0 (1)",
                "2.50", "pass"), cells(lines.get(2)));
        assertEquals(List.of(single.workload().title(), "80.0 (1)", "20.0 (1)", "4.00", "80.0", "20.0", "—", "—", "—",
                "—"), cells(lines.get(3)));
        o.addMemory(Side.MP4J, 0, 0, 0, 0);                // not read: not kept
        assertEquals(1, o.peakMemory(Side.MP4J).count());
        assertEquals("", Table.memory(List.of(lock())));
    }

    @Test
    void aCloneOfTheRunsProcessNotYetExecutedIsNotCounted(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path stat = dir.resolve("stat");
        // flags 0x40: forked, not exec'd
        Files.writeString(stat, "7703 (java (x) y) R 7681 7681 7639 0 -1 4194368 0 0 0 0 0 0 0 0 20 0 1 0\n");
        assertTrue(MemoryWatch.cloneOf(stat, 7681));
        assertFalse(MemoryWatch.cloneOf(stat, 1), "a child of another process");
        Files.writeString(stat, "7703 (sh) S 7681 7681 7639 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0\n");
        assertFalse(MemoryWatch.cloneOf(stat, 7681), "it has executed its program");
        assertFalse(MemoryWatch.cloneOf(dir.resolve("gone"), 7681));
        assertFalse(MemoryWatch.cloneOf(Path.of("/proc/self/stat"), ProcessHandle.current().parent().orElseThrow().pid()),
                "this JVM has executed java");
    }

    @Test
    void nameAndVmHwmAreReadFromAStatusFile(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path status = dir.resolve("status");
        Files.writeString(status, "Name:\tjava\nVmPeak:\t 999 kB\nVmHWM:\t   51200 kB\nVmRSS:\t 100 kB\n");
        assertEquals(new MemoryWatch.Status("java", 51200), MemoryWatch.status(status));
        assertEquals(0, MemoryWatch.status(dir.resolve("gone")).hwmKiB());
        Files.writeString(status, "Name:\tkthread\n");
        assertEquals(new MemoryWatch.Status("kthread", 0), MemoryWatch.status(status));
        MemoryWatch.Status self = MemoryWatch.status(Path.of("/proc/self/status"));
        assertTrue(self.hwmKiB() > 1024, "this JVM's own peak: " + self);
        assertTrue(MemoryWatch.isProgram(self.name()), "this JVM: " + self);
        assertTrue(MemoryWatch.isProgram("python3.11"));
        assertTrue(MemoryWatch.isProgram("python3"));
        assertFalse(MemoryWatch.isProgram("sh"));
        assertFalse(MemoryWatch.isProgram("mkfifo"));
        assertFalse(MemoryWatch.isProgram("javac"));
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aWatchCountsAJvmBelowTheRunAsAWorker(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path source = dir.resolve("Pause.java");
        Files.writeString(source, "class Pause { public static void main(String[] a) throws Exception { "
                + "Thread.sleep(300); } }\n");
        String jvm = ProcessHandle.current().info().command().orElseThrow();
        // a shell (not a worker) runs a JVM (a worker) that compiles and runs a source file
        Process p = new ProcessBuilder("sh", "-c", "\"$0\" \"$1\"; exit 0", jvm, source.toString()).start();
        try {
            MemoryWatch watch = MemoryWatch.start(p.toHandle());
            assertTrue(p.waitFor(50, java.util.concurrent.TimeUnit.SECONDS));
            MemoryWatch.Peak peak = watch.stop();
            assertEquals(2, peak.processes(), "the shell and the JVM: " + peak);
            assertEquals(1, peak.workers(), "the JVM: " + peak);
            assertTrue(peak.kib() - peak.parentKiB() > peak.parentKiB(), "a JVM holds more than a shell: " + peak);
        } finally {
            p.destroyForcibly();
            p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void theLastCreatedPidIsReadFromLoadavg(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path loadavg = dir.resolve("loadavg");
        Files.writeString(loadavg, "1.21 0.93 0.80 3/412 27514\n");
        assertEquals(27514, MemoryWatch.lastCreatedPid(loadavg));
        Files.writeString(loadavg, "garbage");
        assertEquals(MemoryWatch.NOT_KNOWN, MemoryWatch.lastCreatedPid(loadavg));
        assertEquals(MemoryWatch.NOT_KNOWN, MemoryWatch.lastCreatedPid(dir.resolve("gone")));
        assertTrue(MemoryWatch.lastCreatedPid(Path.of("/proc/loadavg")) > 0);
    }

    @Test
    void aPidIsAChildWhenItIsAProcess() throws IOException {
        long self = ProcessHandle.current().pid();
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        assertEquals(parent, MemoryWatch.childOf(Path.of("/proc/self/status"), self));
        long thread;
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            thread = tasks.mapToLong(t -> Long.parseLong(t.getFileName().toString())).filter(t -> t != self)
                    .findFirst().orElseThrow();
        }
        assertEquals(MemoryWatch.NOT_KNOWN, MemoryWatch.childOf(Path.of("/proc", Long.toString(thread), "status"),
                thread), "a thread of this JVM");
        assertEquals(MemoryWatch.NOT_KNOWN, MemoryWatch.childOf(Path.of("/proc/self/gone"), self));
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aWatchFindsTheChildrenARunStartsLater() throws Exception {
        // the shell is alone for a while, then starts two programs one after the other
        Process p = new ProcessBuilder("sh", "-c", "sleep 0.3; sleep 0.3; sleep 0.3; exit 0").start();
        try {
            MemoryWatch watch = MemoryWatch.start(p.toHandle());
            assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS));
            MemoryWatch.Peak peak = watch.stop();
            assertEquals(4, peak.processes(), "the shell and its three sleeps: " + peak);
            assertTrue(peak.kib() > 0, peak.toString());
            assertTrue(peak.parentKiB() > 0 && peak.parentKiB() < peak.kib(), peak.toString());
            assertEquals(0, peak.workers(), "a shell's sleeps are no JVM or interpreter: " + peak);
        } finally {
            p.destroyForcibly();
            p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void aSideWithoutFirstPassesShowsADash() {
        Outcome o = pingPong();
        o.add(Side.MP4J, 3, 90);
        o.fail(Side.CPYTHON, "timed out");
        List<String> row = cells(Table.firstPass(List.of(o)).lines().toList().get(2));
        assertEquals(List.of("Pipe ping-pong", "µs", "90.0", "—", "—", "—", "—", "—", "—"), row);
    }

    @Test
    void noFirstPassesNoTable() {
        Outcome o = lock();
        o.add(Side.MP4J, 10);
        o.add(Side.CPYTHON, 20);
        assertEquals("", Table.firstPass(List.of(o)));
        assertEquals("", Table.firstPass(List.of()));
    }

    @Test
    void theMainTableStaysOnTheSteadyStateFigures() {
        Outcome o = pingPong();
        o.add(Side.MP4J, 4, 400);
        o.add(Side.CPYTHON, 20, 21);
        assertEquals(5.0, o.ratio());
        List<String> row = cells(Table.markdown(List.of(o)).lines().toList().get(2));
        assertEquals("4.00", row.get(2));
        assertEquals("5.00", row.get(4));
    }

    @Test
    void theMethodSaysHowManyPassesAndRuns() {
        String full = BenchRunner.method(false, 3);
        assertTrue(full.contains("then times 5 warm-up passes (more, up to 1.0 s of them, where the parent drives"),
                full);
        assertTrue(full.contains("whose children produce a fixed count) and 5 measured passes"), full);
        assertTrue(full.contains("(mp4j, CPython, mp4j, CPython, ...), 3 runs of each."), full);
        assertTrue(full.contains("median of the measured passes"), full);
        String quick = BenchRunner.method(true, 1);
        assertTrue(quick.contains("then times 1 warm-up pass and 2 measured passes"), quick);
        assertTrue(quick.contains(", 1 run of each."), quick);
        assertTrue(quick.contains("the median of the next 2;"), quick);
        assertTrue(full.contains("the median of the next 4;"), full);
    }

    @Test
    void bothSidesRunTheSameNumberOfPasses() throws IOException {
        String py = Files.readString(Path.of("src/main/python/mp4j_bench.py"), StandardCharsets.UTF_8);
        assertEquals(List.of(Mp4jWorkloads.WARMUP, Mp4jWorkloads.MEASURED), pair(py, "WARMUP, MEASURED"));
        assertEquals(List.of(Mp4jWorkloads.QUICK_WARMUP, Mp4jWorkloads.QUICK_MEASURED),
                pair(py, "QUICK_WARMUP, QUICK_MEASURED"));
        Matcher warm = Pattern.compile("(?m)^WARMUP_SECONDS, MAX_WARMUP = ([0-9.]+), (\\d+)$").matcher(py);
        assertTrue(warm.find(), "mp4j_bench.py sets WARMUP_SECONDS, MAX_WARMUP");
        assertEquals(Mp4jWorkloads.WARMUP_SECONDS, Double.parseDouble(warm.group(1)));
        assertEquals(Mp4jWorkloads.MAX_WARMUP, Integer.parseInt(warm.group(2)));
        Matcher rounds = Pattern.compile("(?m)^CPU_ROUNDS = (\\d+)").matcher(py);
        assertTrue(rounds.find(), "mp4j_bench.py sets CPU_ROUNDS");
        assertEquals(Mp4jWorkloads.CPU_ROUNDS, Integer.parseInt(rounds.group(1)));
    }

    private static List<Integer> pair(String source, String names) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(names) + " = (\\d+), (\\d+)$").matcher(source);
        assertTrue(m.find(), "mp4j_bench.py sets " + names);
        return List.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    private static Outcome pingPong() {
        return new Outcome(new Workload("pipe-ping-pong", "Pipe ping-pong", "µs", Direction.LOWER_IS_BETTER,
                Target.timeAtMost(0.7), Duration.ofSeconds(1), "test"));
    }

    private static Outcome lock() {
        return new Outcome(new Workload("lock-contended", "Lock contended", "ms", Direction.LOWER_IS_BETTER,
                null, Duration.ofSeconds(1), "test"));
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.length() - 1);
        return java.util.Arrays.stream(inner.split("(?<!\\\\)\\|")).map(String::strip).toList();
    }
}
