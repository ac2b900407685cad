package dev.mp4j.bench.runner;

import java.util.ArrayList;
import java.util.List;

/**
 * The samples gathered for one workload, one per run of each side (the run's steady-state figure, and the
 * figure of its first pass when it printed one), and the reasons of the runs that failed. Not thread-safe:
 * the runner fills it from one thread.
 */
public final class Outcome {
    private final Workload workload;
    private final List<Double> mp4j = new ArrayList<>();
    private final List<Double> cpython = new ArrayList<>();
    private final List<Double> mp4jFirst = new ArrayList<>();
    private final List<Double> cpythonFirst = new ArrayList<>();
    private final List<Double> mp4jSecond = new ArrayList<>();
    private final List<Double> cpythonSecond = new ArrayList<>();
    private final List<Double> mp4jPeakMiB = new ArrayList<>();
    private final List<Double> cpythonPeakMiB = new ArrayList<>();
    private final List<Double> mp4jProcesses = new ArrayList<>();
    private final List<Double> cpythonProcesses = new ArrayList<>();
    private final List<Double> mp4jParentMiB = new ArrayList<>();
    private final List<Double> cpythonParentMiB = new ArrayList<>();
    private final List<Double> mp4jWorkerMiB = new ArrayList<>();
    private final List<Double> cpythonWorkerMiB = new ArrayList<>();
    private final List<Double> mp4jWorkers = new ArrayList<>();
    private final List<Double> cpythonWorkers = new ArrayList<>();
    private final List<String> mp4jFailures = new ArrayList<>();
    private final List<String> cpythonFailures = new ArrayList<>();

    /** @param workload what was measured */
    public Outcome(Workload workload) {
        this.workload = workload;
    }

    /** @return what was measured */
    public Workload workload() {
        return workload;
    }

    /**
     * @param side which side ran
     * @param value its figure
     */
    public void add(Side side, double value) {
        add(side, value, Double.NaN);
    }

    /**
     * @param side which side ran
     * @param value its steady-state figure
     * @param first the figure of its first pass, NaN when the run printed none
     */
    public void add(Side side, double value, double first) {
        add(side, value, first, Double.NaN);
    }

    /**
     * @param side which side ran
     * @param value its steady-state figure
     * @param first the figure of its first pass, NaN when the run printed none
     * @param second the figure of its second pass, NaN when the run printed none
     */
    public void add(Side side, double value, double first, double second) {
        (side == Side.MP4J ? mp4j : cpython).add(value);
        if (!Double.isNaN(first)) {
            (side == Side.MP4J ? mp4jFirst : cpythonFirst).add(first);
        }
        if (!Double.isNaN(second)) {
            (side == Side.MP4J ? mp4jSecond : cpythonSecond).add(second);
        }
    }

    /**
     * @param side which side ran
     * @param peakKiB the sum of its processes' peak resident sets; 0 when not known (nothing is kept)
     * @param processes how many processes it had
     * @param parentKiB the peak of the run's own process
     * @param workers how many of its other processes ran a JVM or a Python interpreter; when none, the run
     *     gives no figure per worker
     */
    public void addMemory(Side side, long peakKiB, int processes, long parentKiB, int workers) {
        if (peakKiB <= 0 || processes <= 0) {
            return;
        }
        boolean m = side == Side.MP4J;
        (m ? mp4jPeakMiB : cpythonPeakMiB).add(peakKiB / 1024.0);
        (m ? mp4jProcesses : cpythonProcesses).add((double) processes);
        (m ? mp4jParentMiB : cpythonParentMiB).add(parentKiB / 1024.0);
        if (workers > 0) {
            (m ? mp4jWorkerMiB : cpythonWorkerMiB).add((peakKiB - parentKiB) / 1024.0 / workers);
            (m ? mp4jWorkers : cpythonWorkers).add((double) workers);
        }
    }

    /**
     * @param side a side
     * @return the summary of its runs' peak memory in MiB, all processes together, or null when none was read
     */
    public Stats peakMemory(Side side) {
        return statsOf(side == Side.MP4J ? mp4jPeakMiB : cpythonPeakMiB);
    }

    /**
     * @param side a side
     * @return the summary of how many processes its runs had, or null when none was read
     */
    public Stats processes(Side side) {
        return statsOf(side == Side.MP4J ? mp4jProcesses : cpythonProcesses);
    }

    /**
     * @param side a side
     * @return the summary of the peak in MiB of its runs' own processes (the program the user started), or
     *     null when none was read
     */
    public Stats parentMemory(Side side) {
        return statsOf(side == Side.MP4J ? mp4jParentMiB : cpythonParentMiB);
    }

    /**
     * @param side a side
     * @return the summary of its runs' MiB per worker (what all processes but the run's own held, over the
     *     number of them that ran a JVM or an interpreter), or null when no run had a worker
     */
    public Stats workerMemory(Side side) {
        return statsOf(side == Side.MP4J ? mp4jWorkerMiB : cpythonWorkerMiB);
    }

    /**
     * @param side a side
     * @return the summary of how many workers its runs had, or null when no run had one
     */
    public Stats workers(Side side) {
        return statsOf(side == Side.MP4J ? mp4jWorkers : cpythonWorkers);
    }

    private static Stats statsOf(List<Double> xs) {
        return xs.isEmpty() ? null : Stats.of(xs);
    }

    /**
     * @return mp4j's median peak of all its processes together over CPython's (below 1: mp4j used less), NaN
     *     when a side has no reading
     */
    public double memoryRatio() {
        return plainRatio(peakMemory(Side.MP4J), peakMemory(Side.CPYTHON));
    }

    /**
     * @return mp4j's median MiB per worker over CPython's (below 1: mp4j used less), NaN when a side had no
     *     worker
     */
    public double memoryPerWorkerRatio() {
        return plainRatio(workerMemory(Side.MP4J), workerMemory(Side.CPYTHON));
    }

    private static double plainRatio(Stats mp4j, Stats cpython) {
        return mp4j == null || cpython == null ? Double.NaN : mp4j.median() / cpython.median();
    }

    /**
     * @param side a side
     * @return the summary of its second-pass figures, or null when it has none
     */
    public Stats secondPassStats(Side side) {
        return statsOf(side == Side.MP4J ? mp4jSecond : cpythonSecond);
    }

    /**
     * @return the oriented ratio of the second-pass medians (above 1: mp4j did better), NaN when a side has no
     *     second-pass figure
     */
    public double secondPassRatio() {
        return orientedRatio(secondPassStats(Side.MP4J), secondPassStats(Side.CPYTHON));
    }

    /**
     * @param side which side ran
     * @param reason why it gave no figure
     */
    public void fail(Side side, String reason) {
        (side == Side.MP4J ? mp4jFailures : cpythonFailures).add(reason);
    }

    /**
     * @param side a side
     * @return its figures, in the order they were taken
     */
    public List<Double> samples(Side side) {
        return List.copyOf(side == Side.MP4J ? mp4j : cpython);
    }

    /**
     * @param side a side
     * @return the first-pass figures of its runs that printed one, in the order they were taken
     */
    public List<Double> firstPasses(Side side) {
        return List.copyOf(side == Side.MP4J ? mp4jFirst : cpythonFirst);
    }

    /** @return whether a run of either side printed a first-pass figure */
    public boolean hasFirstPasses() {
        return !mp4jFirst.isEmpty() || !cpythonFirst.isEmpty();
    }

    /**
     * @param side a side
     * @return the summary of its first-pass figures, or null when it has none
     */
    public Stats firstPassStats(Side side) {
        return statsOf(side == Side.MP4J ? mp4jFirst : cpythonFirst);
    }

    /**
     * @return the oriented ratio of the first-pass medians (above 1: mp4j did better), NaN when a side has
     *     no first-pass figure
     */
    public double firstPassRatio() {
        return orientedRatio(firstPassStats(Side.MP4J), firstPassStats(Side.CPYTHON));
    }

    /**
     * @param side a side
     * @return the reasons its failed runs gave, in order
     */
    public List<String> failures(Side side) {
        return List.copyOf(side == Side.MP4J ? mp4jFailures : cpythonFailures);
    }

    /**
     * @param side a side
     * @return its summary, or null when it has no figure
     */
    public Stats stats(Side side) {
        return statsOf(side == Side.MP4J ? mp4j : cpython);
    }

    /** @return the oriented ratio of the medians (above 1: mp4j did better), NaN when a side has no figure */
    public double ratio() {
        return orientedRatio(stats(Side.MP4J), stats(Side.CPYTHON));
    }

    private double orientedRatio(Stats m, Stats c) {
        if (m == null || c == null || !(m.median() > 0) || !(c.median() > 0)) {
            return Double.NaN;
        }
        return workload.direction().ratio(m.median(), c.median());
    }

    /** @return the verdict on the workload's target */
    public Verdict verdict() {
        Target t = workload.target();
        if (t == null) {
            return Verdict.NO_TARGET;
        }
        Stats m = stats(Side.MP4J);
        if (m == null || (t.kind() == Target.Kind.RATIO && stats(Side.CPYTHON) == null)) {
            return Verdict.UNKNOWN;
        }
        return t.met(ratio(), m.median()) ? Verdict.PASS : Verdict.FAIL;
    }

    /** The two sides of a comparison. */
    public enum Side {
        /** The Java program on mp4j. */
        MP4J,
        /** The python3 program on multiprocessing / concurrent.futures. */
        CPYTHON
    }

    /** Whether a workload met its target. */
    public enum Verdict {
        /** Met. */
        PASS,
        /** Missed. */
        FAIL,
        /** A side needed for the check has no figure. */
        UNKNOWN,
        /** A reference figure without a target. */
        NO_TARGET
    }
}
