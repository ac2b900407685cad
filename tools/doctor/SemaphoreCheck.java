import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * ./mp4j doctor's check of POSIX named semaphores, which mp4j's queues, pipes and locks block on: makes one
 * (sem_open with O_CREAT|O_EXCL, mode 0600), posts it, takes it back, closes and unlinks it, through the FFM
 * API as mp4j does. Runs as a single-file program (java SemaphoreCheck.java), without mp4j built. Prints one
 * line: "ok ..." and exits 0, or what failed (with errno's text) and exits 1.
 */
public final class SemaphoreCheck {
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;

    public static void main(String[] args) throws Throwable {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        var capture = Linker.Option.captureStateLayout();
        VarHandle errno = capture.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
        MethodHandle semOpen = linker.downcallHandle(libc.find("sem_open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
        MethodHandle semPost = linker.downcallHandle(libc.find("sem_post").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS), Linker.Option.captureCallState("errno"));
        MethodHandle semTryWait = linker.downcallHandle(libc.find("sem_trywait").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS), Linker.Option.captureCallState("errno"));
        MethodHandle semClose = linker.downcallHandle(libc.find("sem_close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        MethodHandle semUnlink = linker.downcallHandle(libc.find("sem_unlink").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        MethodHandle strerror = linker.downcallHandle(libc.find("strerror").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(ValueLayout.JAVA_BYTE), ValueLayout.JAVA_INT));

        String name = "/mp4j-doctor-" + ProcessHandle.current().pid();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(capture);
            MemorySegment cName = arena.allocateFrom(name);
            MemorySegment sem = (MemorySegment) semOpen.invokeExact(state, cName, O_CREAT | O_EXCL, 0600, 0);
            if (sem.address() == 0L) {
                fail("sem_open(" + name + ")", (int) errno.get(state, 0L), strerror);
            }
            try {
                if ((int) semPost.invokeExact(state, sem) != 0) {
                    fail("sem_post", (int) errno.get(state, 0L), strerror);
                }
                if ((int) semTryWait.invokeExact(state, sem) != 0) {
                    fail("sem_trywait after sem_post", (int) errno.get(state, 0L), strerror);
                }
            } finally {
                int closed = (int) semClose.invokeExact(sem);
                int unlinked = (int) semUnlink.invokeExact(cName);
                if (closed != 0 || unlinked != 0) {
                    System.out.println("sem_close/sem_unlink of " + name + " failed");
                    System.exit(1);
                }
            }
        }
        System.out.println("ok: sem_open, sem_post, sem_trywait, sem_close and sem_unlink work");
    }

    private static void fail(String call, int err, MethodHandle strerror) throws Throwable {
        MemorySegment text = (MemorySegment) strerror.invokeExact(err);
        System.out.println(call + " failed: " + text.reinterpret(256).getString(0) + " (errno " + err + ")");
        System.exit(1);
    }
}
