package dev.mp4j.multiprocessing;

/** Makes the shared values and arrays of a context. */
final class SharedCtypes {
    private SharedCtypes() {}

    static SharedInt sharedInt(Contexts.Base ctx, int initial) {
        throw new UnsupportedOperationException("shared values are being built");
    }

    static SharedLong sharedLong(Contexts.Base ctx, long initial) {
        throw new UnsupportedOperationException("shared values are being built");
    }

    static SharedDouble sharedDouble(Contexts.Base ctx, double initial) {
        throw new UnsupportedOperationException("shared values are being built");
    }

    static SharedIntArray sharedIntArray(Contexts.Base ctx, int length) {
        throw new UnsupportedOperationException("shared arrays are being built");
    }

    static SharedLongArray sharedLongArray(Contexts.Base ctx, int length) {
        throw new UnsupportedOperationException("shared arrays are being built");
    }

    static SharedDoubleArray sharedDoubleArray(Contexts.Base ctx, int length) {
        throw new UnsupportedOperationException("shared arrays are being built");
    }
}
