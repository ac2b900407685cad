package dev.mp4j.futures;

/** CPython's ThreadPoolAsCompletedTests. */
class ThreadPoolAsCompletedTests extends AsCompletedTests {
    @Override
    protected Executor newExecutor(int maxWorkers) {
        return new ThreadPoolExecutor(maxWorkers);
    }
}
