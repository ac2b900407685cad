package dev.mp4j.bench.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.bench.runner.Outcome.Side;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void formatsThreeSignificantDigitsWithSuffixes() {
        assertEquals("0.0123", Format.value(0.012345));
        assertEquals("1.20", Format.value(1.2));
        assertEquals("12.3", Format.value(12.34));
        assertEquals("123", Format.value(123.4));
        assertEquals("25.0", Format.value(25));
        assertEquals("100", Format.value(100));
        assertEquals("1.23k", Format.value(1234));
        assertEquals("1.00k", Format.value(999.7));
        assertEquals("3.91M", Format.value(3_912_345));
        assertEquals("2.31", Format.ratio(2.3149));
        assertEquals("0.0555", Format.ratio(0.05554));
        assertEquals("—", Format.ratio(Double.NaN));
        assertEquals("0.3", Format.factor(0.3));
        assertEquals("2", Format.factor(2.0));
    }

    @Test
    void aRowHasBothMediansTheOrientedRatioRangesAndTheVerdict() {
        Outcome o = new Outcome(new Workload("pipe-ping-pong", "Pipe ping-pong", "µs", Direction.LOWER_IS_BETTER,
                Target.timeAtMost(0.7), Duration.ofSeconds(1), "test"));
        o.add(Side.MP4J, 30);
        o.add(Side.CPYTHON, 42);
        o.add(Side.MP4J, 20);
        o.add(Side.CPYTHON, 40);
        o.add(Side.MP4J, 25);
        o.add(Side.CPYTHON, 44);
        List<String> lines = Table.markdown(List.of(o)).lines().toList();
        assertEquals(3, lines.size());
        assertTrue(lines.get(0).contains("| " + Table.RATIO_HEADER + " |"), lines.get(0));
        assertTrue(lines.get(1).matches("\\|( -+:? \\|)+"), lines.get(1));
        List<String> cells = cells(lines.get(2));
        assertEquals(List.of("Pipe ping-pong", "µs", "25.0", "42.0", "1.68", "20.0–30.0", "40.0–44.0",
                "≤ 0.7× CPython's time", "pass"), cells);
    }

    @Test
    void aSideWithoutFiguresShowsItsFailureAndPartialFailuresBecomeNotes() {
        Outcome broken = new Outcome(new Workload("queue-small", "Queue small", "msgs/s", Direction.HIGHER_IS_BETTER,
                Target.rateAtLeast(2), Duration.ofSeconds(1), "test"));
        broken.add(Side.CPYTHON, 100);
        broken.fail(Side.MP4J, "exit 1: java.lang.IllegalStateException: a | b");
        Outcome flaky = new Outcome(new Workload("pool-imap", "Imap", "tasks/s", Direction.HIGHER_IS_BETTER,
                null, Duration.ofSeconds(1), "test"));
        flaky.add(Side.MP4J, 10);
        flaky.fail(Side.MP4J, "timed out after 60 s");
        flaky.add(Side.CPYTHON, 5);
        String table = Table.markdown(List.of(broken, flaky));
        List<String> lines = table.lines().toList();
        List<String> row = cells(lines.get(2));
        assertEquals("failed: exit 1: java.lang.IllegalStateException: a \\| b", row.get(2));
        assertEquals("—", row.get(4));
        assertEquals("?", row.get(8));
        List<String> flakyRow = cells(lines.get(3));
        assertEquals("2.00", flakyRow.get(4));
        assertEquals("—", flakyRow.get(8));
        assertTrue(table.contains("- Imap, mp4j: 1 of 2 runs failed (timed out after 60 s)"), table);
    }

    @Test
    void everyLineOfTheTableHasTheSameWidth() {
        Outcome o = RatioAndTargetTest.outcome(Direction.HIGHER_IS_BETTER, null);
        o.add(Side.MP4J, 1_234_567);
        o.add(Side.CPYTHON, 3);
        List<String> lines = Table.markdown(List.of(o)).lines().toList();
        assertEquals(lines.get(0).codePointCount(0, lines.get(0).length()),
                lines.get(2).codePointCount(0, lines.get(2).length()));
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.length() - 1);
        return java.util.Arrays.stream(inner.split("(?<!\\\\)\\|")).map(String::strip).toList();
    }
}
