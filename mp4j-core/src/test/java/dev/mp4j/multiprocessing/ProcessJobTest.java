package dev.mp4j.multiprocessing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableRunnable;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A plain Process travels to its child in a form of its own; a subclass travels whole. */
@Timeout(30)
class ProcessJobTest {
    static final AtomicReference<String> RAN = new AtomicReference<>();

    /** A subclass: its instance is the job's process. */
    static final class Custom extends Process {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        final String extra = "state of its own";

        @Override
        public void run() {
            RAN.set(extra);
        }
    }

    private static ProcessJob.Plain roundTrip(Process p, System.Logger.Level level) throws Exception {
        ProcessJob.Plain job = assertInstanceOf(ProcessJob.Plain.class, ProcessJob.of(p, "Parent-7", 4321, "spawn"));
        job = new ProcessJob.Plain(job.target(), job.identity(), job.name(), job.daemon(), job.authkey(),
                job.parentName(), job.parentPid(), level, job.startMethod());
        byte[] bytes = ProcessJob.encode(job);
        assertEquals(ProcessJob.Plain.MARK, bytes[0]);
        return ProcessJob.Plain.decode(bytes);
    }

    @Test
    void aPlainProcessArrivesFieldByField() throws Exception {
        String word = "captured";
        Process p = new Process(() -> RAN.set(word), "the-name");
        p.setDaemon(true);
        p.setAuthkey(new byte[] {1, 2, 3, -4});
        ProcessJob.Plain got = roundTrip(p, System.Logger.Level.DEBUG);
        assertEquals("the-name", got.name());
        assertTrue(got.daemon());
        assertArrayEquals(new byte[] {1, 2, 3, -4}, got.authkey());
        assertArrayEquals(p.identity(), got.identity());
        assertEquals("Parent-7", got.parentName());
        assertEquals(4321, got.parentPid());
        assertEquals(System.Logger.Level.DEBUG, got.logLevel());
        assertEquals("spawn", got.startMethod());
        Process child = got.process();
        assertEquals("the-name", child.name());
        assertArrayEquals(p.identity(), child.identity());
        RAN.set(null);
        child.run(); // the target, decoded with what it captured
        assertEquals("captured", RAN.get());
    }

    @Test
    void noTargetAndNoLogLevelArriveAsNull() throws Exception {
        ProcessJob.Plain got = roundTrip(new Process(null, null), null);
        assertNull(got.target());
        assertNull(got.logLevel());
        got.process().run(); // runs nothing
    }

    @Test
    void aTargetOutsideTheFastFormTakesJdkSerialization() throws Exception {
        SerializableRunnable target = new Counter(); // a plain serializable class
        ProcessJob.Plain got = roundTrip(new Process(target, "n"), null);
        RAN.set(null);
        got.process().run();
        assertEquals("counted", RAN.get());
    }

    /** A target that is neither a lambda nor a record. */
    static final class Counter implements SerializableRunnable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        @Override
        public void run() {
            RAN.set("counted");
        }
    }

    @Test
    void aSubclassTravelsWhole() throws Exception {
        Custom c = new Custom();
        assertInstanceOf(ProcessJob.class, ProcessJob.of(c, "Parent", 1, "spawn"));
        byte[] bytes = ProcessJob.encode(ProcessJob.of(c, "Parent", 1, "spawn"));
        assertEquals((byte) 0xAC, bytes[0], "JDK serialization");
    }

    @Test
    void aDamagedFormIsRefusedWithAnIoException() throws Exception {
        byte[] good = ProcessJob.encode(ProcessJob.of(new Process(() -> { }, "x"), "P", 1, "spawn"));
        byte[] mark = good.clone();
        mark[0] = 0x7f;
        assertThrows(StreamCorruptedException.class, () -> ProcessJob.Plain.decode(mark));
        byte[] length = good.clone();
        length[1] = (byte) 0x80; // the identity's length, negative
        assertThrows(StreamCorruptedException.class, () -> ProcessJob.Plain.decode(length));
        assertThrows(IOException.class, () -> ProcessJob.Plain.decode(Arrays.copyOf(good, good.length - 1)));
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(StreamCorruptedException.class, () -> ProcessJob.Plain.decode(longer));
        assertThrows(IOException.class, () -> ProcessJob.Plain.decode(new byte[] {ProcessJob.Plain.MARK}));
    }

    @Test
    void anUnknownLogLevelIsRefused() throws Exception {
        ProcessJob.Plain job = (ProcessJob.Plain) ProcessJob.of(new Process(null, "x"), "P", 1, "spawn");
        byte[] bytes = new ProcessJob.Plain(null, job.identity(), "x", false, job.authkey(), "P", 1,
                System.Logger.Level.INFO, "spawn").encode();
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).replace("INFO", "NOPE");
        byte[] damaged = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        StreamCorruptedException e = assertThrows(StreamCorruptedException.class,
                () -> ProcessJob.Plain.decode(damaged));
        assertTrue(e.getMessage().contains("NOPE"), e.getMessage());
    }
}
