package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.shared.SharedObjects;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.WorkerLostError;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pool workers take the processes their tasks started with them: killed by a time limit, or from outside. */
@Timeout(90)
class KilledWorkerDescendantsTest {
    @RegisterExtension
    static final ProcessPoolWorkers WORKERS = new ProcessPoolWorkers();

    /** The pids of the worker and of the process its task started, as the task publishes them. */
    private final SharedInt worker = Multiprocessing.sharedInt(0);
    private final SharedInt sleeper = Multiprocessing.sharedInt(0);

    @AfterEach
    void release() {
        SharedObjects.release(worker);
        SharedObjects.release(sleeper);
    }

    @Test
    void aWorkerKilledForItsTimeLimitTakesItsDescendants() throws Exception {
        ProcessPoolExecutor e = WORKERS.newPool(1);
        SharedInt w = worker;
        SharedInt s = sleeper;
        Future<Object> f = e.submit(() -> CompletableFutureCancelTest.startSleeperAndWait(w, s), Duration.ofSeconds(10));
        CompletableFutureCancelTest.awaitNonZero(worker);
        WORKERS.saw(worker.get());
        assertThrows(TimeoutError.class, () -> f.result(Duration.ofSeconds(60)));
        CompletableFutureCancelTest.assertEnds(worker.get());
        CompletableFutureCancelTest.assertEnds(sleeper.get());
        WORKERS.saw(e);
        e.shutdown(true);
    }

    @Test
    void aWorkerKilledFromOutsideTakesItsDescendantsWhenItsDeathIsNoticed() throws Exception {
        ProcessPoolExecutor e = WORKERS.track(ProcessPoolWorkers.builder(1).workerDeath(WorkerDeath.REPLACE).build());
        SharedInt w = worker;
        SharedInt s = sleeper;
        Future<Object> f = e.submit(() -> CompletableFutureCancelTest.startSleeperAndWait(w, s));
        CompletableFutureCancelTest.awaitNonZero(worker);
        WORKERS.saw(worker.get());
        assertTrue(ProcessHandle.of(worker.get()).orElseThrow().destroyForcibly());
        assertInstanceOf(WorkerLostError.class,
                assertThrows(RuntimeException.class, () -> f.result(Duration.ofSeconds(60))));
        CompletableFutureCancelTest.assertEnds(sleeper.get());
        WORKERS.saw(e);
        e.shutdown(true);
    }
}
