package dev.mp4j.bench.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.bench.runner.Outcome.Side;
import dev.mp4j.bench.runner.Outcome.Verdict;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RatioAndTargetTest {
    @Test
    void aRateRatioIsMp4jOverCpython() {
        assertEquals(2.0, Direction.HIGHER_IS_BETTER.ratio(200, 100));
        assertEquals(0.5, Direction.HIGHER_IS_BETTER.ratio(50, 100));
    }

    @Test
    void aTimeRatioIsCpythonOverMp4jSoThatAboveOneMeansMp4jIsBetter() {
        assertEquals(4.0, Direction.LOWER_IS_BETTER.ratio(25, 100));   // mp4j 4× faster
        assertEquals(0.25, Direction.LOWER_IS_BETTER.ratio(100, 25));  // mp4j 4× slower
    }

    @Test
    void ratiosOfNonPositiveMediansAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Direction.LOWER_IS_BETTER.ratio(0, 1));
        assertThrows(IllegalArgumentException.class, () -> Direction.HIGHER_IS_BETTER.ratio(1, Double.NaN));
    }

    @Test
    void aTimeTargetBecomesTheInverseRatio() {
        Target t = Target.timeAtMost(0.5);
        assertEquals(2.0, t.ratioMark());
        assertEquals("≤ 0.5× CPython's time", t.text());
        assertTrue(t.met(2.0, 1));
        assertFalse(t.met(1.99, 1));
    }

    @Test
    void aRateTargetIsTheRatioItself() {
        Target t = Target.rateAtLeast(1.5);
        assertEquals("≥ 1.5× CPython's rate", t.text());
        assertTrue(t.met(1.5, 1));
        assertFalse(t.met(1.49, 1));
        assertFalse(t.met(Double.NaN, 1));
    }

    @Test
    void aTargetOnMp4jsOwnFigureIgnoresTheRatio() {
        Target t = Target.mp4jAtLeast(1.8, "mp4j speed-up");
        assertTrue(t.met(0.5, 1.85));
        assertFalse(t.met(5, 1.7));
        assertTrue(Double.isNaN(t.ratioMark()));
    }

    @Test
    void verdictsFollowTheOrientedRatio() {
        Outcome latency = outcome(Direction.LOWER_IS_BETTER, Target.timeAtMost(0.5));
        latency.add(Side.MP4J, 40);
        latency.add(Side.CPYTHON, 100);
        assertEquals(2.5, latency.ratio(), 1e-12);
        assertEquals(Verdict.PASS, latency.verdict());

        Outcome rate = outcome(Direction.HIGHER_IS_BETTER, Target.rateAtLeast(2));
        rate.add(Side.MP4J, 150);
        rate.add(Side.CPYTHON, 100);
        assertEquals(Verdict.FAIL, rate.verdict());
    }

    @Test
    void aMissingSideMakesTheVerdictUnknownAndTheRatioNaN() {
        Outcome o = outcome(Direction.HIGHER_IS_BETTER, Target.rateAtLeast(2));
        o.add(Side.MP4J, 150);
        o.fail(Side.CPYTHON, "timed out after 60 s");
        assertTrue(Double.isNaN(o.ratio()));
        assertEquals(Verdict.UNKNOWN, o.verdict());
        assertEquals(Verdict.NO_TARGET, outcome(Direction.HIGHER_IS_BETTER, null).verdict());
    }

    static Outcome outcome(Direction d, Target t) {
        return new Outcome(new Workload("w", "Some workload", "ops/s", d, t, Duration.ofSeconds(1), "test"));
    }
}
