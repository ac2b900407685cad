package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.child.ProcessJob;
import dev.mp4j.internal.spawn.Identity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@code start()} sends a child: a plain process as its fields and target, a subclass whole; and the
 * identity a new process takes from the current one, which the current process's object keeps up to date.
 */
@Timeout(30)
class ProcessJobTest {
    /** A subclass: its instance is the job's process. */
    static final class Custom extends Process {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
    }

    @Test
    void aPlainProcessIsSentAsItsFieldsAndTarget() {
        SerializableRunnable target = () -> { };
        Process p = new Process(target, "the-name");
        p.setDaemon(true);
        p.setAuthkey(new byte[] {1, 2, 3, -4});
        Multiprocessing.logToStderr(System.Logger.Level.WARNING);
        ProcessJob job;
        try {
            job = p.job("Parent-7", "forkserver");
        } finally {
            Identity.logLevel(null);
        }
        assertArrayEquals(p.identity(), job.identity());
        assertEquals("the-name", job.name());
        assertTrue(job.daemon());
        assertArrayEquals(new byte[] {1, 2, 3, -4}, job.authkey());
        assertEquals("Parent-7", job.parentName());
        assertEquals(ProcessHandle.current().pid(), job.parentPid());
        assertEquals(System.Logger.Level.WARNING, job.logLevel());
        assertEquals("forkserver", job.startMethod());
        assertSame(target, job.target());
        assertNull(job.whole());
    }

    @Test
    void aSubclassIsSentWhole() {
        Custom c = new Custom();
        ProcessJob job = c.job("P", "spawn");
        assertSame(c, job.whole());
        assertNull(job.target());
        assertEquals(c.name(), job.name());
    }

    @Test
    void aNewProcessTakesItsIdentityFromTheCurrentOneAsItIsNow() {
        Process current = Multiprocessing.currentProcess();
        assertSame(current, Multiprocessing.currentProcess());
        String name = current.name();
        int[] before = new Process(null, null).identity();
        int[] after = new Process(null, null).identity();
        assertEquals(before.length, after.length);
        assertEquals(before[before.length - 1] + 1, after[after.length - 1], "numbered by one counter");
        current.setName("Renamed");
        try {
            assertEquals("Renamed", Identity.current().name(), "the object is what the runtime reads");
            assertFalse(Identity.newChildName("SpawnPoolWorker").isEmpty());
            assertArrayEquals(current.authkey(), new Process(null, null).authkey(), "the authkey is inherited");
        } finally {
            current.setName(name);
        }
    }
}
