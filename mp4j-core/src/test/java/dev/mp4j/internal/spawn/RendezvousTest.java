package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.child.Bootstrap;
import dev.mp4j.internal.wire.FrameChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A child reports back through a FIFO of its own: the parent learns of a child that dies before it opened
 * its FIFO (no thread left waiting in the FIFO's open), of one that is killed while it boots, and no FIFO
 * is left behind either way or after a child that did connect.
 */
@Timeout(120)
class RendezvousTest {
    @Test
    void aChildThatCannotStartIsReportedWithItsExitCodeAndLeavesNoFifo() throws Exception {
        Launch.Booting booting = Launch.begin(Launch.Spec.defaults(Bootstrap.class).withJvmOptions(List.of("-XX:NoSuchJvmOption")));
        assertEndsBeforeConnecting(booting, "exited with code 1 before it connected back");
    }

    @Test
    void aChildKilledWhileBootingIsReportedAndLeavesNoFifo() throws Exception {
        Launch.Booting booting = Launch.begin(Launch.Spec.defaults(Bootstrap.class));
        booting.process().destroyForcibly();
        assertEndsBeforeConnecting(booting, "before it connected back");
    }

    private static void assertEndsBeforeConnecting(Launch.Booting booting, String expected) throws Exception {
        IOException e = assertThrows(IOException.class, booting::await);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertNoFifoLeft();
        assertNoAdmissionWaiting(booting.process().pid());
    }

    @Test
    void aConnectedChildHasRemovedItsFifoAndEndsOnEof() throws Exception {
        ChildJvm child = Launch.start(Launch.Spec.defaults(Bootstrap.class));
        try {
            assertTrue(child.channel().isOpen());
            assertNoFifoLeft();
        } finally {
            child.release(); // its stdin closes: a child waiting for a job ends
        }
        assertTrue(child.process().waitFor(60, TimeUnit.SECONDS), "the child did not end after its stdin closed");
        assertFalse(child.channel().isOpen());
    }

    @Test
    void closingTheParentsEndWakesAReaderBlockedOnTheFifo() throws Exception {
        ChildJvm child = Launch.start(Launch.Spec.defaults(Bootstrap.class));
        FrameChannel channel = child.channel();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                channel.receive(1 << 20);
            } catch (IOException expected) {
                // closed under it
            }
        });
        try {
            Thread.sleep(200); // the reader is in its read of the FIFO (a live child writes nothing unasked)
            assertTrue(reader.isAlive());
            channel.close();
            reader.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(reader.isAlive(), "close() did not wake the reader");
        } finally {
            child.release();
            child.process().destroyForcibly().waitFor(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits until no FIFO is left but the spares, at most 30 s: a child of another test of this JVM (a
     * forkserver spare) may still be booting, its FIFO there until it connects.
     */
    private static void assertNoFifoLeft() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<Path> left;
        do {
            try (Stream<Path> files = Files.list(Rendezvous.get().dir())) {
                List<Path> spares = Rendezvous.get().spares();
                left = files.filter(p -> !spares.contains(p)).toList();
            }
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertEquals(List.of(), left);
    }

    @Test
    void aFifoThatCannotBeOpenedFailsTheAdmissionAndClosesTheChildsStdin() throws Exception {
        java.lang.Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
            java.io.OutputStream stdin = new java.io.OutputStream() {
                @Override
                public void write(int b) {
                    // nothing is written before the channel exists
                }

                @Override
                public void close() {
                    closed.set(true);
                }
            };
            Path missing = Rendezvous.get().dir().resolve("missing-" + System.nanoTime());
            var connected = Rendezvous.get().admit(missing, sleeper, stdin, () -> new IOException("it ended"));
            var e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> connected.get(10, TimeUnit.SECONDS));
            assertInstanceOf(java.nio.file.NoSuchFileException.class, e.getCause());
            assertTrue(closed.get(), "the stdin that no channel will own was closed");
        } finally {
            sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void withoutTheFfmCallAFifoComesWithSparesForTheNextStarts() throws Exception {
        Rendezvous r = Rendezvous.get();
        List<Path> before = r.spares();
        List<Path> got = new java.util.ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            got.add(r.newFifo(false)); // the spares already there first
        }
        assertEquals(before, got);
        assertEquals(List.of(), r.spares());
        Path first = r.newFifo(false);
        List<Path> made = r.spares();
        assertEquals(Rendezvous.SPARES, made.size());
        assertEquals(made, List.of(r.newFifo(true), r.newFifo(true)), "the spares are handed out next");
        Path fresh = r.newFifo(true);
        got.add(first);
        got.addAll(made);
        got.add(fresh);
        assertEquals(got.size(), new java.util.HashSet<>(got).size(), "all distinct: " + got);
        for (Path p : got) {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            assertEquals(0010000, mode & 0170000, p + " is not a FIFO");
            assertEquals(0600, mode & 0777, p + " is not private");
            Rendezvous.forget(p);
            assertTrue(Files.notExists(p));
        }
    }

    private static void assertNoAdmissionWaiting(long pid) throws InterruptedException {
        String name = "mp4j-admit-" + pid;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name))) {
            assertTrue(System.nanoTime() < deadline, name + " is still waiting");
            Thread.sleep(20);
        }
    }
}
