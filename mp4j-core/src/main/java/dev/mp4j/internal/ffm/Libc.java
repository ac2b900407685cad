package dev.mp4j.internal.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The C library as FFM sees it: downcall handles to its functions, and the layout of a call's captured
 * {@code errno}. Small on purpose: its users ({@link Posix}'s groups of semaphore calls) link their own
 * handles when first used, not everyone's.
 */
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    /** The call state a {@code captureCallState("errno")} downcall fills. */
    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    /**
     * The offset of {@code errno} within {@link #CAPTURE}, read as a plain int through a byte buffer view: the
     * layout's var handle would spin method-handle forms in the JVM's first wait that times out.
     */
    static final long ERRNO = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    private Libc() {}

    /**
     * @param name the function
     * @param fd its C signature
     * @param options the linker's options
     * @return a downcall handle to libc's {@code name}; if libc has no such function, a handle that throws
     *     {@link UnsupportedOperationException} naming it and the platform
     */
    // Restricted by design: mp4j reaches libc through FFM (DESIGN.md, "Native").
    @SuppressWarnings("restricted")
    static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        MethodHandle h = downcallIfPresent(name, fd, options);
        if (h != null) {
            return h;
        }
        // Linked lazily in effect: the class that holds the handle still initializes, and the first call
        // fails with an error naming the call and the platform (not an ExceptionInInitializerError).
        MethodType type = LINKER.downcallHandle(fd, options).type().dropParameterTypes(0, 1);
        UnsupportedOperationException missing = new UnsupportedOperationException("the C library has no " + name
                + " on this platform (" + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + "); mp4j's cross-process primitives need it");
        MethodHandle thrower = MethodHandles.throwException(type.returnType(), UnsupportedOperationException.class)
                .bindTo(missing);
        return MethodHandles.dropArguments(thrower, 0, type.parameterList());
    }

    /**
     * @param name the function
     * @param fd its C signature
     * @param options the linker's options
     * @return a downcall handle to libc's {@code name}, or null if libc has no such function
     */
    @SuppressWarnings("restricted")
    static MethodHandle downcallIfPresent(String name, FunctionDescriptor fd, Linker.Option... options) {
        return LINKER.defaultLookup().find(name).map(symbol -> LINKER.downcallHandle(symbol, fd, options)).orElse(null);
    }
}
