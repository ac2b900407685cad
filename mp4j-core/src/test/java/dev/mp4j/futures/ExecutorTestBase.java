package dev.mp4j.futures;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * CPython's ExecutorMixin: a fresh executor of {@link #workerCount()} workers per test, primed so that
 * its workers are up, shut down (waiting) after the test. Subclasses choose the executor kind through
 * {@link #newExecutor(int)}.
 */
abstract class ExecutorTestBase {
    protected Executor executor;

    /** A new executor of the kind under test. */
    protected abstract Executor newExecutor(int maxWorkers);

    protected int workerCount() {
        return 5;
    }

    /** Whether setUp runs one short task per worker first (CPython's _prime_executor). */
    protected boolean primeExecutor() {
        return true;
    }

    @BeforeEach
    void setUpExecutor() {
        executor = newExecutor(workerCount());
        if (primeExecutor()) {
            prime();
        }
    }

    /** Runs one short task per worker and waits for them, so that the workers are up. */
    protected void prime() {
        List<Future<Void>> fs = new ArrayList<>();
        for (int i = 0; i < workerCount(); i++) {
            fs.add(executor.submit(() -> FutureFixtures.sleep(20)));
        }
        for (Future<Void> f : fs) {
            f.result();
        }
    }

    @AfterEach
    void tearDownExecutor() {
        if (executor != null) {
            executor.shutdown(true);
        }
    }
}
