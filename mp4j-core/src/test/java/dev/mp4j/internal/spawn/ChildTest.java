package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Tags;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a child's exit hook tells the parent. */
@Timeout(30)
class ChildTest {
    private static byte[] framesSentBy(Child child, ByteArrayOutputStream out) throws IOException {
        child.channel().close();
        FrameChannel reader = new FrameChannel(new ByteArrayInputStream(out.toByteArray()), new ByteArrayOutputStream());
        try {
            return reader.receive(16);
        } catch (java.io.EOFException none) {
            return new byte[0];
        }
    }

    @Test
    void anExitNobodyAnnouncedIsTheProgramsOwn() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Child child = new Child(new FrameChannel(new ByteArrayInputStream(new byte[0]), out), 1, level -> { });
        assertFalse(Child.signalHandlerRunning());
        child.onShutdown();
        assertArrayEquals(new byte[] {Tags.SYSEXIT}, framesSentBy(child, out));
    }

    @Test
    void anExitThatASignalsHandlerRunsIsNotReportedAsTheProgramsOwn() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Child child = new Child(new FrameChannel(new ByteArrayInputStream(new byte[0]), out), 1, level -> { });
        CountDownLatch done = new CountDownLatch(1);
        Thread handler = new Thread(() -> {
            try {
                done.await();
            } catch (InterruptedException e) {
                // the end
            }
        }, "SIGTERM handler"); // as jdk.internal.misc.Signal names the thread that runs the JVM's handler
        handler.start();
        try {
            assertTrue(Child.signalHandlerRunning());
            child.onShutdown();
        } finally {
            done.countDown();
            handler.join();
        }
        assertEquals(0, framesSentBy(child, out).length, "no SYSEXIT: the parent reads 143 as SIGTERM");
    }

    @Test
    void anAnnouncedExitIsReportedOnce() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Child child = new Child(new FrameChannel(new ByteArrayInputStream(new byte[0]), out), 1, level -> { });
        child.reportExit(3);
        child.onShutdown();
        assertArrayEquals(Tags.frame(Tags.EXIT, 3), framesSentBy(child, out));
    }

    @Test
    void anAnnouncedExitLeavesNoHookToStartAtExit() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Child child = new Child(new FrameChannel(new ByteArrayInputStream(new byte[0]), out), 1, level -> { });
        child.reportExitsAtShutdown();
        Thread hook = child.exitHook();
        assertNotNull(hook);
        child.reportExit(0);
        assertNull(child.exitHook());
        assertFalse(Runtime.getRuntime().removeShutdownHook(hook), "removed already");
        assertArrayEquals(Tags.frame(Tags.EXIT, 0), framesSentBy(child, out));
    }
}
