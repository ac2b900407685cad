package dev.mp4j.bench.runner;

import dev.mp4j.bench.runner.Outcome.Side;
import dev.mp4j.bench.workloads.Mp4jWorkloads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./mp4j bench}: runs every workload on both sides, interleaved (mp4j, CPython, mp4j, CPython ...),
 * each run in a fresh process with a time limit, then prints the table and writes it as Markdown with a
 * PNG chart. A run that fails or times out becomes "failed: reason" in the table; the run goes on.
 */
public final class BenchRunner {
    /** The heading of the document's second table. */
    static final String FIRST_PASS_TITLE = "First pass, second pass and steady state";
    /** The heading of the document's third table. */
    static final String MEMORY_TITLE = "Memory: peak resident set of the program and its children";

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT);

    private final Options options;
    private final Machine machine;
    /** The bench's classes unpacked from its jar, for {@link Catalog#SPAWN_IN_DIRECTORY}; null until made. */
    private Path classesDirectory;

    private BenchRunner(Options options, Machine machine) {
        this.options = options;
        this.machine = machine;
    }

    /**
     * @param args see {@link Options#USAGE}
     * @throws IOException if the results cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path script = Path.of(System.getProperty("mp4j.bench.python", "mp4j-bench/src/main/python/mp4j_bench.py"));
        Path out = Path.of(System.getProperty("mp4j.bench.out", "mp4j-bench/results"));
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.print(Options.USAGE);
            System.out.println("workloads: " + String.join(", ", Catalog.all().stream().map(Workload::name).toList()));
            return;
        }
        Options options;
        try {
            options = Options.parse(args, script, out);
        } catch (IllegalArgumentException e) {
            System.err.println("mp4j bench: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.err.println("workloads: " + String.join(", ", Catalog.all().stream().map(Workload::name).toList()));
            System.exit(2);
            return;
        }
        if (!Files.isRegularFile(options.pythonScript())) {
            System.err.println("mp4j bench: the CPython side is missing: " + options.pythonScript());
            System.exit(2);
        }
        String python = Machine.interpreter(options.python());
        options = new Options(options.reps(), options.only(), options.quick(), options.pythonScript(), python,
                options.out());
        new BenchRunner(options, Machine.describe(python)).runAll();
    }

    private void runAll() throws IOException {
        List<Workload> workloads = Catalog.select(options.only());
        System.out.println("mp4j bench: " + workloads.size() + " workloads × " + options.reps() + " runs of each side"
                + (options.quick() ? " (quick: small sizes)" : ""));
        System.out.println(machine.summary() + " (" + options.python() + ")");
        ZonedDateTime started;
        List<Outcome> outcomes = new ArrayList<>();
        try {
            prime(System.getProperty("java.class.path"));
            if (workloads.stream().anyMatch(w -> w.name().equals(Catalog.SPAWN_IN_DIRECTORY))) {
                try {
                    prime(classPath(Catalog.SPAWN_IN_DIRECTORY));
                } catch (IllegalStateException e) { // its runs fail with the same reason
                    System.out.println("priming with the classes in a directory failed: " + e.getMessage());
                }
            }
            started = ZonedDateTime.now(ZoneOffset.UTC);
            for (Workload w : workloads) {
                outcomes.add(measure(w));
            }
        } finally {
            removeClassesDirectory();
        }
        String table = Table.markdown(outcomes);
        String firstPass = Table.firstPass(outcomes);
        String memory = Table.memory(outcomes);
        System.out.println();
        System.out.print(table);
        if (!firstPass.isEmpty()) {
            System.out.println();
            System.out.println(FIRST_PASS_TITLE + ":");
            System.out.print(firstPass);
        }
        if (!memory.isEmpty()) {
            System.out.println();
            System.out.println(MEMORY_TITLE + ":");
            System.out.print(memory);
        }

        Path dir = options.out();
        Files.createDirectories(dir);
        Path md = dir.resolve(options.outputName() + ".md");
        Path png = dir.resolve(options.outputName() + ".png");
        String subtitle = DATE.format(started) + " · " + machine.oneLine() + " · " + options.reps() + " runs each";
        String chartNote;
        try {
            Chart.write(outcomes, subtitle, png);
            chartNote = "![ratio per workload](" + png.getFileName() + ")\n";
        } catch (IOException | RuntimeException | Error e) {
            // no fonts or no display libraries: keep the table, say why the chart is missing
            chartNote = "(no chart: " + e + ")\n";
            System.err.println("mp4j bench: the chart could not be drawn: " + e);
        }
        Files.writeString(md, document(table, firstPass, memory, started, chartNote), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println("written: " + md + (chartNote.startsWith("!") ? ", " + png : ""));
    }

    private String document(String table, String firstPass, String memory, ZonedDateTime started,
                            String chartNote) {
        return "# mp4j vs CPython, side by side\n\n"
                + "Run " + DATE.format(started) + " by `./mp4j bench"
                + (options.quick() ? " --quick" : "") + " --reps " + options.reps() + "`"
                + (options.quick() ? " (quick: small sizes, a smoke check only)" : "") + ".\n\n"
                + machine.markdown() + "\n"
                + method(options.quick(), options.reps()) + "\n\n"
                + table + "\n" + chartNote
                + (firstPass.isEmpty() ? "" : "\n## " + FIRST_PASS_TITLE + "\n\n"
                        + "The figures of each run's first pass, before any warm-up pass (the pool, child or "
                        + "connection had answered once: a fresh JVM has not compiled anything yet, CPython has "
                        + "no JIT), of its second pass, and the steady state of the first table, each against "
                        + "CPython's same pass. Medians over the runs. Targets (issue 19): second pass ≥ 1×, "
                        + "first pass ≥ 0.5× CPython.\n\n" + firstPass)
                + (memory.isEmpty() ? "" : "\n## " + MEMORY_TITLE + "\n\n"
                        + "Each process's peak resident set (VmHWM of /proc/PID/status, read every "
                        + MemoryWatch.PERIOD.toMillis() + " ms while the run lasts: a process that lives shorter "
                        + "than that may be missed). **All**: the sum over the program and every process below "
                        + "it, and how many there were. **Program**: the program's own process (for mp4j the "
                        + "user's JVM, its heap sized by the JVM's collector). **Per worker**: what all processes but "
                        + "the program held, divided by the number of them that run a JVM or a Python "
                        + "interpreter (workers, children, spares, CPython's resource tracker and forkserver); "
                        + "short-lived helpers such as shells add their memory without counting as workers. "
                        + "Medians over the runs. Target (issue 19): per worker ≤ "
                        + Format.factor(Table.MEMORY_TARGET) + "× CPython's; a workload without a worker on one "
                        + "side has no figure per worker and no verdict. Pages shared between processes count "
                        + "once in each.\n\n" + memory);
    }

    /**
     * @param quick whether the workloads ran with their small sizes
     * @param reps runs of each side per workload
     * @return the paragraph of the document that says how its figures were obtained
     */
    static String method(boolean quick, int reps) {
        int warmup = quick ? Mp4jWorkloads.QUICK_WARMUP : Mp4jWorkloads.WARMUP;
        int measured = quick ? Mp4jWorkloads.QUICK_MEASURED : Mp4jWorkloads.MEASURED;
        return "**Method.** Every run is a fresh process: a new JVM for mp4j, a new python3 for CPython (spawn "
                + "start method unless the workload says forkserver). For each workload the two sides take turns "
                + "(mp4j, CPython, mp4j, CPython, ...), " + reps + (reps == 1 ? " run" : " runs") + " of each. "
                + "Within a run, a "
                + "steady-state workload sets up its pool, children or connection once and has them answer once "
                + "(untimed), then times " + warmup + " warm-up " + passes(warmup)
                + (quick ? "" : " (more, up to " + Mp4jWorkloads.WARMUP_SECONDS + " s of them, where the parent drives "
                        + "the work: not for the queue and pipe workloads, whose children produce a fixed count)")
                + " and " + measured
                + " measured " + passes(measured) + " of the same size with the same processes; the run's "
                + "figure is the median of the measured passes. The process start→join workloads time 1 warm-up "
                + "start and take the median of the next " + (quick ? 2 : 4) + "; lock-contended and shared-array "
                + "time one shot in a fresh process (a cold figure by nature); cpu-scaling runs its tasks once "
                + "untimed on a pool of 1 worker and on a pool of 2, then divides their time on the first by that "
                + "on the second, "
                + (quick ? "once" : Mp4jWorkloads.CPU_ROUNDS + " times over, and takes the median ratio") + ". "
                + "Before all this, one mp4j child is started and the child JVMs' AOT cache trained, for each "
                + "class path the runs use. "
                + "The table gives the median and the range of the "
                + "runs' figures of each side. **Ratio**: mp4j's rate ÷ CPython's, or CPython's time ÷ mp4j's "
                + "— above 1 means mp4j did better. Targets are those of issue 7.";
    }

    private static String passes(int n) {
        return n == 1 ? "pass" : "passes";
    }

    private Outcome measure(Workload w) {
        Outcome o = new Outcome(w);
        System.out.printf(Locale.ROOT, "%n%s (%s)%n", w.name(), w.unit());
        for (int rep = 1; rep <= options.reps(); rep++) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  run %d/%d:", rep, options.reps()));
            for (Side side : Side.values()) {
                // a side that failed its first run is not tried again: it would most likely fail the same way
                if (rep > 1 && o.samples(side).isEmpty()) {
                    continue;
                }
                RunResult r;
                try {
                    r = run(side == Side.MP4J ? mp4jCommand(w) : pythonCommand(w), w.timeout());
                } catch (IllegalStateException e) { // its command could not be made
                    r = RunResult.failed(e.getMessage());
                }
                if (r.failure() == null && w.wholeProgram()) {
                    r = r.wallTime();
                }
                if (r.failure() == null) {
                    o.add(side, r.value(), r.first(), r.second());
                    o.addMemory(side, r.peakKiB(), r.processes(), r.parentKiB(), r.workers());
                    line.append("  ").append(Table.sideName(side)).append(' ').append(Format.value(r.value()));
                    if (!Double.isNaN(r.first())) {
                        line.append(" (first pass ").append(Format.value(r.first())).append(')');
                    }
                } else {
                    o.fail(side, r.failure());
                    line.append("  ").append(Table.sideName(side)).append(" failed: ").append(r.failure());
                }
            }
            System.out.println(line);
        }
        return o;
    }

    /**
     * Lets mp4j train its child JVMs' AOT cache for a class path before anything is timed, as it is once a
     * deployed program has run: the first child of a new class path starts without one and a training JVM
     * runs beside it, which would burden the first runs of the first workloads.
     */
    private void prime(String classPath) {
        System.out.println("priming: a child process, and the AOT cache of child JVMs for this class path"
                + (classPath.equals(System.getProperty("java.class.path")) ? "" : " with its classes in a directory"));
        List<String> cmd = mp4jJvm(classPath);
        cmd.addAll(List.of(Mp4jWorkloads.class.getName(), Mp4jWorkloads.PRIME));
        RunResult r = run(cmd, Duration.ofSeconds(180));
        if (r.failure() != null) {
            System.out.println("priming failed (the runs go on without it): " + r.failure());
        }
    }

    private List<String> mp4jCommand(Workload w) {
        if (w.program() != null) {
            return javaCommand(w, "mp4j");
        }
        List<String> cmd = mp4jJvm(classPath(w.name()));
        cmd.addAll(List.of(Mp4jWorkloads.class.getName(), w.name()));
        if (options.quick()) {
            cmd.add("quick");
        }
        return cmd;
    }

    /**
     * @param classPath the class path of the run
     * @return the JVM and its options for mp4j's side of a workload, and for the priming run: the same options,
     *     since the children's AOT cache is kept per set of inherited options, so priming trains the one the runs use
     */
    private List<String> mp4jJvm(String classPath) {
        return new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath,
                // where mp4j-python's workloads find mp4j_bench.py and the interpreter the CPython side runs
                "-Dmp4j.bench.python=" + options.pythonScript().toAbsolutePath(),
                "-Dmp4j.bench.python.exe=" + options.python()));
    }

    /**
     * @param workload a workload's name
     * @return the class path its mp4j side runs with: this JVM's, with the bench's jar replaced by a directory
     *     of its classes for {@link Catalog#SPAWN_IN_DIRECTORY} (unchanged when the bench runs from a directory)
     */
    private synchronized String classPath(String workload) {
        String classPath = System.getProperty("java.class.path");
        if (!workload.equals(Catalog.SPAWN_IN_DIRECTORY)) {
            return classPath;
        }
        Path jar;
        try {
            jar = Path.of(Mp4jWorkloads.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot tell where the bench's classes come from", e);
        }
        if (Files.isDirectory(jar)) {
            return classPath;
        }
        if (classesDirectory == null) {
            // the hook first: a run interrupted (Ctrl-C) while the jar is unpacked leaves no directory either
            Runtime.getRuntime().addShutdownHook(new Thread(this::removeClassesDirectory, "mp4j-bench-cleanup"));
            try {
                // beside the jar, under the same name every run: the children's AOT cache for this class path is
                // trained once, not once per run with a new name
                Path beside = jar.resolveSibling("mp4j-bench-classes");
                if (Files.isWritable(jar.getParent())) {
                    classesDirectory = beside;
                    removeClassesDirectory(); // a run killed before its end left it
                    classesDirectory = Files.createDirectory(beside);
                } else {
                    classesDirectory = Files.createTempDirectory("mp4j-bench-classes-");
                }
                unpack(jar, classesDirectory);
            } catch (IOException | RuntimeException e) {
                removeClassesDirectory();
                throw new IllegalStateException("cannot unpack " + jar + " into a directory: " + e, e);
            }
        }
        String replaced = replaceEntry(classPath, jar, classesDirectory);
        if (replaced.equals(classPath)) {
            throw new IllegalStateException("the class path does not name " + jar + ": " + classPath);
        }
        return replaced;
    }

    /**
     * @return the class path with each entry that is {@code jar} (the same file, through links too) replaced by
     *     {@code directory}
     */
    static String replaceEntry(String classPath, Path jar, Path directory) {
        List<String> entries = new ArrayList<>();
        for (String e : classPath.split(java.io.File.pathSeparator, -1)) {
            entries.add(!e.isEmpty() && sameFile(Path.of(e), jar) ? directory.toString() : e);
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException notThere) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    /**
     * Copies a jar's entries into a directory, refusing any whose name would leave it.
     *
     * @return the directory
     */
    static Path unpack(Path jar, Path directory) throws IOException {
        Path root = directory.toAbsolutePath().normalize();
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            for (var entries = zip.entries(); entries.hasMoreElements(); ) {
                var entry = entries.nextElement();
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IOException("entry " + entry.getName() + " of " + jar + " leaves " + root);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (var in = zip.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        return directory;
    }

    private synchronized void removeClassesDirectory() {
        if (classesDirectory == null || !Files.exists(classesDirectory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            classesDirectory = null;
            return;
        }
        try (var paths = Files.walk(classesDirectory)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("mp4j bench: could not remove " + classesDirectory + ": " + e);
        }
        classesDirectory = null;
    }

    /**
     * One side of a Java-against-Java workload; Hazelcast's JVMs need sun.misc.Unsafe's memory access.
     *
     * @param side "mp4j" or {@link Workload#BASELINE}
     */
    private List<String> javaCommand(Workload w, String side) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), w.program(), w.name(), side));
        if (options.quick()) {
            cmd.add("quick");
        }
        return cmd;
    }

    private List<String> pythonCommand(Workload w) {
        if (w.program() != null) {
            return javaCommand(w, Workload.BASELINE);
        }
        List<String> cmd = new ArrayList<>(List.of(options.python(), options.pythonScript().toString(), w.name()));
        if (options.quick()) {
            cmd.add("quick");
        }
        return cmd;
    }

    /**
     * A run's figures, or why there are none.
     *
     * @param value the steady-state figure (RESULT), NaN on failure
     * @param first the first pass's figure (FIRST), NaN when the run printed none or failed
     * @param second the second pass's figure (SECOND), NaN when the run printed none or failed
     * @param failure why there is no figure, or null
     * @param wallMillis the run's time from exec to exit, NaN when not known
     * @param peakKiB the sum of the peak resident sets of the run's processes, 0 when not known
     * @param processes how many processes the run had, itself included, 0 when not known
     * @param parentKiB the peak resident set of the run's own process, 0 when not known
     * @param workers how many of the other processes ran a JVM or a Python interpreter
     */
    record RunResult(double value, double first, double second, String failure, double wallMillis, long peakKiB,
                     int processes, long parentKiB, int workers) {
        static RunResult failed(String why) {
            return new RunResult(Double.NaN, Double.NaN, Double.NaN, why, Double.NaN, 0, 0, 0, 0);
        }

        RunResult(double value, double first, double second, String failure) {
            this(value, first, second, failure, Double.NaN, 0, 0, 0, 0);
        }

        /** The same run measured from outside: its time and its memory. */
        RunResult measured(double wall, MemoryWatch.Peak peak) {
            return new RunResult(value, first, second, failure, wall, peak.kib(), peak.processes(),
                    peak.parentKiB(), peak.workers());
        }

        /** The run of a whole-program workload: its figure is its wall time. */
        RunResult wallTime() {
            return new RunResult(wallMillis, Double.NaN, Double.NaN, failure, wallMillis, peakKiB, processes,
                    parentKiB, workers);
        }
    }

    /**
     * Runs one side once: the figures are the last "RESULT x" and "FIRST x" lines of stdout (see
     * {@link #parse}). Past the timeout the process and every process it started are killed.
     */
    static RunResult run(List<String> command, Duration timeout) {
        Path outFile = null;
        Path errFile = null;
        Process p = null;
        MemoryWatch memory = null;
        try {
            outFile = Files.createTempFile("mp4j-bench-", ".out");
            errFile = Files.createTempFile("mp4j-bench-", ".err");
            long t0 = System.nanoTime();
            p = new ProcessBuilder(command)
                    .redirectOutput(outFile.toFile())
                    .redirectError(errFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            memory = MemoryWatch.start(p.toHandle());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(p);
                return RunResult.failed("timed out after " + timeout.toSeconds() + " s");
            }
            double wall = (System.nanoTime() - t0) / 1e6;
            MemoryWatch.Peak peak = memory.stop();
            List<String> out = Files.readAllLines(outFile, StandardCharsets.UTF_8);
            List<String> err = Files.readAllLines(errFile, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                return RunResult.failed("exit " + p.exitValue() + ": " + reason(err));
            }
            return parse(out, err).measured(wall, peak);
        } catch (IOException e) {
            return RunResult.failed("could not run " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(p);
            return RunResult.failed("interrupted");
        } finally {
            if (memory != null) {
                memory.stop();
            }
            deleteQuietly(outFile);
            deleteQuietly(errFile);
        }
    }

    /**
     * @param out a run's stdout lines
     * @param err its stderr lines
     * @return the figure of the last "RESULT x" line and those of the last "FIRST x" and "SECOND x" lines (NaN
     *     when there is none: not every workload has passes to report), or a failure when one of them is not a
     *     positive number or there is no RESULT line
     */
    static RunResult parse(List<String> out, List<String> err) {
        String result = last(out, "RESULT ");
        if (result == null) {
            return RunResult.failed("no RESULT line" + (err.isEmpty() ? "" : ": " + reason(err)));
        }
        String first = last(out, "FIRST ");
        String second = last(out, "SECOND ");
        String bad = figureProblem(result);
        for (String line : new String[] {first, second}) {
            if (bad == null && line != null) {
                bad = figureProblem(line);
            }
        }
        if (bad != null) {
            return RunResult.failed(bad);
        }
        return new RunResult(figure(result), optionalFigure(first), optionalFigure(second), null);
    }

    private static double optionalFigure(String line) {
        return line == null ? Double.NaN : figure(line);
    }

    /** The last line of out that starts with prefix once stripped, stripped; null when there is none. */
    private static String last(List<String> out, String prefix) {
        for (int i = out.size() - 1; i >= 0; i--) {
            String line = out.get(i).strip();
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    private static double figure(String line) {
        return Double.parseDouble(line.substring(line.indexOf(' ') + 1).strip());
    }

    /** Why a "KEY x" line does not hold a positive finite figure, or null when it does. */
    private static String figureProblem(String line) {
        double v;
        try {
            v = figure(line);
        } catch (NumberFormatException e) {
            return "not a number: " + line;
        }
        return Double.isFinite(v) && v > 0 ? null : "not a positive figure: " + line;
    }

    /** The most telling line of a failed run's stderr: the last exception line, else the last line. */
    static String reason(List<String> err) {
        String last = "";
        String exception = null;
        for (String raw : err) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("at ") || line.startsWith("...")) {
                continue;
            }
            last = line;
            if (line.matches("^(Caused by: )?([\\w$]+\\.)*[\\w$]*(Exception|Error)\\b.*")) {
                exception = line;
            }
        }
        String r = exception != null ? exception : last;
        return r.isEmpty() ? "no message" : r;
    }

    private static void killTree(Process p) {
        if (p == null) {
            return;
        }
        List<ProcessHandle> descendants = p.toHandle().descendants().toList();
        p.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
