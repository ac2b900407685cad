package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** CPython's {@code lock_tests.BoundedSemaphoreTests}: releases may not pass the initial value. */
abstract class BoundedSemaphoreTests extends BaseSemaphoreTests {
    // test_release_unacquired: cannot go past the initial value
    @Test
    void releaseUnacquired() {
        Semaphore sem = newDefaultSemaphore();
        assertThrows(IllegalStateException.class, sem::release);
        sem.acquire();
        sem.release();
        assertThrows(IllegalStateException.class, sem::release);
        assertEquals(1, sem.value());
    }

    @Test
    void releaseOfManyPastTheBoundChangesNothing() {
        Semaphore sem = newSemaphore(3);
        sem.acquire();
        sem.acquire();
        assertThrows(IllegalStateException.class, () -> sem.release(3));
        assertEquals(1, sem.value());
        sem.release(2);
        assertEquals(3, sem.value());
    }

    @Test
    void concurrentReleasesNeverPassTheBound() {
        int bound = 200;
        Semaphore sem = newSemaphore(bound);
        for (int i = 0; i < bound; i++) {
            sem.acquire();
        }
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        int threads = 4;
        new Bunch(threads, () -> {
            for (int i = 0; i < bound; i++) {
                try {
                    sem.release();
                    ok.incrementAndGet();
                } catch (IllegalStateException e) {
                    refused.incrementAndGet();
                }
            }
        }).waitForFinished();
        assertEquals(bound, ok.get());
        assertEquals((threads - 1) * bound, refused.get());
        assertEquals(bound, sem.value());
    }

    @Test
    void reprFormat() {
        Semaphore sem = newSemaphore(3);
        sem.acquire();
        assertTrue(sem.toString().matches("<BoundedSemaphore at 0x[0-9a-f]+: value=2/3>"), sem.toString());
    }
}
