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
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT);

    private final Options options;
    private final Machine machine;

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
        new BenchRunner(options, Machine.describe(options.python())).runAll();
    }

    private void runAll() throws IOException {
        List<Workload> workloads = Catalog.select(options.only());
        System.out.println("mp4j bench: " + workloads.size() + " workloads × " + options.reps() + " runs of each side"
                + (options.quick() ? " (quick: small sizes)" : ""));
        System.out.println(machine.summary());
        ZonedDateTime started = ZonedDateTime.now(ZoneOffset.UTC);
        List<Outcome> outcomes = new ArrayList<>();
        for (Workload w : workloads) {
            outcomes.add(measure(w));
        }
        String table = Table.markdown(outcomes);
        System.out.println();
        System.out.print(table);

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
        Files.writeString(md, document(table, started, chartNote), StandardCharsets.UTF_8);
        System.out.println();
        System.out.println("written: " + md + (chartNote.startsWith("!") ? ", " + png : ""));
    }

    private String document(String table, ZonedDateTime started, String chartNote) {
        return "# mp4j vs CPython, side by side\n\n"
                + "Run " + DATE.format(started) + " by `./mp4j bench"
                + (options.quick() ? " --quick" : "") + " --reps " + options.reps() + "`"
                + (options.quick() ? " (quick: small sizes, a smoke check only)" : "") + ".\n\n"
                + machine.markdown() + "\n"
                + "Each figure is one run of a fresh JVM (mp4j) or a fresh python3 (CPython, spawn start method "
                + "unless the workload says forkserver); the two sides take turns. Medians of "
                + options.reps() + " runs. **Ratio**: mp4j's rate ÷ CPython's, or CPython's time ÷ mp4j's — "
                + "above 1 means mp4j did better. Targets are those of issue 7.\n\n"
                + table + "\n" + chartNote;
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
                RunResult r = run(side == Side.MP4J ? mp4jCommand(w) : pythonCommand(w), w.timeout());
                if (r.failure() == null) {
                    o.add(side, r.value());
                    line.append("  ").append(Table.sideName(side)).append(' ').append(Format.value(r.value()));
                } else {
                    o.fail(side, r.failure());
                    line.append("  ").append(Table.sideName(side)).append(" failed: ").append(r.failure());
                }
            }
            System.out.println(line);
        }
        return o;
    }

    private List<String> mp4jCommand(Workload w) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                Mp4jWorkloads.class.getName(), w.name()));
        if (options.quick()) {
            cmd.add("quick");
        }
        return cmd;
    }

    private List<String> pythonCommand(Workload w) {
        List<String> cmd = new ArrayList<>(List.of(options.python(), options.pythonScript().toString(), w.name()));
        if (options.quick()) {
            cmd.add("quick");
        }
        return cmd;
    }

    /** A run's figure, or why there is none. */
    record RunResult(double value, String failure) {}

    /**
     * Runs one side once: the figure is the last "RESULT x" line of stdout. Past the timeout the process
     * and every process it started are killed.
     */
    static RunResult run(List<String> command, Duration timeout) {
        Path outFile = null;
        Path errFile = null;
        Process p = null;
        try {
            outFile = Files.createTempFile("mp4j-bench-", ".out");
            errFile = Files.createTempFile("mp4j-bench-", ".err");
            p = new ProcessBuilder(command)
                    .redirectOutput(outFile.toFile())
                    .redirectError(errFile.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killTree(p);
                return new RunResult(Double.NaN, "timed out after " + timeout.toSeconds() + " s");
            }
            List<String> out = Files.readAllLines(outFile, StandardCharsets.UTF_8);
            List<String> err = Files.readAllLines(errFile, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                return new RunResult(Double.NaN, "exit " + p.exitValue() + ": " + reason(err));
            }
            return parse(out, err);
        } catch (IOException e) {
            return new RunResult(Double.NaN, "could not run " + command.getFirst() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(p);
            return new RunResult(Double.NaN, "interrupted");
        } finally {
            deleteQuietly(outFile);
            deleteQuietly(errFile);
        }
    }

    /**
     * @param out a run's stdout lines
     * @param err its stderr lines
     * @return the figure of the last "RESULT x" line, or a failure
     */
    static RunResult parse(List<String> out, List<String> err) {
        for (int i = out.size() - 1; i >= 0; i--) {
            String line = out.get(i).strip();
            if (line.startsWith("RESULT ")) {
                try {
                    double v = Double.parseDouble(line.substring(7).strip());
                    if (!Double.isFinite(v) || v <= 0) {
                        return new RunResult(Double.NaN, "not a positive figure: " + line);
                    }
                    return new RunResult(v, null);
                } catch (NumberFormatException e) {
                    return new RunResult(Double.NaN, "not a number: " + line);
                }
            }
        }
        return new RunResult(Double.NaN, "no RESULT line" + (err.isEmpty() ? "" : ": " + reason(err)));
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
