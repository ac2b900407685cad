package dev.mp4j.threading;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link ConditionTests} on {@link Threading#condition()} and {@link Threading#condition(Lock)}. */
class ThreadConditionTest extends ConditionTests {
    @Override
    protected Condition newCondition() {
        return Threading.condition();
    }

    @Override
    protected Condition newCondition(Lock lock) {
        return Threading.condition(lock);
    }

    @Override
    protected Lock newLock() {
        return Threading.lock();
    }

    @Test
    void nullLockIsRefused() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Threading.condition(null));
        org.junit.jupiter.api.Assertions.assertEquals("lock", e.getMessage());
    }
}
