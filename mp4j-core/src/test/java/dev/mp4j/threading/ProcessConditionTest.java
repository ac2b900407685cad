package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mp4j.multiprocessing.Multiprocessing;
import org.junit.jupiter.api.Test;

/** {@link ConditionTests} on the cross-process conditions of {@link Multiprocessing} (threads of one JVM). */
class ProcessConditionTest extends ConditionTests {
    @Override
    protected Condition newCondition() {
        return Multiprocessing.condition();
    }

    @Override
    protected Condition newCondition(Lock lock) {
        return Multiprocessing.condition(lock);
    }

    @Override
    protected Lock newLock() {
        return Multiprocessing.lock();
    }

    @Test
    void threadLockIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Multiprocessing.condition(Threading.lock()));
    }
}
