package dev.mp4j.internal.ffm;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The C library as FFM sees it: downcall handles to its functions, and the layout of a call's captured
 * {@code errno}. Small on purpose: each class of calls ({@link Posix}'s semaphores, {@link Fifo}) links its
 * own handles when first used, not everyone's.
 */
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    /** The call state a {@code captureCallState("errno")} downcall fills. */
    static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    /** {@code errno} within {@link #CAPTURE}. */
    static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private Libc() {}

    /**
     * @param name the function
     * @param fd its C signature
     * @param options the linker's options
     * @return a downcall handle to libc's {@code name}
     * @throws UnsupportedOperationException if libc has no such function
     */
    // Restricted by design: mp4j reaches libc through FFM (DESIGN.md, "Native").
    @SuppressWarnings("restricted")
    static MethodHandle downcall(String name, FunctionDescriptor fd, Linker.Option... options) {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow(
                () -> new UnsupportedOperationException("libc has no " + name + " on this platform"));
        return LINKER.downcallHandle(symbol, fd, options);
    }
}
