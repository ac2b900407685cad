package dev.mp4j.threading;

/** {@link BoundedSemaphoreTests} on {@link Threading#boundedSemaphore(int)}. */
class ThreadBoundedSemaphoreTest extends BoundedSemaphoreTests {
    @Override
    protected Semaphore newSemaphore(int value) {
        return Threading.boundedSemaphore(value);
    }

    @Override
    protected Semaphore newDefaultSemaphore() {
        return Threading.boundedSemaphore();
    }
}
