package dev.mp4j.threading;

import dev.mp4j.internal.sync.ProcessSync;
import java.time.Duration;

/**
 * {@link BarrierTests} on the cross-process barrier (threads of one JVM). The tests' actions are plain
 * {@code Runnable}s, so the barrier is made by {@link ProcessSync} rather than through a context, which takes a
 * serializable action.
 */
class ProcessBarrierTest extends BarrierTests {
    @Override
    protected Barrier newBarrier(int parties, Runnable action, Duration timeout) {
        return ProcessSync.barrier(parties, action, timeout);
    }
}
