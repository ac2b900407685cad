package dev.mp4j.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.managers.SyncManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The manager hang seen once under load ({@code createProxy} on a fresh SyncManager waiting more than 90 s):
 * fresh managers are started and used from several threads at once while the machine is loaded as the
 * fault matrix loads it — a busy thread per CPU, and child JVMs booting one after another. {@code start()}
 * waits for the server JVM to boot, which on a loaded machine takes what it takes (the boot has its own
 * timeout); once it returned, the server listens, and the first {@code createProxy} and call must end
 * within {@link #BOUND}, or the test fails with the stacks of this JVM's threads. It prints the longest
 * start and the longest first call it saw.
 */
class ManagerStartLoadTest {
    static final Duration BOUND = Duration.ofSeconds(60);
    static final int CLIENTS = 4;
    static final int ROUNDS = 3;

    @Test
    @Timeout(660)
    void freshManagersUnderLoad() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong longestStart = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong longestCall = new java.util.concurrent.atomic.AtomicLong();
        CompletableFuture<String> hung = new CompletableFuture<>();
        List<Thread> load = new ArrayList<>();
        int burners = Runtime.getRuntime().availableProcessors();
        for (int i = 0; i < burners; i++) {
            load.add(Thread.ofPlatform().daemon().name("burner-" + i).start(() -> {
                long x = 0;
                while (!stop.get()) {
                    x += System.nanoTime() % 7;
                }
                if (x == 42) {
                    System.out.print("");
                }
            }));
        }
        load.add(Thread.ofPlatform().daemon().name("child-starter").start(() -> {
            while (!stop.get()) {
                Process p = new Process(() -> { });
                p.start();
                p.join(Duration.ofSeconds(60));
                p.close();
            }
        }));
        try {
            List<CompletableFuture<Integer>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                CompletableFuture<Integer> done = new CompletableFuture<>();
                clients.add(done);
                Thread.ofPlatform().daemon().name("client-" + c).start(() -> {
                    try {
                        int ok = 0;
                        for (int r = 0; r < ROUNDS; r++) {
                            SyncManager m = new SyncManager();
                            m.register("whoami", ManagerKillTest.WhoAmI::new);
                            long t0 = System.nanoTime();
                            m.start();
                            long t1 = System.nanoTime();
                            longestStart.accumulateAndGet(t1 - t0, Math::max);
                            try {
                                CompletableFuture<Long> call = new CompletableFuture<>();
                                Thread.ofPlatform().daemon().start(() -> {
                                    try {
                                        call.complete((Long) m.createProxy("whoami").callMethod("pid"));
                                    } catch (Throwable e) {
                                        call.completeExceptionally(e);
                                    }
                                });
                                long pid;
                                try {
                                    pid = call.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                                } catch (TimeoutException e) {
                                    hung.complete(Procs.stacks(false));
                                    throw new AssertionError("createProxy and a call on a fresh manager did not end "
                                            + "within " + BOUND.toSeconds() + " s of start()");
                                }
                                longestCall.accumulateAndGet(System.nanoTime() - t1, Math::max);
                                if (pid <= 0) {
                                    throw new AssertionError("pid " + pid);
                                }
                                ok++;
                            } finally {
                                m.shutdown();
                            }
                        }
                        done.complete(ok);
                    } catch (Throwable e) {
                        done.completeExceptionally(e);
                    }
                });
            }
            int total = 0;
            for (CompletableFuture<Integer> c : clients) {
                try {
                    total += c.get(500, TimeUnit.SECONDS); // a slow boot is not what this test is about
                } catch (TimeoutException e) {
                    System.err.println(Procs.stacks(false));
                    fail("a client's managers did not all start within 500 s (stacks on stderr)");
                } catch (ExecutionException e) {
                    if (hung.isDone()) {
                        System.err.println(hung.get());
                    }
                    throw new AssertionError("a client failed", e.getCause());
                }
            }
            assertEquals(CLIENTS * ROUNDS, total, "managers that answered");
            System.err.printf("longest start() %d ms, longest first createProxy and call %d ms%n",
                    longestStart.get() / 1_000_000, longestCall.get() / 1_000_000);
        } finally {
            stop.set(true);
            for (Thread t : load) {
                t.join(70_000);
            }
        }
    }
}
