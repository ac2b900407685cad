package dev.mp4j.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.multiprocessing.managers.SyncManager;

import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kill -9 of a manager's server process while four threads call its dict and list proxies: every caller
 * gets an exception promptly (none wedges), later calls fail at once too, shutdown returns, the server's
 * socket directory goes (the resource tracker removes it), and no process is left.
 */
class ManagerKillTest {
    /** The server's pid, from inside the server. */
    public static final class WhoAmI {
        /** @return the pid of the process this object lives in */
        public long pid() {
            return ProcessHandle.current().pid();
        }
    }

    static List<Integer> rounds() {
        return QueueWriterKillTest.rounds();
    }

    @ParameterizedTest(name = "manager server killed under load (#{0})")
    @MethodSource("rounds")
    @Timeout(90)
    void serverKilledUnderLoad(int round) throws Exception {
        Set<Long> descendantsBefore = Procs.descendants();
        SyncManager m = new SyncManager();
        m.register("whoami", WhoAmI::new);
        m.start();
        long pid = (Long) m.createProxy("whoami").callMethod("pid");
        Map<Integer, Integer> dict = m.dict();
        List<Integer> list = m.list();

        int callers = 4;
        CountDownLatch warmed = new CountDownLatch(callers * 50);
        List<CompletableFuture<RuntimeException>> errors = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            int id = c;
            CompletableFuture<RuntimeException> error = new CompletableFuture<>();
            errors.add(error);
            threads.add(Thread.ofPlatform().name("caller-" + c).start(() -> {
                try {
                    for (int i = 0; ; i++) {
                        int k = id * 1_000_000 + i;
                        dict.put(k, i);
                        Integer back = dict.get(k);
                        if (back == null || back != i) {
                            error.completeExceptionally(new AssertionError("dict.get(" + k + ") = " + back));
                            return;
                        }
                        if (i % 10 == 0) {
                            list.add(k);
                        }
                        warmed.countDown();
                    }
                } catch (RuntimeException e) {
                    error.complete(e);
                } catch (Throwable t) {
                    error.completeExceptionally(t);
                }
            }));
        }
        assertTrue(warmed.await(60, TimeUnit.SECONDS), "the callers did not get going");
        Procs.kill9(pid);
        for (int c = 0; c < callers; c++) {
            RuntimeException e = errors.get(c).get(20, TimeUnit.SECONDS); // a wedged caller fails here
            assertNotNull(e.getMessage(), "caller " + c + ": an error without a message: " + e);
            assertTrue(e.getMessage().contains("manager"), "caller " + c + ": the error does not say what died: " + e);
            threads.get(c).join(10_000);
            assertFalse(threads.get(c).isAlive());
        }
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            RuntimeException later = assertThrows(RuntimeException.class, dict::size);
            assertNotNull(later.getMessage());
        }, "a call after the server's death");
        assertTimeoutPreemptively(Duration.ofSeconds(20), m::shutdown, "shutdown after the server's death");
        Procs.awaitGone(List.of(pid), Duration.ofSeconds(10), "the killed server");
        Procs.awaitGone(Procs.added(descendantsBefore, Procs.descendants()), Duration.ofSeconds(20),
                "processes the test started");
        assertEquals(callers, errors.size());
    }

    /**
     * The socket directory of a killed server does not outlive the manager that started it: shutdown()
     * removes it once the server is gone (the resource tracker would only at the program's end).
     */
    @Test
    @Timeout(90)
    void killedServersSocketDirectoryGoesWhileTheProgramRuns() throws Exception {
        SyncManager m = new SyncManager();
        m.register("whoami", WhoAmI::new);
        m.start();
        long pid = (Long) m.createProxy("whoami").callMethod("pid");
        Path socketDir = ((UnixDomainSocketAddress) m.address()).getPath().getParent();
        assertTrue(Files.isDirectory(socketDir), socketDir.toString());
        Procs.kill9(pid);
        Procs.awaitGone(List.of(pid), Duration.ofSeconds(10), "the killed server");
        assertTimeoutPreemptively(Duration.ofSeconds(20), m::shutdown, "shutdown after the server's death");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (Files.exists(socketDir) && System.nanoTime() < deadline) {
            Procs.pause(); // whoever removes it, nothing here can wait on it
        }
        assertFalse(Files.exists(socketDir), "the killed server's socket directory " + socketDir + " remains");
    }
}
