package dev.mp4j.futures;

/** CPython's ExecutorTest again, on a ThreadPoolExecutor whose workers are virtual threads. */
class VirtualThreadPoolExecutorTest extends ExecutorTest {
    @Override
    protected Executor newExecutor(int maxWorkers) {
        return ThreadPoolExecutor.builder().maxWorkers(maxWorkers).virtualThreads(true).build();
    }
}
