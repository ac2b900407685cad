package dev.mp4j.internal.threads;

/** Pieces of the Python-like {@code toString} of the synchronization objects. */
final class Reprs {
    private Reprs() {}

    /** @return {@code 0x} and the identity hash in hex, standing in for Python's object address */
    static String address(Object o) {
        return "0x" + Integer.toHexString(System.identityHashCode(o));
    }
}
