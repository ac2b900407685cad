package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Tags;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A SIGTERM sent before the child reported SIGTERM's default action in place is sent again once it does
 * (the JVM can lose one that lands while the child swaps its handler); one sent after is sent once.
 */
@Timeout(30)
class ChildJvmTest {
    /** An OS process that counts the SIGTERMs sent to it and has ended with 143. */
    private static final class CountingProcess extends java.lang.Process {
        final AtomicInteger terms = new AtomicInteger();

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() {
            return 143;
        }

        @Override
        public int exitValue() {
            return 143;
        }

        @Override
        public void destroy() {
            terms.incrementAndGet();
        }

        @Override
        public boolean isAlive() {
            return true;
        }

        @Override
        public long pid() {
            return 1;
        }
    }

    private static ChildJvm child(CountingProcess p, byte[]... frames) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        FrameChannel writer = new FrameChannel(InputStream.nullInputStream(), wire);
        for (byte[] f : frames) {
            writer.send(f);
        }
        return new ChildJvm(p, new FrameChannel(new ByteArrayInputStream(wire.toByteArray()),
                OutputStream.nullOutputStream()));
    }

    @Test
    void aSigtermSentBeforeTheDefaultIsInPlaceIsSentAgainWhenTheChildSaysSo() throws IOException {
        CountingProcess p = new CountingProcess();
        ChildJvm child = child(p, new byte[] {Tags.TERM_DEFAULT});
        child.terminate();
        assertEquals(1, p.terms.get());
        assertEquals(-15, child.readUntilExit(frame -> { }));
        assertEquals(2, p.terms.get(), "sent again once the child reported SIGTERM's default in place");
    }

    @Test
    void aSigtermSentAfterIsSentOnce() throws IOException {
        CountingProcess p = new CountingProcess();
        ChildJvm child = child(p, new byte[] {Tags.TERM_DEFAULT});
        assertEquals(-15, child.readUntilExit(frame -> { }));
        child.terminate();
        child.terminate();
        assertEquals(2, p.terms.get(), "one per terminate(), none repeated");
    }

    @Test
    void noSigtermIsSentWhenNoneWasAskedFor() throws IOException {
        CountingProcess p = new CountingProcess();
        ChildJvm child = child(p, new byte[] {Tags.TERM_DEFAULT}, Tags.frame(Tags.EXIT, new byte[] {0, 0, 0, 0}));
        child.readUntilExit(frame -> { });
        assertEquals(0, p.terms.get());
    }

    @Test
    void theExitCodeIsWhatTheChildReportedOrElseTheSignalThatEndedIt() {
        assertEquals(3, ChildJvm.exitCode(143, 3, false), "a reported code stands");
        assertEquals(-15, ChildJvm.exitCode(143, null, false), "128+15 unannounced: SIGTERM");
        assertEquals(-9, ChildJvm.exitCode(137, null, false));
        assertEquals(143, ChildJvm.exitCode(143, null, true), "System.exit(143) announced: no signal");
        assertEquals(200, ChildJvm.exitCode(200, null, false), "beyond any signal's number");
        assertEquals(1, ChildJvm.exitCode(1, null, false));
    }

    @Test
    void theReportedCodeIsKnownOnceReadAndTheEndIsToldAfterTheProcessEnded() throws IOException {
        CountingProcess p = new CountingProcess();
        ChildJvm child = child(p, Tags.frame(Tags.EXIT, 7));
        assertNull(child.reportedExit());
        AtomicInteger told = new AtomicInteger();
        child.whenEnded(told::incrementAndGet);
        assertEquals(7, child.readUntilExit(frame -> { }));
        assertEquals(7, child.reportedExit());
        assertEquals(1, told.get());
    }

    @Test
    void noCodeIsReportedForAnEndWithoutOne() throws IOException {
        CountingProcess p = new CountingProcess();
        ChildJvm child = child(p);
        assertEquals(-15, child.readUntilExit(frame -> { }));
        assertNull(child.reportedExit());
    }

    /** What is to follow a child's job runs once, after the job is written, or when released without one. */
    @Test
    void whatFollowsTheJobRunsOnceItIsSentOrWhenTheChildIsReleasedWithoutOne() throws IOException {
        AtomicInteger ran = new AtomicInteger();
        ChildJvm sent = child(new CountingProcess());
        sent.afterJob(ran::incrementAndGet);
        assertEquals(0, ran.get());
        sent.sendJob(new byte[] {1, 2}, null);
        assertEquals(1, ran.get(), "once the job is written");
        sent.release();
        assertEquals(1, ran.get(), "not again");
        ChildJvm released = child(new CountingProcess());
        released.afterJob(ran::incrementAndGet);
        released.release();
        assertEquals(2, ran.get(), "a child released without a job");
    }

    /** A launched child knows the token its environment carries, as the child's environment reads back. */
    @Test
    void aLaunchedChildKnowsItsTreeTokenWithoutReadingItsEnvironment() throws Exception {
        ChildJvm child = Launch.start(Launch.Spec.defaults(dev.mp4j.internal.child.Bootstrap.class));
        try {
            String known = child.treeToken();
            assertEquals(dev.mp4j.internal.util.ProcessTrees.token(child.process().toHandle()), known);
            org.junit.jupiter.api.Assertions.assertNotNull(known);
        } finally {
            child.process().destroyForcibly();
            child.process().waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            child.release();
        }
    }
}
