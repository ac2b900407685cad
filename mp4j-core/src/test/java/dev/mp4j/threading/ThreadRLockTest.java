package dev.mp4j.threading;

/** {@link RLockTests} on {@link Threading#rlock()}. */
class ThreadRLockTest extends RLockTests {
    @Override
    protected RLock newLock() {
        return Threading.rlock();
    }
}
