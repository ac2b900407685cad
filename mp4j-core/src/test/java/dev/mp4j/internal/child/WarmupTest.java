package dev.mp4j.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A spare's warm-up of the native paths links and tries them, and leaves nothing behind in /dev/shm. */
@Timeout(60)
class WarmupTest {
    /**
     * Fails if entries not in {@code before} stay in /dev/shm: those of tests running beside this one come and
     * go within the wait, and those they remove meanwhile do not count.
     */
    private static void assertNothingLeft(Set<String> before) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        Set<String> left;
        do {
            left = shm();
            left.removeAll(before);
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        assertEquals(Set.of(), left, "left in /dev/shm");
    }

    private static Set<String> shm() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.contains("mp4j"))
                    .collect(Collectors.toSet());
        }
    }

    @Test
    void nativesCreatesNothing() throws Exception {
        assertTrue(Warmup.class.getModule().isNativeAccessEnabled(), "the tests run with native access");
        Set<String> before = shm();
        Warmup.natives();
        Warmup.natives(); // a second time is harmless too
        assertNothingLeft(before);
    }

    @Test
    void aSpareWhoseJobComesAtOnceDoesNotWarmUp() {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        Warmup.untilJob(() -> {
            asked.incrementAndGet();
            return true;
        }, true);
        assertEquals(1, asked.get(), "it went on after its job came");
    }

    @Test
    void aSparesWarmUpRunsOnItsOwnThreadUntilTheJobComes() throws Exception {
        java.util.concurrent.atomic.AtomicBoolean jobCame = Warmup.whileWaiting(false, java.util.List.of());
        Thread.sleep(Warmup.QUIET_MILLIS + 20);
        jobCame.set(true);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (warmUpThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, warmUpThreads(), "the warm-up went on after its job came");
    }

    private static long warmUpThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("mp4j-warmup")).count();
    }

    /** Initialized only when something initializes it: the test below must not. */
    static final class LoadedAhead {
        static {
            Marker.INITIALIZED.set(true);
        }
    }

    /** Holds the flag, so that reading it initializes only this class. */
    static final class Marker {
        static final java.util.concurrent.atomic.AtomicBoolean INITIALIZED = new java.util.concurrent.atomic.AtomicBoolean();
    }

    @Test
    void loadingAheadLoadsTheNamedClassesWithoutInitializingThemAndSkipsTheUnknown() throws Exception {
        String name = LoadedAhead.class.getName(); // the class literal loads it, and does not initialize it
        Warmup.load(java.util.List.of("no.such.Clazz", name), () -> false);
        assertEquals(false, Marker.INITIALIZED.get(), "loading ahead ran the class's static initializer");
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        Warmup.load(java.util.List.of("a.B", "c.D"), () -> asked.incrementAndGet() == 1);
        assertEquals(1, asked.get(), "it went on after it was told to stop");
    }

    @Test
    void theWarmUpAsksBeforeEachStepAndEndsWhenTold() throws Exception {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        Warmup.exercise(1000, () -> asked.incrementAndGet() == 4);
        assertEquals(4, asked.get(), "asked again after it was told to stop, or ran 1,000 rounds");
        asked.set(0);
        Warmup.exercise(1000, () -> asked.incrementAndGet() == 1);
        assertEquals(1, asked.get());
    }

    @Test
    void theSampleChunksAreMapsOfNumbersAndStrings() throws Exception {
        for (java.util.List<Object> args : Warmup.sampleArgs()) {
            assertEquals(Warmup.SAMPLE_LENGTH, args.size());
            Object first = Warmup.sampleFunction(args).apply(args.get(0));
            assertEquals(args.get(0) instanceof Integer ? (Object) 1 : args.get(0), first);
        }
    }

    @Test
    void searchingADirectoryFindsItsFilesAndOpensNone(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), "a");
        assertTrue(Warmup.searchDirectory(dir, "a.txt"));
        assertFalse(Warmup.searchDirectory(dir, "b.txt"));
        assertFalse(Warmup.searchDirectory(dir.resolve("none"), "a.txt"));
        // the training searches for its FIFO, which an open would wait on (no writer): the class timeout fails it
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).start();
        assertTrue(mkfifo.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, mkfifo.exitValue());
        assertTrue(Warmup.searchDirectory(dir, "fifo"));
    }

    @Test
    void exerciseRunsItsSamples() throws Exception {
        Set<String> before = shm();
        Warmup.exercise(3);
        assertNothingLeft(before);
    }
}
