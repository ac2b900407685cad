package dev.mp4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.spawn.ChildJvm;
import dev.mp4j.internal.spawn.Launcher;
import dev.mp4j.multiprocessing.Multiprocessing;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Worker JVMs booted ahead of the engine's starts ({@link JvmBackend#bootAhead}) that no start takes end. */
@Timeout(60)
class JvmBackendAheadTest {
    /** The spawn context's launcher, telling each child it starts. */
    private static final class Recording implements Launcher {
        private final Launcher spawn = (Launcher) Multiprocessing.getContext("spawn");
        final List<java.lang.Process> started = new CopyOnWriteArrayList<>();
        final CompletableFuture<Void> first = new CompletableFuture<>();

        @Override
        public String startMethod() {
            return spawn.startMethod();
        }

        @Override
        public ChildJvm obtain(Consumer<java.lang.Process> told) throws IOException {
            return obtain(told, false);
        }

        @Override
        public ChildJvm obtain(Consumer<java.lang.Process> told, boolean executorWorker) throws IOException {
            return spawn.obtain(p -> {
                started.add(p);
                first.complete(null);
                told.accept(p);
            }, executorWorker);
        }
    }

    @Test
    void workersBootedAheadThatNoStartTakesAreEnded() throws Exception {
        Recording launcher = new Recording();
        JvmBackend backend = new JvmBackend(launcher, null, 0, 0);
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        backend.bootAhead(2);
        launcher.first.get(30, TimeUnit.SECONDS);
        backend.dropAhead();
        // a child being booted is ended once it has connected (or failed to); one not started yet never starts
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("mp4j-pool-boot") && !before.contains(t)) {
                t.join(TimeUnit.SECONDS.toMillis(30));
                assertFalse(t.isAlive(), "a boot thread that no start took ends");
            }
        }
        assertTrue(launcher.started.size() >= 1 && launcher.started.size() <= 2, "started: " + launcher.started);
        for (java.lang.Process child : launcher.started) {
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the worker booted ahead is ended: pid " + child.pid());
        }
        backend.dropAhead(); // nothing left: does nothing
    }
}
