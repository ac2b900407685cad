package dev.mp4j.bench.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void oddCountTakesTheMiddleValue() {
        Stats s = Stats.of(List.of(5.0, 1.0, 3.0, 9.0, 2.0));
        assertEquals(3.0, s.median());
        assertEquals(1.0, s.min());
        assertEquals(9.0, s.max());
        assertEquals(5, s.count());
    }

    @Test
    void evenCountAveragesTheTwoMiddleValues() {
        assertEquals(2.5, Stats.of(List.of(4.0, 1.0, 2.0, 3.0)).median());
    }

    @Test
    void oneSampleIsItsOwnMedianMinAndMax() {
        Stats s = Stats.of(List.of(7.5));
        assertEquals(new Stats(7.5, 7.5, 7.5, 1), s);
    }

    @Test
    void rejectsEmptyAndNonFiniteSamples() {
        assertThrows(IllegalArgumentException.class, () -> Stats.of(List.of()));
        var e = assertThrows(IllegalArgumentException.class, () -> Stats.of(List.of(1.0, Double.NaN)));
        assertEquals("samples must be finite, got NaN at index 1", e.getMessage());
    }
}
