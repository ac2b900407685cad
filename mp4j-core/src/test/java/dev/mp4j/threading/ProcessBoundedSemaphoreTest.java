package dev.mp4j.threading;

import dev.mp4j.multiprocessing.Multiprocessing;

/** {@link BoundedSemaphoreTests} on {@link Multiprocessing#boundedSemaphore(int)} (threads of one JVM). */
class ProcessBoundedSemaphoreTest extends BoundedSemaphoreTests {
    @Override
    protected Semaphore newSemaphore(int value) {
        return Multiprocessing.boundedSemaphore(value);
    }

    @Override
    protected Semaphore newDefaultSemaphore() {
        return Multiprocessing.boundedSemaphore();
    }
}
