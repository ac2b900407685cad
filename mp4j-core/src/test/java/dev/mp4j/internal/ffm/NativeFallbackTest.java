package dev.mp4j.internal.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where libc lacks a call: the handle still links, and its first use names the call and the platform; and the
 * polling wait that stands in for timed semaphore waits where libc has none (macOS).
 */
@Timeout(30)
class NativeFallbackTest {
    @Test
    void aMissingCallFailsItsFirstUseNamingItAndThePlatform() {
        MethodHandle h = Libc.downcall("mp4j_no_such_call", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS), Linker.Option.captureCallState("errno"));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> {
                    int unused = (int) h.invokeExact(MemorySegment.NULL, MemorySegment.NULL);
                    assertEquals(0, unused);
                });
        assertTrue(e.getMessage().contains("mp4j_no_such_call") && e.getMessage().contains(System.getProperty("os.name")),
                e.getMessage());
        assertEquals(null, Libc.downcallIfPresent("mp4j_no_such_call", FunctionDescriptor.ofVoid()));
    }

    @Test
    void thePollingWaitTakesAPostedSemaphoreAndTimesOutOnAnEmptyOne() {
        String name = "/mp4j-test-poll-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        Posix.Sem sem = Posix.semCreate(name, 0);
        try {
            assertFalse(Posix.pollSlice(sem, 20_000_000L), "nothing posted");
            Posix.semPost(sem);
            assertTrue(Posix.pollSlice(sem, 20_000_000L));
            assertEquals(0, Posix.semGetValue(sem));
        } finally {
            Posix.semClose(sem);
            Posix.semUnlink(name);
        }
    }
}
