package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.shared.SharedObjects;
import java.io.IOException;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Process.onExit(), and a killed or terminated process taking its descendants with it, whether mp4j or someone
 * else killed it.
 */
@Timeout(90)
class ProcessExitAndDescendantsTest {
    static void startSleeperAndWait(SharedInt sleeper) {
        try {
            java.lang.Process p = new ProcessBuilder("sleep", "300").start();
            sleeper.set((int) p.pid());
            Thread.sleep(300_000);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    static void awaitNonZero(SharedInt v) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (v.get() == 0) {
            assertTrue(System.nanoTime() < deadline, "the child did not start its own child in time");
            Thread.sleep(10);
        }
    }

    static void assertEnds(long pid) {
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(20, TimeUnit.SECONDS).join());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " is alive");
    }

    @Test
    void onExitCompletesWithTheProcessOnceItEnded() {
        Process p = new Process(() -> { });
        assertThrows(IllegalStateException.class, p::onExit);
        p.start();
        assertSame(p, p.onExit().orTimeout(60, TimeUnit.SECONDS).join());
        assertEquals(OptionalInt.of(0), p.exitCode());
        p.close();
        assertThrows(IllegalStateException.class, p::onExit);
    }

    /** How the child with a descendant ends. */
    private enum End { KILL, TERMINATE, FROM_OUTSIDE }

    @Test
    void killTakesTheDescendantsWithIt() throws Exception {
        endTakesTheDescendants(End.KILL, -9);
    }

    @Test
    void terminateTakesTheDescendantsWithIt() throws Exception {
        endTakesTheDescendants(End.TERMINATE, -15);
    }

    /** A child killed by someone else: its parent notices the death and kills what the child had started. */
    @Test
    void aChildKilledFromOutsideTakesItsDescendantsWhenItsDeathIsNoticed() throws Exception {
        endTakesTheDescendants(End.FROM_OUTSIDE, -9);
    }

    private static void endTakesTheDescendants(End end, int code) throws Exception {
        SharedInt sleeper = Multiprocessing.sharedInt(0);
        Process p = new Process(() -> startSleeperAndWait(sleeper));
        try {
            p.start();
            awaitNonZero(sleeper);
            switch (end) {
                case KILL -> p.kill();
                case TERMINATE -> p.terminate();
                case FROM_OUTSIDE -> assertTrue(ProcessHandle.of(p.pid().orElseThrow()).orElseThrow().destroyForcibly());
            }
            p.onExit().orTimeout(60, TimeUnit.SECONDS).join();
            assertEquals(OptionalInt.of(code), p.exitCode());
            assertEnds(sleeper.get());
        } finally {
            if (p.isAlive()) {
                p.kill();
                p.join();
            }
            p.close();
            SharedObjects.release(sleeper);
        }
    }
}
