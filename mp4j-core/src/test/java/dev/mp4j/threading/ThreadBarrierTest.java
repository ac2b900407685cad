package dev.mp4j.threading;

import java.time.Duration;

/** {@link BarrierTests} on {@link Threading#barrier(int, Runnable, Duration)}. */
class ThreadBarrierTest extends BarrierTests {
    @Override
    protected Barrier newBarrier(int parties, Runnable action, Duration timeout) {
        return Threading.barrier(parties, action, timeout);
    }
}
