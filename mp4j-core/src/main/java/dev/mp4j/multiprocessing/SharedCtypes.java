package dev.mp4j.multiprocessing;

import dev.mp4j.internal.shared.SharedObjects;

/**
 * Makes the shared values and arrays of a context: each lives in a shared memory segment of its own;
 * its lock is the context's cross-process {@code RLock}, made when first needed.
 */
final class SharedCtypes {
    private SharedCtypes() {}

    static SharedInt sharedInt(Contexts.Base ctx, int initial) {
        return SharedObjects.sharedInt(initial, () -> Synchronize.rlock(ctx));
    }

    static SharedLong sharedLong(Contexts.Base ctx, long initial) {
        return SharedObjects.sharedLong(initial, () -> Synchronize.rlock(ctx));
    }

    static SharedDouble sharedDouble(Contexts.Base ctx, double initial) {
        return SharedObjects.sharedDouble(initial, () -> Synchronize.rlock(ctx));
    }

    static SharedIntArray sharedIntArray(Contexts.Base ctx, int length) {
        return SharedObjects.sharedIntArray(length, () -> Synchronize.rlock(ctx));
    }

    static SharedLongArray sharedLongArray(Contexts.Base ctx, int length) {
        return SharedObjects.sharedLongArray(length, () -> Synchronize.rlock(ctx));
    }

    static SharedDoubleArray sharedDoubleArray(Contexts.Base ctx, int length) {
        return SharedObjects.sharedDoubleArray(length, () -> Synchronize.rlock(ctx));
    }
}
