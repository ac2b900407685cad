package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;

/** A forkserver start racing the booting spare against a child booted at once: who goes first, who is kept. */
class SparesRaceTest {
    @Test
    void theFirstReadyIsHandedOverAndTheOtherKept() {
        Spares.Race<String> race = new Spares.Race<>();
        race.arrived("fresh", null);
        assertEquals("fresh", race.first.join());
        assertFalse(race.second.isDone());
        race.arrived("spare", null);
        assertEquals("spare", race.second.join());
    }

    @Test
    void aFailureWaitsForTheOtherAndNeverWinsOverASuccess() {
        IOException boom = new IOException("no JVM");
        Spares.Race<String> race = new Spares.Race<>();
        race.arrived(null, boom);
        assertFalse(race.first.isDone(), "one failure alone decides nothing");
        race.arrived("fresh", null);
        assertEquals("fresh", race.first.join());
        CompletionException e = assertThrows(CompletionException.class, race.second::join);
        assertSame(boom, e.getCause());
    }

    @Test
    void aFailureAfterASuccessFailsOnlyTheSecond() {
        Spares.Race<String> race = new Spares.Race<>();
        race.arrived("spare", null);
        race.arrived(null, new IOException("late"));
        assertEquals("spare", race.first.join());
        assertTrue(race.second.isCompletedExceptionally());
    }

    @Test
    void bothFailingFailsBoth() {
        Spares.Race<String> race = new Spares.Race<>();
        race.arrived(null, new IOException("one"));
        IOException last = new IOException("two");
        race.arrived(null, last);
        assertSame(last, assertThrows(CompletionException.class, race.first::join).getCause());
        assertSame(last, assertThrows(CompletionException.class, race.second::join).getCause());
    }
}
