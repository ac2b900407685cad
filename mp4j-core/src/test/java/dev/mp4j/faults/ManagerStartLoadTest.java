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
 * fault matrix loads it — a busy thread per CPU and more, and child JVMs booting one after another. Every
 * manager's first {@code createProxy} and call must end within {@link #BOUND}; a round that does not fails
 * with the stacks of this JVM's threads.
 */
class ManagerStartLoadTest {
    static final Duration BOUND = Duration.ofSeconds(60);
    static final int CLIENTS = 4;
    static final int ROUNDS = 4;

    @Test
    @Timeout(600)
    void freshManagersUnderLoad() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> load = new ArrayList<>();
        int burners = Runtime.getRuntime().availableProcessors() * 2;
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
                            m.start();
                            try {
                                long pid = (Long) m.createProxy("whoami").callMethod("pid");
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
            long deadline = System.nanoTime() + BOUND.toNanos() * ROUNDS;
            int total = 0;
            for (CompletableFuture<Integer> c : clients) {
                try {
                    total += c.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    System.err.println(stacks());
                    fail("a client's managers did not start and answer within " + BOUND.toSeconds() * ROUNDS
                            + " s under load (stacks on stderr)");
                } catch (ExecutionException e) {
                    throw new AssertionError("a client failed", e.getCause());
                }
            }
            assertEquals(CLIENTS * ROUNDS, total, "managers that answered");
        } finally {
            stop.set(true);
            for (Thread t : load) {
                t.join(70_000);
            }
        }
    }

    private static String stacks() {
        StringBuilder b = new StringBuilder();
        Thread.getAllStackTraces().forEach((t, frames) -> {
            b.append(t.getName()).append('\n');
            for (StackTraceElement f : frames) {
                b.append("    at ").append(f).append('\n');
            }
        });
        return b.toString();
    }
}
