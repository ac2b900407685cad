package dev.mp4j.bench.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The runner's arithmetic: medians, the orientation of ratios, targets and their verdicts, number formats. */
class RunnerLogicTest {
    private static Workload workload(Direction direction, Target target) {
        return new Workload("w", "W", "µs", direction, target, Duration.ofSeconds(1), "a test workload");
    }

    @Test
    void theMedianOfAnOddCountIsTheMiddleValueAndOfAnEvenCountTheMeanOfTheTwo() {
        Stats odd = Stats.of(List.of(5.0, 1.0, 3.0));
        assertEquals(3.0, odd.median());
        assertEquals(1.0, odd.min());
        assertEquals(5.0, odd.max());
        assertEquals(3, odd.count());
        assertEquals(2.5, Stats.of(List.of(4.0, 1.0, 2.0, 3.0)).median());
        assertThrows(IllegalArgumentException.class, () -> Stats.of(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Stats.of(List.of(1.0, Double.NaN)));
    }

    @Test
    void aRatioAboveOneMeansMp4jDidBetterWhateverTheDirection() {
        assertEquals(2.0, Direction.HIGHER_IS_BETTER.ratio(200, 100)); // twice CPython's rate
        assertEquals(2.0, Direction.LOWER_IS_BETTER.ratio(50, 100)); // half CPython's time
        assertEquals(0.5, Direction.LOWER_IS_BETTER.ratio(200, 100));
        assertThrows(IllegalArgumentException.class, () -> Direction.HIGHER_IS_BETTER.ratio(0, 1));
    }

    @Test
    void aTimeTargetOfHalfCPythonsTimeNeedsARatioOfTwo() {
        Target t = Target.timeAtMost(0.5);
        assertEquals(2.0, t.ratioMark(), 1e-12);
        assertTrue(t.met(2.0, 1));
        assertFalse(t.met(1.9, 1));
        assertFalse(t.met(Double.NaN, 1));
        Target own = Target.mp4jAtLeast(1.8, "speed-up");
        assertTrue(Double.isNaN(own.ratioMark()));
        assertTrue(own.met(Double.NaN, 1.8));
        assertFalse(own.met(10, 1.7));
        assertThrows(IllegalArgumentException.class, () -> Target.rateAtLeast(0));
    }

    @Test
    void anOutcomeJudgesItsTargetFromTheMediansAndSaysWhenItCannot() {
        Outcome o = new Outcome(workload(Direction.LOWER_IS_BETTER, Target.timeAtMost(0.7)));
        assertEquals(Outcome.Verdict.UNKNOWN, o.verdict());
        assertTrue(Double.isNaN(o.ratio()));
        o.add(Outcome.Side.MP4J, 60);
        o.add(Outcome.Side.MP4J, 40);
        o.add(Outcome.Side.MP4J, 50);
        o.fail(Outcome.Side.CPYTHON, "timed out");
        assertEquals(Outcome.Verdict.UNKNOWN, o.verdict(), "no CPython figure: nothing to compare with");
        o.add(Outcome.Side.CPYTHON, 100);
        assertEquals(2.0, o.ratio(), 1e-12);
        assertEquals(Outcome.Verdict.PASS, o.verdict());
        assertEquals(List.of("timed out"), o.failures(Outcome.Side.CPYTHON));
        Outcome slow = new Outcome(workload(Direction.LOWER_IS_BETTER, Target.timeAtMost(0.7)));
        slow.add(Outcome.Side.MP4J, 80);
        slow.add(Outcome.Side.CPYTHON, 100);
        assertEquals(Outcome.Verdict.FAIL, slow.verdict());
        Outcome reference = new Outcome(workload(Direction.HIGHER_IS_BETTER, null));
        assertEquals(Outcome.Verdict.NO_TARGET, reference.verdict());
        assertNull(reference.stats(Outcome.Side.MP4J));
    }

    @Test
    void figuresHaveThreeSignificantDigits() {
        assertEquals("1.23k", Format.value(1234));
        assertEquals("12.3M", Format.value(12_345_678));
        assertEquals("0.0123", Format.value(0.012345));
        assertEquals("2.31", Format.ratio(2.3089));
        assertEquals("0.0123", Format.ratio(0.012345));
        assertEquals("—", Format.ratio(Double.NaN));
        assertEquals("1.5", Format.factor(1.5));
        assertEquals("2", Format.factor(2.0));
    }
}
