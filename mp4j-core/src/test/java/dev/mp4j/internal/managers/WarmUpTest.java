package dev.mp4j.internal.managers;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A manager's warm-up names classes as strings and swallows what fails when it runs on its own thread: here
 * each side runs on the test's thread with failures let through, so a renamed class or a changed message form
 * fails a test instead of quietly making the warm-up do nothing.
 */
@Timeout(30)
class WarmUpTest {
    @Test
    void theServersWarmUpRunsThrough() {
        assertDoesNotThrow(() -> WarmUp.of(true).warm());
    }

    @Test
    void theClientsWarmUpRunsThrough() {
        assertDoesNotThrow(() -> WarmUp.of(false).warm());
    }
}
