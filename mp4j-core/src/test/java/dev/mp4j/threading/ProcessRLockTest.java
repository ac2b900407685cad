package dev.mp4j.threading;

import dev.mp4j.multiprocessing.Multiprocessing;

/** {@link RLockTests} on the cross-process re-entrant lock of {@link Multiprocessing#rlock()} (threads of one JVM). */
class ProcessRLockTest extends RLockTests {
    @Override
    protected RLock newLock() {
        return Multiprocessing.rlock();
    }
}
