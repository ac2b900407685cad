package dev.mp4j.multiprocessing.apilines;

import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.managers.SyncManager;
import dev.mp4j.threading.Semaphore;
import dev.mp4j.threading.Threading;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * API.md, Completing Python's API: {@code semaphore()} and {@code boundedSemaphore()} take Python's default
 * value 1 on {@code Threading}, every {@code Context}, {@code Multiprocessing} and {@code SyncManager}
 * (CPython's {@code lock_tests} {@code test_default_value} and {@code test_release_unacquired}).
 */
@Timeout(60)
class SemaphoreDefaultsTest {

    static Stream<Context> contexts() {
        return Stream.of(Multiprocessing.getContext("spawn"), Multiprocessing.getContext("forkserver"),
                Multiprocessing.dummy());
    }

    /** A semaphore of value 1: one acquire passes, the next does not, a release restores it. */
    private static void assertValueOne(Semaphore sem) {
        assertEquals(1, sem.value());
        assertTrue(sem.acquire(false));
        assertFalse(sem.acquire(false));
        assertFalse(sem.acquire(Duration.ofMillis(10)));
        sem.release();
        assertEquals(1, sem.value());
    }

    /** A bounded semaphore of value 1: as {@link #assertValueOne}, and a release past 1 is refused. */
    private static void assertBoundedOne(Semaphore sem) {
        assertThrows(IllegalStateException.class, sem::release);
        assertValueOne(sem);
        assertThrows(IllegalStateException.class, sem::release);
        assertEquals(1, sem.value());
    }

    /** An unbounded semaphore of value 1 goes past its initial value on release, as Python's. */
    private static void assertUnboundedOne(Semaphore sem) {
        assertValueOne(sem);
        sem.release();
        assertEquals(2, sem.value());
    }

    @Test
    void threading() {
        assertUnboundedOne(Threading.semaphore());
        assertBoundedOne(Threading.boundedSemaphore());
    }

    @ParameterizedTest
    @MethodSource("contexts")
    void everyContext(Context ctx) {
        assertUnboundedOne(ctx.semaphore());
        assertBoundedOne(ctx.boundedSemaphore());
    }

    @Test
    void multiprocessingOnTheDefaultContext() {
        assertUnboundedOne(Multiprocessing.semaphore());
        assertBoundedOne(Multiprocessing.boundedSemaphore());
    }

    @Test
    void syncManager() {
        try (SyncManager manager = Multiprocessing.manager()) {
            assertUnboundedOne(manager.semaphore());
            assertBoundedOne(manager.boundedSemaphore());
        }
    }
}
