package dev.mp4j.bench.runner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of the runner: {@code [--reps N] [--only NAME,...] [--quick] [--python-script FILE]
 * [--python EXE] [--out DIR]}.
 *
 * @param reps runs of each side of each workload
 * @param only the workloads to run; empty for all
 * @param quick small sizes and, unless --reps says otherwise, one run of each side
 * @param pythonScript the CPython side, mp4j_bench.py
 * @param python the python executable
 * @param out where latest.md and latest.png (quick.md and quick.png for --quick) go
 */
public record Options(int reps, List<String> only, boolean quick, Path pythonScript, String python, Path out) {
    /** Runs of each side in a full run, when --reps is not given. */
    public static final int DEFAULT_REPS = 5;

    /** The usage text. */
    public static final String USAGE = """
            usage: ./mp4j bench [--reps N] [--only NAME,...] [--quick]
              --reps N        runs of each side of each workload (default 5; 1 with --quick)
              --only A,B      only these workloads (names as listed below)
              --quick         small sizes, one run each: a smoke check, not a measurement
              --python EXE    the CPython to compare with (default python3)
              --out DIR       where the Markdown table and the PNG chart go
            """;

    /**
     * @param args the command line
     * @param defaultScript the CPython side when --python-script is not given
     * @param defaultOut the output folder when --out is not given
     * @return the options
     * @throws IllegalArgumentException naming the bad argument and what was expected
     */
    public static Options parse(String[] args, Path defaultScript, Path defaultOut) {
        Integer reps = null;
        List<String> only = new ArrayList<>();
        boolean quick = false;
        Path script = defaultScript;
        String python = "python3";
        Path out = defaultOut;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> quick = true;
                case "--reps" -> {
                    String v = value(args, ++i, a);
                    try {
                        reps = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--reps takes a whole number, got '" + v + "'", e);
                    }
                    if (reps < 1 || reps > 100) {
                        throw new IllegalArgumentException("--reps must be between 1 and 100, got " + reps);
                    }
                }
                case "--only" -> {
                    for (String n : value(args, ++i, a).split(",")) {
                        if (!n.isBlank()) {
                            only.add(n.strip());
                        }
                    }
                    if (only.isEmpty()) {
                        throw new IllegalArgumentException("--only takes workload names separated by commas");
                    }
                }
                case "--python-script" -> script = Path.of(value(args, ++i, a));
                case "--python" -> python = value(args, ++i, a);
                case "--out" -> out = Path.of(value(args, ++i, a));
                default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
        }
        Catalog.select(only); // unknown names fail here, before anything runs
        return new Options(reps != null ? reps : quick ? 1 : DEFAULT_REPS, List.copyOf(only), quick, script,
                python, out);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    /** @return the base name of the output files: "latest", or "quick" for a smoke run */
    public String outputName() {
        return quick ? "quick" : "latest";
    }
}
