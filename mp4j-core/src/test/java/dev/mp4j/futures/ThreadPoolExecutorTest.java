package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** CPython's ThreadPoolExecutorTest. */
class ThreadPoolExecutorTest extends ExecutorTest {
    @Override
    protected Executor newExecutor(int maxWorkers) {
        return new ThreadPoolExecutor(maxWorkers);
    }

    @Test
    @DisplayName("test_map_submits_without_iteration")
    void testMapSubmitsWithoutIteration() {
        // Issue 11777: map submits every call before returning, whether or not the results are read.
        ConcurrentLinkedQueue<Integer> finished = new ConcurrentLinkedQueue<>();
        executor.<Integer, Boolean>map(n -> finished.add(n), IntStream.range(0, 10).boxed().toList());
        executor.shutdown(true);
        assertEquals(IntStream.range(0, 10).boxed().toList(), finished.stream().sorted().toList());
    }
}
