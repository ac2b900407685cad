package dev.mp4j.internal.ffm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Semaphores made and used from Java ({@link SemFile}) are glibc's own: the native calls operate on one the
 * Java side made and the other way round, a native sleeper is woken by a post from Java, and a waiter in a JVM
 * that has not linked the calls takes a post another process made.
 */
@Timeout(60)
class SemFileTest {
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;

    /** The native calls, on a handle from {@code sem_open}. */
    private static final class C {
        static final MethodHandle OPEN = Libc.downcall("sem_open", FunctionDescriptor.of(ValueLayout.ADDRESS,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle POST = Libc.downcall("sem_post", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS));
        static final MethodHandle TRYWAIT = Libc.downcall("sem_trywait", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS));
        static final MethodHandle GETVALUE = Libc.downcall("sem_getvalue", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        static final MethodHandle CLOSE = Libc.downcall("sem_close", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS));
        static final MethodHandle UNLINK = Libc.downcall("sem_unlink", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS));

        static MemorySegment open(String name, int flags, int value) throws Throwable {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment h = (MemorySegment) OPEN.invokeExact(a.allocateFrom(name), flags, 0600, value);
                assertNotEquals(0L, h.address(), "sem_open(" + name + ")");
                return h;
            }
        }

        static int value(MemorySegment h) throws Throwable {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment out = a.allocate(ValueLayout.JAVA_INT);
                assertEquals(0, (int) GETVALUE.invokeExact(h, out));
                return out.get(ValueLayout.JAVA_INT, 0);
            }
        }

        static boolean unlink(String name) throws Throwable {
            try (Arena a = Arena.ofConfined()) {
                return (int) UNLINK.invokeExact(a.allocateFrom(name)) == 0;
            }
        }
    }

    @BeforeAll
    static void onGlibc() {
        assumeTrue(SemFile.USABLE, "semaphores are made natively here");
    }

    private static String name() {
        return "/mp4j-test-semfile-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    private static Path file(String name) {
        return Path.of("/dev/shm/sem." + name.substring(1));
    }

    @Test
    void aSemaphoreMadeInJavaHasTheBytesSemOpenWrites() throws Throwable {
        String ours = name();
        String theirs = name();
        Posix.Sem sem = Posix.semCreate(ours, 5);
        MemorySegment h = C.open(theirs, O_CREAT | O_EXCL, 5);
        try {
            assertArrayEquals(Files.readAllBytes(file(theirs)), Files.readAllBytes(file(ours)));
            assertEquals(Files.getPosixFilePermissions(file(theirs)), Files.getPosixFilePermissions(file(ours)));
            try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
                assertEquals(List.of(file(ours)), files.filter(p -> p.getFileName().toString()
                        .startsWith(file(ours).getFileName().toString())).toList(), "no temporary file left");
            }
        } finally {
            Posix.semClose(sem);
            assertEquals(0, (int) C.CLOSE.invokeExact(h));
            assertTrue(Posix.semUnlink(ours));
            assertTrue(C.unlink(theirs));
        }
    }

    @Test
    void javaAndTheNativeCallsShareOneSemaphoreEitherWayRound() throws Throwable {
        for (boolean madeInJava : new boolean[] {true, false}) {
            String name = name();
            MemorySegment nat = null;
            Posix.Sem sem = null;
            try {
                if (madeInJava) {
                    sem = Posix.semCreate(name, 2);
                    nat = C.open(name, 0, 0);
                } else {
                    nat = C.open(name, O_CREAT | O_EXCL, 2);
                    sem = Posix.semAttach(name);
                }
                assertTrue(sem.mapped());
                assertEquals(2, Posix.semGetValue(sem));
                assertEquals(2, C.value(nat));
                assertTrue(Posix.semTryWait(sem));
                assertEquals(1, C.value(nat));
                assertEquals(0, (int) C.TRYWAIT.invokeExact(nat));
                assertEquals(0, Posix.semGetValue(sem));
                assertFalse(Posix.semTryWait(sem));
                assertEquals(-1, (int) C.TRYWAIT.invokeExact(nat), "empty");
                Posix.semPost(sem);
                assertEquals(1, C.value(nat));
                assertEquals(0, (int) C.POST.invokeExact(nat));
                assertEquals(2, Posix.semGetValue(sem));
                assertTrue(Posix.semWaitSlice(sem, 1_000_000L));
                assertEquals(0, (int) C.TRYWAIT.invokeExact(nat));
                assertFalse(Posix.semWaitSlice(sem, 1_000_000L), "nothing left: the slice runs out");
            } finally {
                if (sem != null) {
                    Posix.semClose(sem);
                }
                if (nat != null) {
                    assertEquals(0, (int) C.CLOSE.invokeExact(nat));
                }
                Posix.semUnlink(name);
            }
        }
    }

    @Test
    void aPostFromJavaWakesAThreadAsleepInTheNativeWait() throws Throwable {
        String name = name();
        Posix.Sem sem = Posix.semCreate(name, 0);
        Posix.Sem other = Posix.semAttach(name);
        AtomicBoolean took = new AtomicBoolean();
        Thread waiter = sleeper(sem, took);
        try {
            Posix.semPost(other); // a waiter is counted: made natively, which wakes it
            waiter.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(waiter.isAlive());
            assertTrue(took.get());
            assertEquals(0, Posix.semGetValue(other));
            assertEquals(0, SemFile.waiters(other.word()), "the waiter no longer counts itself");
        } finally {
            Posix.semPost(sem); // frees a waiter still there
            waiter.join(TimeUnit.SECONDS.toMillis(10));
            Posix.semClose(other);
            Posix.semClose(sem);
            Posix.semUnlink(name);
        }
    }

    /** Where {@code sem_close} would unmap a semaphore under a thread asleep on it, the mapping stays. */
    @Test
    void closingAMappingAThreadSleepsOnLeavesItMapped() throws Throwable {
        Posix.linkAhead();
        String name = name();
        Posix.Sem sem = Posix.semCreate(name, 0);
        Posix.Sem other = Posix.semAttach(name);
        AtomicBoolean took = new AtomicBoolean();
        Thread waiter = new Thread(() -> took.set(Posix.semWaitSlice(sem, Posix.SLICE_NANOS)));
        waiter.setDaemon(true);
        try {
            waiter.start();
            while (SemFile.waiters(other.word()) == 0 && waiter.isAlive()) {
                Thread.onSpinWait(); // until it sleeps (or its slice ran out on a slow machine)
            }
            Posix.semClose(sem); // refused while the native wait holds the mapping: no error
            Posix.semPost(other);
            waiter.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(waiter.isAlive());
            assertTrue(took.get() || Posix.semTryWait(other), "the post was taken, or is still there");
        } finally {
            waiter.join(TimeUnit.SECONDS.toMillis(10));
            Posix.semClose(other);
            Posix.semClose(sem);
            Posix.semUnlink(name);
        }
    }

    @Test
    void aPostAtTheMaximumFailsOnEitherSide() throws Throwable {
        String name = name();
        Posix.Sem sem = Posix.semCreate(name, Integer.MAX_VALUE);
        MemorySegment nat = C.open(name, 0, 0);
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Posix.semPost(sem));
            assertTrue(e.getMessage().contains(name), e.getMessage());
            assertEquals(-1, (int) C.POST.invokeExact(nat));
            assertEquals(Integer.MAX_VALUE, Posix.semGetValue(sem));
            assertTrue(Posix.semTryWait(sem));
            assertEquals(Integer.MAX_VALUE - 1, C.value(nat));
        } finally {
            assertEquals(0, (int) C.CLOSE.invokeExact(nat));
            Posix.semClose(sem);
            Posix.semUnlink(name);
        }
    }

    @Test
    void unlinkingRemovesTheFile() { // a missing name's attach: PosixTest.theErrorsNameTheSemaphoreAndWhy
        String name = name();
        Posix.Sem sem = Posix.semCreate(name, 0);
        try {
            assertTrue(Files.exists(file(name)));
            assertThrows(UncheckedIOException.class, () -> Posix.semCreate(name, 0));
        } finally {
            Posix.semClose(sem);
            Posix.semClose(sem); // again: nothing
            assertTrue(Posix.semUnlink(name));
        }
        assertFalse(Files.exists(file(name)));
        assertFalse(Posix.semUnlink(name));
        assertThrows(UncheckedIOException.class, () -> Posix.semCreate("/a/b", 0));
        assertFalse(Posix.semUnlink("/"));
    }

    @Test
    void theCLibraryIsKnownByTheFileMapped() {
        String line = "7f4254a6f000-7f4254a95000 r--p 00000000 fe:00 339380                     ";
        assertTrue(SemFile.isGlibc(line + "/usr/lib/x86_64-linux-gnu/libc.so.6\n"));
        assertTrue(SemFile.isGlibc(line + "/usr/lib64/libc-2.28.so\n" + line + "/usr/lib64/libcrypt.so.1\n"));
        assertFalse(SemFile.isGlibc(line + "/usr/lib64/libc-2.17.so\n"), "before 2.21: another layout");
        assertFalse(SemFile.isGlibc(line + "/lib/ld-musl-x86_64.so.1\n"));
        assertFalse(SemFile.isGlibc(line + "/usr/lib/libSystem.B.dylib\n"));
    }

    /** A JVM that has not linked the calls waits by polling, and takes a post from another process. */
    @Test
    void aWaiterInAJvmWithoutTheCallsTakesAPostFromAnotherProcess() throws Exception {
        String name = name();
        Posix.Sem sem = Posix.semCreate(name, 0);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), Waiter.class.getName(), name).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            List<String> said = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    said.add(line);
                    if (line.equals("waiting")) {
                        Posix.semPost(sem);
                    }
                }
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), said.toString());
            assertTrue(said.contains("took"), said.toString());
            assertTrue(said.contains("polled: linked false"), said.toString());
            assertEquals(0, Posix.semGetValue(sem));
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            Posix.semClose(sem);
            Posix.semUnlink(name);
        }
    }

    /**
     * A JVM that may not link the calls (native access denied) still posts to a thread another JVM has asleep
     * natively: from Java, without waking it, so the sleeper takes the token when its slice ends; and it says why.
     */
    @Test
    void aJvmDeniedNativeAccessPostsToANativeSleeperWithinItsSlice() throws Exception {
        String name = name();
        Posix.Sem sem = Posix.semCreate(name, 0);
        AtomicBoolean took = new AtomicBoolean();
        Thread waiter = sleeper(sem, took);
        Process p = null;
        try {
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            p = new ProcessBuilder(java.toString(), "--illegal-native-access=deny", "-cp",
                    System.getProperty("java.class.path"), Poster.class.getName(), name).redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), said);
            assertTrue(said.contains("cannot link its semaphores' native calls"), said);
            waiter.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(waiter.isAlive(), "the sleeper never took the token");
            assertTrue(took.get());
            assertEquals(0, Posix.semGetValue(sem));
        } finally {
            if (p != null) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            if (waiter.isAlive()) {
                Posix.semPost(sem); // frees a waiter still there
                waiter.join(TimeUnit.SECONDS.toMillis(10));
            }
            Posix.semClose(sem);
            Posix.semUnlink(name);
        }
    }

    /**
     * Starts a thread that waits on {@code sem} natively (this JVM links the calls first), counted in the
     * semaphore's word, and sets {@code took} once it has a token; returns once glibc counts it waiting.
     */
    private static Thread sleeper(Posix.Sem sem, AtomicBoolean took) {
        Posix.linkAhead();
        Thread waiter = new Thread(() -> {
            while (!Posix.semWaitSlice(sem, Posix.SLICE_NANOS)) {
                Thread.onSpinWait();
            }
            took.set(true);
        });
        waiter.setDaemon(true);
        waiter.start();
        while (SemFile.waiters(sem.word()) == 0) {
            Thread.onSpinWait(); // until it sleeps
        }
        return waiter;
    }

    /** Posts once to the semaphore named, in a JVM that may not link the calls. */
    static final class Poster {
        private Poster() {}

        public static void main(String[] args) {
            Posix.Sem sem = Posix.semAttach(args[0]);
            Posix.semPost(sem);
            Posix.semClose(sem);
        }
    }

    /** Polls a slice that runs out, then waits for a post. */
    static final class Waiter {
        private Waiter() {}

        public static void main(String[] args) {
            Posix.Sem sem = Posix.semAttach(args[0]);
            if (Posix.semWaitSlice(sem, 5_000_000L)) {
                throw new IllegalStateException("nothing was posted yet");
            }
            System.out.println("polled: linked " + Linked.semaphores());
            System.out.println("waiting");
            while (!Posix.semWaitSlice(sem, Posix.SLICE_NANOS)) {
                Thread.onSpinWait();
            }
            System.out.println("took");
            Posix.semClose(sem);
        }
    }
}
