package dev.mp4j.bench.runner;

import dev.mp4j.bench.runner.Outcome.Side;
import dev.mp4j.bench.runner.Outcome.Verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results as one Markdown table, its columns padded so that it reads as well in a terminal:
 * workload, unit, both medians, the oriented ratio, both ranges, the target and whether it was met.
 * A side without any figure shows "failed: reason"; runs that failed beside good ones are listed in
 * notes below the table. {@link #firstPass} makes the second, smaller table of first-pass figures.
 */
public final class Table {
    /** The header of the ratio column; it says how the ratio is oriented. */
    public static final String RATIO_HEADER = "Ratio (>1: mp4j better)";

    /** The most MiB per worker mp4j may use, as a multiple of CPython's (issue 19). */
    public static final double MEMORY_TARGET = 3;

    private static final int MAX_REASON = 90;

    private Table() {}

    /**
     * @param outcomes the workloads' outcomes, in table order
     * @return the table, its lines ending in '\n', followed by notes on failed runs when there were some
     */
    public static String markdown(List<Outcome> outcomes) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Workload", "Unit", "mp4j median", "CPython median", RATIO_HEADER,
            "mp4j min–max", "CPython min–max", "Target", "Met"});
        List<String> notes = new ArrayList<>();
        for (Outcome o : outcomes) {
            Workload w = o.workload();
            rows.add(new String[] {
                w.title(), w.unit(), median(o, Side.MP4J), median(o, Side.CPYTHON), Format.ratio(o.ratio()),
                range(o, Side.MP4J), range(o, Side.CPYTHON), w.target() == null ? "—" : w.target().text(),
                verdict(o.verdict())});
            for (Side side : Side.values()) {
                if (o.stats(side) != null && !o.failures(side).isEmpty()) {
                    notes.add(w.title() + ", " + sideName(side) + ": " + o.failures(side).size() + " of "
                            + (o.failures(side).size() + o.samples(side).size()) + " runs failed ("
                            + cell(o.failures(side).getFirst()) + ")");
                }
            }
        }
        StringBuilder out = new StringBuilder(render(rows, 2, 6));
        if (!notes.isEmpty()) {
            out.append('\n');
            for (String note : notes) {
                out.append("- ").append(note).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * The second table: the median over runs of each side's first-pass figure (the first pass in a fresh
     * process, before any warm-up: JIT-cold for mp4j), of its second-pass figure, and the ratio of each,
     * oriented as in the main table, with the steady state's ratio beside them. Only workloads that reported
     * a first pass have a row.
     *
     * @param outcomes the workloads' outcomes, in table order
     * @return the table, its lines ending in '\n'; empty when no workload reported a first pass
     */
    public static String firstPass(List<Outcome> outcomes) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Workload", "Unit", "mp4j first pass", "CPython first pass", "Ratio first",
            "mp4j second pass", "CPython second pass", "Ratio second", "Ratio steady"});
        for (Outcome o : outcomes) {
            if (o.hasFirstPasses()) {
                rows.add(new String[] {o.workload().title(), o.workload().unit(),
                    median(o.firstPassStats(Side.MP4J)), median(o.firstPassStats(Side.CPYTHON)),
                    Format.ratio(o.firstPassRatio()),
                    median(o.secondPassStats(Side.MP4J)), median(o.secondPassStats(Side.CPYTHON)),
                    Format.ratio(o.secondPassRatio()), Format.ratio(o.ratio())});
            }
        }
        return rows.size() == 1 ? "" : render(rows, 2, 8);
    }

    /**
     * The third table: for each workload against CPython where both sides' memory was read, medians over runs
     * of the peak of all the run's processes together (with their number), of the program's own process, and
     * of the MiB per worker (with the number of workers), and mp4j's figures as multiples of CPython's: all
     * together, and per worker against {@link #MEMORY_TARGET}. A workload without a worker on either side (one
     * process, a thread pool, a program and a shell) has no per-worker figure and no verdict.
     *
     * @param outcomes the workloads' outcomes, in table order
     * @return the table, its lines ending in '\n'; empty when no memory was read
     */
    public static String memory(List<Outcome> outcomes) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Workload", "mp4j all MiB (processes)", "CPython all MiB (processes)",
            "All (×CPython)", "mp4j program MiB", "CPython program MiB", "mp4j per worker MiB (workers)",
            "CPython per worker MiB (workers)", "Per worker (×CPython)",
            "Met (≤ " + Format.factor(MEMORY_TARGET) + ")"});
        for (Outcome o : outcomes) {
            double all = o.memoryRatio();
            if (Double.isNaN(all) || o.workload().program() != null) { // the targets are against CPython's
                continue;
            }
            double perWorker = o.memoryPerWorkerRatio();
            rows.add(new String[] {o.workload().title(),
                withCount(o.peakMemory(Side.MP4J), o.processes(Side.MP4J)),
                withCount(o.peakMemory(Side.CPYTHON), o.processes(Side.CPYTHON)),
                Format.ratio(all),
                median(o.parentMemory(Side.MP4J)), median(o.parentMemory(Side.CPYTHON)),
                withCount(o.workerMemory(Side.MP4J), o.workers(Side.MP4J)),
                withCount(o.workerMemory(Side.CPYTHON), o.workers(Side.CPYTHON)),
                Double.isNaN(perWorker) ? "—" : Format.ratio(perWorker),
                Double.isNaN(perWorker) ? "—" : perWorker <= MEMORY_TARGET ? "pass" : "FAIL"});
        }
        return rows.size() == 1 ? "" : render(rows, 1, 8);
    }

    /** A median in MiB and, in brackets, the median of a count beside it; "—" when there is none. */
    private static String withCount(Stats mib, Stats count) {
        return mib == null || count == null ? "—" : Format.value(mib.median()) + " (" + count(count.median()) + ")";
    }

    /** A median of counts: whole, or with one decimal when it falls between two runs' counts. */
    private static String count(double median) {
        return median == Math.rint(median) ? Long.toString((long) median) : String.format(Locale.ROOT, "%.1f", median);
    }

    private static String median(Stats s) {
        return s == null ? "—" : Format.value(s.median());
    }

    /** Header, rule and rows, padded; columns firstRight to lastRight are numbers, aligned right. */
    private static String render(List<String[]> rows, int firstRight, int lastRight) {
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, rows.getFirst(), widths, firstRight, lastRight);
        String[] rule = new String[widths.length];
        for (int i = 0; i < rule.length; i++) {
            rule[i] = i >= firstRight && i <= lastRight ? "-".repeat(widths[i] - 1) + ":" : "-".repeat(widths[i]);
        }
        line(out, rule, widths, firstRight, lastRight);
        for (String[] row : rows.subList(1, rows.size())) {
            line(out, row, widths, firstRight, lastRight);
        }
        return out.toString();
    }

    /**
     * @param side a side
     * @return how the table names it
     */
    static String sideName(Side side) {
        return side == Side.MP4J ? "mp4j" : "CPython";
    }

    private static String median(Outcome o, Side side) {
        Stats s = o.stats(side);
        if (s != null) {
            return Format.value(s.median());
        }
        List<String> failures = o.failures(side);
        return "failed: " + (failures.isEmpty() ? "no run" : cell(failures.getFirst()));
    }

    private static String range(Outcome o, Side side) {
        Stats s = o.stats(side);
        return s == null ? "—" : Format.value(s.min()) + "–" + Format.value(s.max());
    }

    private static String verdict(Verdict v) {
        return switch (v) {
            case PASS -> "pass";
            case FAIL -> "FAIL";
            case UNKNOWN -> "?";
            case NO_TARGET -> "—";
        };
    }

    /** One line of text fit for a table cell: no pipes, no line breaks, not too long. */
    static String cell(String text) {
        String s = text == null ? "" : text.replace('\n', ' ').replace('\r', ' ').replace("|", "\\|").strip();
        return s.length() <= MAX_REASON ? s : s.substring(0, MAX_REASON - 1) + "…";
    }

    private static void line(StringBuilder out, String[] row, int[] widths, int firstRight, int lastRight) {
        out.append('|');
        for (int i = 0; i < row.length; i++) {
            String c = row[i];
            int pad = widths[i] - c.codePointCount(0, c.length());
            boolean right = i >= firstRight && i <= lastRight;
            out.append(' ');
            if (right) {
                out.append(" ".repeat(pad)).append(c);
            } else {
                out.append(c).append(" ".repeat(pad));
            }
            out.append(" |");
        }
        out.append('\n');
    }
}
