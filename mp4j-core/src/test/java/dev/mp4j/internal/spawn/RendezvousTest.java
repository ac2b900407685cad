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
    void aFifoThatCannotBeMadeFailsTheAdmissionKillsTheChildAndClosesItsStdin() throws Exception {
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
            Path nowhere = Rendezvous.get().dir().resolve("missing-" + System.nanoTime()).resolve("c");
            var connected = Rendezvous.get().admit(new Rendezvous.Slot(nowhere, null), sleeper, stdin,
                    () -> new IOException("it ended"));
            var e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> connected.get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().startsWith("cannot make the FIFO that the child JVM (pid "
                    + sleeper.pid() + ")"), e.getCause().getMessage());
            assertTrue(sleeper.waitFor(30, TimeUnit.SECONDS), "the child waiting for that FIFO was not killed");
            assertTrue(closed.get(), "the stdin that no channel will own was closed");
            assertTrue(Files.notExists(nowhere));
        } finally {
            sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void fifosAreMadeInBatchesThatGrowAndHandedOutInTurn() throws Exception {
        Rendezvous r = Rendezvous.get();
        List<Path> got = new java.util.ArrayList<>();
        for (Path p : r.spares()) { // another test's batch: taken first, in turn
            Rendezvous.Slot s = r.next();
            assertEquals(p, s.path());
            r.make(s);
            got.add(s.path());
        }
        assertEquals(List.of(), r.spares());
        int size = 0;
        for (int batch = 0; batch < 3; batch++) {
            Rendezvous.Slot first = r.next();
            assertTrue(first.ahead() != null, "made by a batch of its own");
            List<Path> rest = r.spares();
            assertTrue(rest.size() + 1 >= Rendezvous.FIRST_BATCH && rest.size() + 1 <= Rendezvous.MOST_BATCH,
                    "a batch of " + (rest.size() + 1));
            assertTrue(rest.size() + 1 >= Math.min(2 * size, Rendezvous.MOST_BATCH), "each batch at least doubles");
            size = rest.size() + 1;
            r.make(first);
            got.add(first.path());
            for (Path p : rest) {
                Rendezvous.Slot s = r.next();
                assertEquals(p, s.path(), "the batch's FIFOs are handed out next");
                assertTrue(s.ahead() == first.ahead(), "made by the same command");
                r.make(s);
                got.add(s.path());
            }
            assertEquals(List.of(), r.spares());
        }
        assertEquals(got.size(), new java.util.HashSet<>(got).size(), "all distinct: " + got);
        for (Path p : got) {
            int mode = (Integer) Files.getAttribute(p, "unix:mode");
            assertEquals(0010000, mode & 0170000, p + " is not a FIFO");
            assertEquals(0600, mode & 0777, p + " is not private");
            r.forget(p);
            assertTrue(Files.notExists(p));
        }
    }

    @Test
    void aSlotOfABatchThatFailedIsMadeByItsTaker() throws Exception {
        Rendezvous r = Rendezvous.get();
        Path p = r.dir().resolve("failed-batch-" + System.nanoTime());
        Rendezvous.Slot s = new Rendezvous.Slot(p, java.util.concurrent.CompletableFuture.failedFuture(
                new IOException("the batch failed")));
        r.make(s);
        try {
            assertEquals(0010000, (Integer) Files.getAttribute(p, "unix:mode") & 0170000, p + " is not a FIFO");
        } finally {
            r.forget(p);
        }
        assertTrue(Files.notExists(p));
    }

    @Test
    void aFifoMadeBeforeItsBatchFailedIsKept() throws Exception {
        // mkfifo goes on after a path it cannot make: a child may be opening one it made, which must stay
        Rendezvous r = Rendezvous.get();
        Path p = r.dir().resolve("kept-" + System.nanoTime());
        r.make(new Rendezvous.Slot(p, null));
        try {
            Object inode = Files.getAttribute(p, "unix:ino");
            r.make(new Rendezvous.Slot(p, java.util.concurrent.CompletableFuture.failedFuture(
                    new IOException("the batch failed"))));
            assertEquals(inode, Files.getAttribute(p, "unix:ino"), "the FIFO was made again");
        } finally {
            r.forget(p);
        }
        assertTrue(Files.notExists(p));
    }

    /** Starts making the rendezvous ahead, waits {@code args[0]} ms, then exits: while it is being made, or after. */
    static final class ExitWhileMaking {
        public static void main(String[] args) throws Exception {
            Thread.ofPlatform().daemon().start(Rendezvous::makeAhead);
            Thread.sleep(Long.parseLong(args[0]));
            System.exit(0);
        }
    }

    @Test
    void aJvmExitingWhileItsRendezvousIsMadeLeavesNothingBehind() throws Exception {
        Path tmp = Files.createTempDirectory("mp4j-exit-test-");
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            for (int delay = 0; delay <= 200; delay += 40) {
                java.lang.Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                        "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                        ExitWhileMaking.class.getName(), Integer.toString(delay))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the program did not exit");
                assertEquals(0, p.exitValue());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                List<Path> left;
                do {
                    Thread.sleep(50); // the tracker removes its own directory once the program has ended
                    try (Stream<Path> files = Files.list(tmp)) {
                        left = files.toList();
                    }
                } while (!left.isEmpty() && System.nanoTime() < deadline);
                assertEquals(List.of(), left, "left by a program that exited after " + delay + " ms");
            }
        } finally {
            try (Stream<Path> files = Files.walk(tmp)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
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
