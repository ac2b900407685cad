package dev.mp4j.internal.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The named semaphores' calls, and their linking: when a semaphore is first used (in a fresh JVM, by one
 * thread however many race for it), and ahead by {@link Posix#linkAhead}.
 */
@Timeout(60)
class PosixTest {
    private static String name() {
        return "/mp4j-test-posix-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    @Test
    void aSemaphoreIsCreatedPostedTakenWaitedOnClosedAndUnlinked() {
        String name = name();
        Posix.Sem sem = Posix.semCreate(name, 1);
        try {
            assertEquals(1, Posix.semGetValue(sem));
            assertTrue(Posix.semTryWait(sem));
            assertFalse(Posix.semTryWait(sem), "its value is 0");
            assertFalse(Posix.semWaitSlice(sem, 5_000_000L), "nothing posted: the slice runs out");
            Posix.Sem other = Posix.semAttach(name);
            try {
                Posix.semPost(other);
                assertEquals(1, Posix.semGetValue(sem), "one semaphore, two handles");
                assertTrue(Posix.semWaitSlice(sem, 5_000_000L));
                assertFalse(Posix.semWaitSlice(sem, 0), "0: it only tries");
            } finally {
                Posix.semClose(other);
            }
        } finally {
            Posix.semClose(sem);
            assertTrue(Posix.semUnlink(name));
        }
        assertFalse(Posix.semUnlink(name), "unlinked already");
        assertTrue(SemFile.USABLE || Linked.semaphores());
    }

    @Test
    void theErrorsNameTheSemaphoreAndWhy() {
        String name = name();
        UncheckedIOException missing = assertThrows(UncheckedIOException.class, () -> Posix.semAttach(name));
        assertTrue(missing.getMessage().contains(name) && missing.getMessage().contains("no such semaphore"),
                missing.getMessage());
        Posix.Sem sem = Posix.semCreate(name, 0);
        try {
            UncheckedIOException exists = assertThrows(UncheckedIOException.class, () -> Posix.semCreate(name, 0));
            assertTrue(exists.getMessage().contains("it exists already"), exists.getMessage());
        } finally {
            Posix.semClose(sem);
            Posix.semUnlink(name);
        }
    }

    @Test
    void threadsPostingAndWaitingAtOnceEachTakeOnePost() throws Exception {
        String name = name();
        Posix.Sem sem = Posix.semCreate(name, 0);
        List<Thread> threads = new ArrayList<>();
        AtomicInteger taken = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        try {
            for (int i = 0; i < 8; i++) {
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        Posix.semPost(sem);
                        while (!Posix.semWaitSlice(sem, 1_000_000L)) {
                            Thread.onSpinWait();
                        }
                        taken.incrementAndGet();
                    } catch (InterruptedException | RuntimeException e) {
                        failed.incrementAndGet();
                    }
                });
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertFalse(t.isAlive());
            }
            assertEquals(0, failed.get());
            assertEquals(8, taken.get(), "each post taken once");
            assertEquals(0, Posix.semGetValue(sem));
        } finally {
            Posix.semClose(sem);
            Posix.semUnlink(name);
        }
    }

    /**
     * What a fresh JVM that opens, posts, tries, reads, waits a slice out, closes and unlinks links: nothing
     * where the semaphores are files it maps (glibc), all the calls at once elsewhere.
     */
    @Test
    void aFreshJvmLinksTheCallsTogetherOrNotAtAll() throws Exception {
        List<String> loaded = fresh("use");
        assertEquals(!SemFile.USABLE, loaded.contains("dev.mp4j.internal.ffm.Posix$Calls"), loaded.toString());
        assertTrue(loaded.contains("linked " + !SemFile.USABLE), loaded.toString());
    }

    /** Threads of a fresh JVM racing to their first semaphore calls: each gets them, linked once. */
    @Test
    void threadsOfAFreshJvmRacingToTheFirstCallsAllGetThem() throws Exception {
        List<String> loaded = fresh("race");
        assertTrue(loaded.contains("raced 8"), loaded.toString());
        assertEquals(SemFile.USABLE ? 0 : 1, loaded.stream().filter("dev.mp4j.internal.ffm.Posix$Calls"::equals).count(),
                loaded.toString());
    }

    @Test
    void initializingPosixLinksNothing() throws Exception {
        List<String> loaded = fresh("name");
        assertTrue(loaded.contains("dev.mp4j.internal.ffm.Posix"), loaded.toString());
        assertFalse(loaded.contains("dev.mp4j.internal.ffm.Posix$Calls"), loaded.toString());
        assertTrue(loaded.contains("linked false"), loaded.toString());
    }

    @Test
    void linkingAheadLinksTheCallsAndSaysSo() throws Exception {
        List<String> loaded = fresh("ahead");
        assertTrue(loaded.contains("dev.mp4j.internal.ffm.Posix$Calls"), loaded.toString());
        assertTrue(loaded.contains("linked true"), loaded.toString());
    }

    /**
     * Runs {@link Fresh} in a new JVM.
     *
     * @return the names of the mp4j ffm classes it loaded, and the lines it printed
     */
    private static List<String> fresh(String what) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path log = Files.createTempFile("mp4j-posix-test", ".txt");
        String name = name();
        Process p = null;
        try {
            p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
                    "-Xlog:class+load=info:stdout:none", "-cp", System.getProperty("java.class.path"),
                    Fresh.class.getName(), what, name)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the fresh JVM exits");
            String text = Files.readString(log);
            assertEquals(0, p.exitValue(), text);
            List<String> out = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("dev.mp4j.internal.ffm.")) {
                    out.add(line.split(" ")[0]);
                } else if (line.startsWith("linked ") || line.startsWith("raced ")) {
                    out.add(line.strip());
                }
            }
            return out;
        } finally {
            if (p != null) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
            Posix.semUnlink(name); // the fresh JVM unlinks it, unless it was stopped first
            for (int i = 0; i < 8; i++) {
                Posix.semUnlink(name + "-" + i); // a race's, likewise
            }
        }
    }

    /** A fresh JVM's use of the semaphores. */
    static final class Fresh {
        private Fresh() {}

        public static void main(String[] args) throws Exception {
            if (args[0].equals("name")) {
                Class.forName(Posix.class.getName()); // initializes it
                System.out.println("linked " + Linked.semaphores());
                return;
            }
            if (args[0].equals("ahead")) {
                Posix.linkAhead();
                System.out.println("linked " + Linked.semaphores());
                return;
            }
            String name = args[1];
            if (args[0].equals("race")) {
                System.out.println("raced " + race(name));
                return;
            }
            Posix.Sem sem = Posix.semCreate(name, 0);
            try {
                Posix.semPost(sem);
                if (!Posix.semTryWait(sem)) {
                    throw new IllegalStateException("posted, not taken");
                }
                if (Posix.semGetValue(sem) != 0) {
                    throw new IllegalStateException("taken, still there");
                }
                if (Posix.semWaitSlice(sem, 5_000_000L)) {
                    throw new IllegalStateException("taken, not posted");
                }
            } finally {
                Posix.semClose(sem);
                Posix.semUnlink(name);
            }
            System.out.println("linked " + Linked.semaphores());
        }

        /** Eight threads make their first semaphore calls at once, each on a semaphore of its own. */
        private static int race(String name) throws InterruptedException {
            AtomicInteger done = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String own = name + "-" + i;
                Thread t = new Thread(() -> {
                    try {
                        go.await();
                        Posix.Sem sem = Posix.semCreate(own, 0);
                        try {
                            Posix.semPost(sem);
                            if (Posix.semWaitSlice(sem, 1_000_000_000L) && Posix.semGetValue(sem) == 0) {
                                done.incrementAndGet();
                            }
                        } finally {
                            Posix.semClose(sem);
                            Posix.semUnlink(own);
                        }
                    } catch (InterruptedException | RuntimeException e) {
                        e.printStackTrace();
                    }
                });
                t.start();
                threads.add(t);
            }
            go.countDown();
            for (Thread t : threads) {
                t.join(20_000);
            }
            return done.get();
        }
    }
}
