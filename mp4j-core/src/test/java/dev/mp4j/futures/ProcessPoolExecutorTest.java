package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** CPython's ProcessPoolExecutorTest, on two workers. */
class ProcessPoolExecutorTest extends ExecutorTest {
    @RegisterExtension
    static final ProcessPoolWorkers WORKERS = new ProcessPoolWorkers();

    @Override
    protected Executor newExecutor(int maxWorkers) {
        return WORKERS.newPool(maxWorkers);
    }

    @Override
    protected int workerCount() {
        return 2;
    }

    @ParameterizedTest(name = "test_killed_child (forcibly: {0})")
    @ValueSource(booleans = {true, false})
    @DisplayName("test_killed_child")
    @Timeout(30)
    void testKilledChild(boolean forcibly) throws Exception {
        // A worker that dies abruptly breaks the whole pool: SIGKILL, or SIGTERM (Python's terminate()).
        Future<Void> future = executor.submit(() -> FutureFixtures.sleep(2_000));
        List<ProcessHandle> workers = WORKERS.saw((ProcessPoolExecutor) executor);
        assertEquals(workerCount(), workers.size());
        ProcessHandle p = workers.getFirst();
        assertTrue(forcibly ? p.destroyForcibly() : p.destroy());
        p.onExit().get(10, TimeUnit.SECONDS);

        BrokenProcessPool e = assertThrows(BrokenProcessPool.class, future::result);
        assertTrue(e.getMessage().startsWith("A process in the process pool was terminated abruptly"), e.getMessage());
        assertTrue(e.getMessage().contains("pid " + p.pid() + ", exit code " + (forcibly ? -9 : -15)),
                e.getMessage());
        // Submitting other jobs fails as well.
        assertThrows(BrokenProcessPool.class, () -> executor.submit(() -> FutureFixtures.pow(2, 8)));
    }
}
