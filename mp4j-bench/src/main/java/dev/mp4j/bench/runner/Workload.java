package dev.mp4j.bench.runner;

import java.time.Duration;

/**
 * One side-by-side measurement. Both sides run it under the same name: {@code Mp4jWorkloads NAME} in a
 * fresh JVM and {@code mp4j_bench.py NAME} in a fresh python3, each printing one figure in {@code unit}.
 *
 * @param name the name both sides know it by, and --only takes
 * @param title what the table calls it
 * @param unit the unit of both figures
 * @param direction whether more or less is better
 * @param target the goal, or null for a reference figure without one
 * @param timeout how long one run of one side may take before it is killed
 * @param description what it measures, for the README
 * @param wholeProgram whether the figure is the run's wall time in ms, exec to exit, as the runner sees it
 *     (the program's RESULT line is then only a check that it did its work)
 * @param program null for mp4j against CPython; for a Java-against-Java comparison, the class whose main runs
 *     both sides ({@code PROGRAM NAME mp4j [quick]}, and {@code PROGRAM NAME baseline [quick]} for the other
 *     side, whose figures take CPython's columns)
 */
public record Workload(String name, String title, String unit, Direction direction, Target target,
                       Duration timeout, String description, boolean wholeProgram, String program) {
    /** The side argument of a Java-against-Java workload's other side (see {@code program}). */
    public static final String BASELINE = "baseline";

    /** A workload against CPython. */
    public Workload(String name, String title, String unit, Direction direction, Target target, Duration timeout,
                    String description, boolean wholeProgram) {
        this(name, title, unit, direction, target, timeout, description, wholeProgram, null);
    }

    /** A workload whose program reports its own figure. */
    public Workload(String name, String title, String unit, Direction direction, Target target, Duration timeout,
                    String description) {
        this(name, title, unit, direction, target, timeout, description, false, null);
    }

    /**
     * @throws IllegalArgumentException if a required field is missing
     */
    public Workload {
        if (name == null || !name.matches("[a-z0-9][a-z0-9-]*")) {
            throw new IllegalArgumentException("name must be lower-case words joined by '-', got " + name);
        }
        if (title == null || title.isBlank() || unit == null || unit.isBlank()) {
            throw new IllegalArgumentException("title and unit must be given for " + name);
        }
        if (direction == null) {
            throw new IllegalArgumentException("direction must be given for " + name);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive for " + name + ", got " + timeout);
        }
        if (wholeProgram && (!unit.equals("ms") || direction != Direction.LOWER_IS_BETTER)) {
            throw new IllegalArgumentException("a whole-program workload is timed in ms, lower is better: " + name);
        }
    }
}
