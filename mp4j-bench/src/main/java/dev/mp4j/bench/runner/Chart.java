package dev.mp4j.bench.runner;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * The PNG bar chart: one horizontal bar per workload, from the line at 1.0 to its oriented ratio on a
 * logarithmic axis (so 0.5× and 2× are the same length either way), green when it meets its target, red
 * when it misses, grey for reference figures; a black triangle marks the target ratio.
 *
 * <p>Drawn with java.awt and ImageIO (headless) rather than a plotting library: one kind of chart with a
 * log axis and target marks is about two hundred lines, and the runner's class path stays mp4j and the JDK.
 */
public final class Chart {
    private static final Color PASS = new Color(0x2e, 0x9e, 0x4f);
    private static final Color FAIL = new Color(0xd0, 0x3b, 0x3b);
    private static final Color NEUTRAL = new Color(0x8a, 0x94, 0xa6);
    private static final Color GRID = new Color(0xdd, 0xdd, 0xdd);
    private static final double[] TICKS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100};

    private static final int WIDTH = 1200;
    private static final int LABEL_WIDTH = 380;
    private static final int RIGHT_MARGIN = 70;
    private static final int TOP = 92;
    private static final int ROW = 30;
    private static final int BOTTOM = 70;

    private Chart() {}

    /**
     * Draws the chart into a PNG file.
     *
     * @param outcomes the rows, top to bottom
     * @param subtitle a line under the title (date, machine)
     * @param file where to write it
     * @throws IOException if it cannot be written
     */
    public static void write(List<Outcome> outcomes, String subtitle, Path file) throws IOException {
        BufferedImage image = draw(outcomes, subtitle);
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
    }

    /**
     * @param outcomes the rows, top to bottom
     * @param subtitle a line under the title
     * @return the chart
     */
    static BufferedImage draw(List<Outcome> outcomes, String subtitle) {
        int notes = (int) outcomes.stream()
                .filter(o -> o.workload().target() != null && o.workload().target().kind() == Target.Kind.MP4J_VALUE)
                .count();
        int height = TOP + ROW * Math.max(1, outcomes.size()) + BOTTOM + 18 * notes;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);

            double[] range = range(outcomes);
            Axis axis = new Axis(range[0], range[1], LABEL_WIDTH, WIDTH - RIGHT_MARGIN);
            int plotTop = TOP;
            int plotBottom = TOP + ROW * outcomes.size();

            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
            g.drawString("mp4j vs CPython: ratio per workload (> 1: mp4j better; log scale)", 20, 30);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            g.drawString(subtitle, 20, 52);
            legend(g, 20, 74);

            // grid and ticks
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            FontMetrics fm = g.getFontMetrics();
            for (double t : TICKS) {
                if (t < range[0] || t > range[1]) {
                    continue;
                }
                int x = axis.x(t);
                g.setColor(GRID);
                g.drawLine(x, plotTop, x, plotBottom);
                g.setColor(Color.DARK_GRAY);
                String s = Format.factor(t) + "×";
                g.drawString(s, x - fm.stringWidth(s) / 2, plotBottom + 18);
            }
            g.drawString("ratio (mp4j rate ÷ CPython rate, or CPython time ÷ mp4j time)",
                    LABEL_WIDTH, plotBottom + 40);

            int one = axis.x(1);
            for (int i = 0; i < outcomes.size(); i++) {
                row(g, outcomes.get(i), axis, plotTop + i * ROW, one);
            }

            int noteY = plotBottom + 60;
            g.setColor(Color.DARK_GRAY);
            for (Outcome o : outcomes) {
                Target t = o.workload().target();
                Stats m = o.stats(Outcome.Side.MP4J);
                if (t != null && t.kind() == Target.Kind.MP4J_VALUE) {
                    g.drawString(o.workload().title() + ": the bar compares speed-ups; the target is on mp4j's own ("
                            + t.text() + "): " + (m == null ? "no figure" : Format.value(m.median())), 20, noteY);
                    noteY += 18;
                }
            }

            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(2f));
            g.drawLine(one, plotTop - 4, one, plotBottom + 4);
            return image;
        } finally {
            g.dispose();
        }
    }

    private static void row(Graphics2D g, Outcome o, Axis axis, int top, int one) {
        Workload w = o.workload();
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        FontMetrics fm = g.getFontMetrics();
        int mid = top + ROW / 2;
        g.setColor(Color.BLACK);
        String label = w.title();
        while (fm.stringWidth(label) > LABEL_WIDTH - 30 && label.length() > 4) {
            label = label.substring(0, label.length() - 2);
        }
        g.drawString(label, LABEL_WIDTH - 12 - fm.stringWidth(label), mid + fm.getAscent() / 2 - 2);

        double ratio = o.ratio();
        if (Double.isNaN(ratio)) {
            g.setColor(FAIL);
            g.drawString("failed (see the table)", one + 8, mid + fm.getAscent() / 2 - 2);
        } else {
            int x = axis.x(ratio);
            g.setColor(switch (o.verdict()) {
                case PASS -> PASS;
                case FAIL -> FAIL;
                case UNKNOWN, NO_TARGET -> NEUTRAL;
            });
            int left = Math.min(x, one);
            g.fillRect(left, top + 6, Math.max(2, Math.abs(x - one)), ROW - 12);
            g.setColor(Color.BLACK);
            String s = Format.ratio(ratio) + "×";
            int tx = x >= one ? x + 6 : x - 6 - fm.stringWidth(s);
            if (tx < LABEL_WIDTH + 2) {
                tx = one + 6; // no room left of the bar: write it right of the line at 1
            }
            g.drawString(s, tx, mid + fm.getAscent() / 2 - 2);
        }
        Target t = w.target();
        if (t != null && !Double.isNaN(t.ratioMark())) {
            int tx = axis.x(t.ratioMark());
            g.setColor(Color.BLACK);
            g.fillPolygon(new Polygon(new int[] {tx - 6, tx + 6, tx}, new int[] {top + 1, top + 1, top + 9}, 3));
            g.drawLine(tx, top + 9, tx, top + ROW - 3);
        }
    }

    private static void legend(Graphics2D g, int x, int y) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        Object[][] items = {{PASS, "meets its target"}, {FAIL, "misses its target"}, {NEUTRAL, "no target (reference)"}};
        for (Object[] item : items) {
            g.setColor((Color) item[0]);
            g.fillRect(x, y - 10, 18, 12);
            g.setColor(Color.BLACK);
            g.drawString((String) item[1], x + 24, y);
            x += 24 + fm.stringWidth((String) item[1]) + 24;
        }
        g.fillPolygon(new Polygon(new int[] {x + 3, x + 15, x + 9}, new int[] {y - 10, y - 10, y - 2}, 3));
        g.drawString("target ratio", x + 22, y);
    }

    /** The axis range: every ratio and target mark, padded, widened to at least 0.5–2. */
    static double[] range(List<Outcome> outcomes) {
        double lo = 0.5;
        double hi = 2;
        for (Outcome o : outcomes) {
            double r = o.ratio();
            if (!Double.isNaN(r)) {
                lo = Math.min(lo, r);
                hi = Math.max(hi, r);
            }
            Target t = o.workload().target();
            if (t != null && !Double.isNaN(t.ratioMark())) {
                lo = Math.min(lo, t.ratioMark());
                hi = Math.max(hi, t.ratioMark());
            }
        }
        lo = Math.max(0.001, lo / 1.4);
        hi = Math.min(100, hi * 1.4);
        return new double[] {lo, hi};
    }

    /** A logarithmic axis from lo to hi over pixels x0 to x1; values outside are clamped. */
    private record Axis(double lo, double hi, int x0, int x1) {
        int x(double v) {
            double c = Math.min(hi, Math.max(lo, v));
            double f = (Math.log(c) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
            return (int) Math.round(x0 + f * (x1 - x0));
        }
    }
}
