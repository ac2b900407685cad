package dev.mp4j.internal.child;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.pool.WorkerJob;
import dev.mp4j.internal.spawn.JobForm;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.Tags;
import dev.mp4j.multiprocessing.Process;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A process's job travels in a form of its own: a plain process as its fields and target, a subclass of
 * Process whole; a child tells it from a pool worker's by its mark, and refuses anything else.
 */
@Timeout(30)
class ProcessJobTest {
    /** Where a target says it ran (a system property: a lambda here reaches only what is public). */
    private static final String RAN = "mp4j.test.process-job-ran";

    /** A subclass: its instance travels whole, with state of its own. */
    static final class Custom extends Process {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        final String extra = "state of its own";

        @Override
        public void run() {
            System.setProperty(RAN, extra);
        }
    }

    /** A target that is neither a lambda nor a record. */
    static final class Counter implements SerializableRunnable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        @Override
        public void run() {
            System.setProperty(RAN, "counted");
        }
    }

    private static ProcessJob job(SerializableRunnable target, System.Logger.Level level, java.io.Serializable whole) {
        return new ProcessJob(new int[] {3, 1}, "the-name", true, new byte[] {1, 2, 3, -4}, "Parent-7", 4321, level,
                level == null ? null : System.Logger.Level.INFO, "forkserver", target, whole);
    }

    private static ProcessJob roundTrip(ProcessJob job) throws Exception {
        byte[] bytes = job.encode();
        assertEquals(JobForm.PROCESS, bytes[0]);
        return ProcessJob.decode(bytes);
    }

    @Test
    void aPlainProcessArrivesFieldByField() throws Exception {
        String word = "captured";
        ProcessJob got = roundTrip(job(() -> System.setProperty("mp4j.test.process-job-ran", word), System.Logger.Level.DEBUG, null));
        assertArrayEquals(new int[] {3, 1}, got.identity());
        assertEquals("the-name", got.name());
        assertTrue(got.daemon());
        assertArrayEquals(new byte[] {1, 2, 3, -4}, got.authkey());
        assertEquals("Parent-7", got.parentName());
        assertEquals(4321, got.parentPid());
        assertEquals(System.Logger.Level.DEBUG, got.logLevel());
        assertEquals(System.Logger.Level.INFO, got.lifecycleLevel());
        assertEquals("forkserver", got.startMethod());
        assertNull(got.whole());
        System.clearProperty(RAN);
        got.target().run(); // decoded with what it captured
        assertEquals("captured", System.getProperty(RAN));
    }

    @Test
    void noTargetAndNoLogLevelArriveAsNull() throws Exception {
        ProcessJob got = roundTrip(job(null, null, null));
        assertNull(got.target());
        assertNull(got.logLevel());
        assertNull(got.lifecycleLevel());
        assertNull(got.whole());
    }

    @Test
    void theLifecycleLevelIsSetInTheFormAfterwards() throws Exception {
        byte[] form = job(() -> { }, null, null).encode();
        for (System.Logger.Level level : System.Logger.Level.values()) {
            ProcessJob got = ProcessJob.decode(ProcessJob.withLifecycleLevel(form, level));
            assertEquals(level, got.lifecycleLevel());
            assertEquals("the-name", got.name());
            assertEquals("forkserver", got.startMethod());
        }
        assertNull(ProcessJob.decode(ProcessJob.withLifecycleLevel(form, null)).lifecycleLevel());
        byte[] noLevel = Arrays.copyOf(form, form.length + 4); // the name "NOPE" where a level's goes
        noLevel[form.length - 1] = 4;
        System.arraycopy("NOPE".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, noLevel, form.length, 4);
        StreamCorruptedException e = assertThrows(StreamCorruptedException.class, () -> ProcessJob.decode(noLevel));
        assertTrue(e.getMessage().contains("NOPE"), e.getMessage());
        byte[] levelled = job(() -> { }, System.Logger.Level.DEBUG, null).encode();
        assertThrows(IllegalArgumentException.class,
                () -> ProcessJob.withLifecycleLevel(levelled, System.Logger.Level.INFO), "a level set already");
    }

    @Test
    void aTargetOutsideTheFastFormTakesJdkSerialization() throws Exception {
        ProcessJob got = roundTrip(job(new Counter(), null, null));
        System.clearProperty(RAN);
        got.target().run();
        assertEquals("counted", System.getProperty(RAN));
    }

    @Test
    void aSubclassTravelsWholeWithItsState() throws Exception {
        Custom c = new Custom();
        c.setName("custom-name");
        ProcessJob got = roundTrip(job(null, null, c));
        assertNull(got.target());
        Custom back = assertInstanceOf(Custom.class, got.whole());
        assertEquals("custom-name", back.name());
        System.clearProperty(RAN);
        back.run();
        assertEquals("state of its own", System.getProperty(RAN));
    }

    @Test
    void aDamagedFormIsRefusedWithAnIoException() throws Exception {
        byte[] good = job(() -> { }, null, null).encode();
        byte[] mark = good.clone();
        mark[0] = 0x7f;
        assertThrows(StreamCorruptedException.class, () -> ProcessJob.decode(mark));
        byte[] length = good.clone();
        length[1] = (byte) 0x80; // the identity's length, negative
        assertThrows(StreamCorruptedException.class, () -> ProcessJob.decode(length));
        assertThrows(IOException.class, () -> ProcessJob.decode(Arrays.copyOf(good, good.length - 1)));
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(StreamCorruptedException.class, () -> ProcessJob.decode(longer));
        assertThrows(IOException.class, () -> ProcessJob.decode(new byte[] {JobForm.PROCESS}));
    }

    @Test
    void theFormIsWhatTheFormsWriterWritesNonAsciiNamesIncluded() throws Exception {
        String name = "n\u00e4me-\u20ac-\u0000-\ud83d\ude00";
        ProcessJob job = new ProcessJob(new int[] {7, 2, 9}, name, false, new byte[] {9, -1}, "P\u00e4rent", -5L << 40,
                System.Logger.Level.WARNING, null, "spawn", null, null);
        // the layout of JobForm's documentation, written by the JDK's DataOutputStream
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream w = new java.io.DataOutputStream(bytes);
        w.writeByte(JobForm.PROCESS);
        w.writeInt(3);
        w.writeInt(7);
        w.writeInt(2);
        w.writeInt(9);
        w.writeUTF(name);
        w.writeBoolean(false);
        w.writeInt(2);
        w.write(new byte[] {9, -1});
        w.writeUTF("P\u00e4rent");
        w.writeLong(-5L << 40);
        w.writeUTF("WARNING");
        w.writeUTF("spawn");
        w.writeBoolean(false);
        byte[] noTarget = Codec.encode(null);
        w.writeInt(noTarget.length);
        w.write(noTarget);
        w.writeUTF("");
        assertArrayEquals(bytes.toByteArray(), job.encode());
        ProcessJob got = ProcessJob.decode(job.encode());
        assertEquals(name, got.name());
        assertEquals("P\u00e4rent", got.parentName());
        assertEquals(-5L << 40, got.parentPid());
        assertArrayEquals(new int[] {7, 2, 9}, got.identity());
    }

    @Test
    void aTargetThatCapturesStateIsEncodedAfreshEachTime() throws Exception {
        SerializableRunnable stateless = System::gc;
        byte[] first = job(stateless, null, null).encode();
        assertArrayEquals(first, job(stateless, null, null).encode());
        java.util.ArrayList<String> words = new java.util.ArrayList<>(java.util.List.of("one"));
        SerializableRunnable capturing = () -> System.setProperty("mp4j.test.process-job-ran", String.join(",", words));
        job(capturing, null, null).encode();
        words.add("two");
        ProcessJob got = ProcessJob.decode(job(capturing, null, null).encode());
        System.clearProperty(RAN);
        got.target().run();
        assertEquals("one,two", System.getProperty(RAN));
        assertNull(ProcessJob.decode(job(null, null, null).encode()).target());
    }

    @Test
    void anUnknownLogLevelIsRefused() throws Exception {
        byte[] bytes = job(null, System.Logger.Level.INFO, null).encode();
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).replace("INFO", "NOPE");
        byte[] damaged = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        StreamCorruptedException e = assertThrows(StreamCorruptedException.class, () -> ProcessJob.decode(damaged));
        assertTrue(e.getMessage().contains("NOPE"), e.getMessage());
    }

    @Test
    void aChildTellsTheKindOfItsJobByTheFormsMark() throws Exception {
        assertInstanceOf(WorkerJob.class, Jobs.decode(Tags.frame(Tags.JOB, new WorkerJob("w", null).encode())));
        System.clearProperty(RAN);
        // a process's job: decoded into one that becomes the process and runs it (not run here: that would
        // make this JVM the process)
        Jobs.decode(Tags.frame(Tags.JOB, job(() -> System.setProperty("mp4j.test.process-job-ran", "ran"), null, null).encode()));
        assertNull(System.getProperty(RAN), "decoding runs nothing");

        StreamCorruptedException jdk = assertThrows(StreamCorruptedException.class,
                () -> Jobs.decode(Tags.frame(Tags.JOB, Codec.encode(new Custom()))));
        assertTrue(jdk.getMessage().contains("not the form of a job"), jdk.getMessage());
        assertThrows(StreamCorruptedException.class, () -> Jobs.decode(new byte[] {Tags.JOB}));
        IOException notJob = assertThrows(IOException.class,
                () -> Jobs.decode(Tags.frame(Tags.FILTER, new byte[] {JobForm.PROCESS})));
        assertTrue(notJob.getMessage().contains("expected a job"), notJob.getMessage());
    }
}
