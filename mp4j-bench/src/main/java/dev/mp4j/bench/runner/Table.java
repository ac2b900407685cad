package dev.mp4j.bench.runner;

import dev.mp4j.bench.runner.Outcome.Side;
import dev.mp4j.bench.runner.Outcome.Verdict;

import java.util.ArrayList;
import java.util.List;

/**
 * The results as one Markdown table, its columns padded so that it reads as well in a terminal:
 * workload, unit, both medians, the oriented ratio, both ranges, the target and whether it was met.
 * A side without any figure shows "failed: reason"; runs that failed beside good ones are listed in
 * notes below the table. {@link #firstPass} makes the second, smaller table of first-pass figures.
 */
public final class Table {
    /** The header of the ratio column; it says how the ratio is oriented. */
    public static final String RATIO_HEADER = "Ratio (>1: mp4j better)";

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
        StringBuilder out = new StringBuilder(render(rows, 6));
        if (!notes.isEmpty()) {
            out.append('\n');
            for (String note : notes) {
                out.append("- ").append(note).append('\n');
            }
        }
        return out.toString();
    }

    /**
     * The second, smaller table: the median over runs of each side's first-pass figure (the first pass in a
     * fresh process, before any warm-up: JIT-cold for mp4j) and their ratio, oriented as in the main table.
     * Only workloads that reported a first pass have a row; there are no targets.
     *
     * @param outcomes the workloads' outcomes, in table order
     * @return the table, its lines ending in '\n'; empty when no workload reported a first pass
     */
    public static String firstPass(List<Outcome> outcomes) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Workload", "Unit", "mp4j first pass", "CPython first pass", RATIO_HEADER});
        for (Outcome o : outcomes) {
            if (o.hasFirstPasses()) {
                rows.add(new String[] {o.workload().title(), o.workload().unit(), firstMedian(o, Side.MP4J),
                    firstMedian(o, Side.CPYTHON), Format.ratio(o.firstPassRatio())});
            }
        }
        return rows.size() == 1 ? "" : render(rows, 4);
    }

    private static String firstMedian(Outcome o, Side side) {
        Stats s = o.firstPassStats(side);
        return s == null ? "—" : Format.value(s.median());
    }

    /** Header, rule and rows, padded; columns 2 to lastRight are numbers, aligned right. */
    private static String render(List<String[]> rows, int lastRight) {
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, rows.getFirst(), widths, lastRight);
        String[] rule = new String[widths.length];
        for (int i = 0; i < rule.length; i++) {
            rule[i] = (i >= 2 && i <= lastRight ? "-".repeat(widths[i] - 1) + ":" : "-".repeat(widths[i]));
        }
        line(out, rule, widths, lastRight);
        for (String[] row : rows.subList(1, rows.size())) {
            line(out, row, widths, lastRight);
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

    private static void line(StringBuilder out, String[] row, int[] widths, int lastRight) {
        out.append('|');
        for (int i = 0; i < row.length; i++) {
            String c = row[i];
            int pad = widths[i] - c.codePointCount(0, c.length());
            boolean right = i >= 2 && i <= lastRight;
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
