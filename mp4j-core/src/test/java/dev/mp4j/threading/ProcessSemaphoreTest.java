package dev.mp4j.threading;

import dev.mp4j.multiprocessing.Multiprocessing;

/** {@link SemaphoreTests} on {@link Multiprocessing#semaphore(int)} (threads of one JVM). */
class ProcessSemaphoreTest extends SemaphoreTests {
    @Override
    protected Semaphore newSemaphore(int value) {
        return Multiprocessing.semaphore(value);
    }

    @Override
    protected Semaphore newDefaultSemaphore() {
        return Multiprocessing.semaphore();
    }
}
