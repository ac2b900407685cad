package dev.mp4j.futures;

import org.junit.jupiter.api.extension.RegisterExtension;

/** CPython's ProcessPoolWaitTests, on two workers. */
class ProcessPoolWaitTests extends WaitTests {
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
}
