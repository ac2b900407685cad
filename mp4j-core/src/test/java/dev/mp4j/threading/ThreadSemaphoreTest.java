package dev.mp4j.threading;

/** {@link SemaphoreTests} on {@link Threading#semaphore(int)}. */
class ThreadSemaphoreTest extends SemaphoreTests {
    @Override
    protected Semaphore newSemaphore(int value) {
        return Threading.semaphore(value);
    }

    @Override
    protected Semaphore newDefaultSemaphore() {
        return Threading.semaphore();
    }
}
