package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** CPython's {@code lock_tests.SemaphoreTests}: unbounded semaphores. */
abstract class SemaphoreTests extends BaseSemaphoreTests {
    // test_release_unacquired: unbounded releases are allowed and increment the value
    @Test
    void releaseUnacquired() {
        Semaphore sem = newSemaphore(1);
        sem.release();
        assertEquals(2, sem.value());
        sem.acquire();
        sem.acquire();
        sem.release();
        sem.release(5);
        assertEquals(6, sem.value());
    }

    @Test
    void reprFormat() {
        Semaphore sem = newSemaphore(1);
        assertTrue(sem.toString().matches("<Semaphore at 0x[0-9a-f]+: value=1>"), sem.toString());
    }
}
