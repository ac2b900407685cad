package dev.mp4j.futures;

import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ExecutorApiTest on a ProcessPoolExecutor of one worker, primed before each test (a worker JVM takes a
 * good part of a second to boot, which the tests' short timeouts do not allow for). What only a process
 * pool has is in {@link ProcessPoolExecutorApiTest}.
 */
class ProcessPoolCommonApiTest extends ExecutorApiTest {
    @RegisterExtension
    static final ProcessPoolWorkers WORKERS = new ProcessPoolWorkers();

    @Override
    protected Executor newExecutor(int maxWorkers) {
        return WORKERS.newPool(maxWorkers);
    }

    @Override
    protected int workerCount() {
        return 1;
    }

    @Override
    protected boolean primeExecutor() {
        return true;
    }
}
