package dev.mp4j.internal.child;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Gives SIGTERM back its default action in a child JVM, as a Python child has it: the process ends at once
 * with "killed by signal 15" (no shutdown hooks), so the parent reports exit code -15 and can tell it from
 * {@code System.exit(143)}.
 *
 * <p>This uses {@code sun.misc.Signal} (module jdk.unsupported) rather than calling libc's
 * {@code signal()} through FFM: the FFM linker costs a fresh JVM about 200 ms before its first downcall,
 * which a child cannot afford at start-up; the method-handle calls here take a fresh child a few
 * milliseconds (the class of a lambda is made at run time), on a thread of their own.
 *
 * <p>The JDK installs the native default first and drops its Java handler after: a SIGTERM taken by
 * the JVM's handler just before and dispatched just after finds no handler and is lost. The parent sends
 * SIGTERM again if it sent one before the child reported the swap done ({@code ChildJvm#terminate}).
 */
final class Signals {
    private Signals() {}

    /** {@code sun.misc.Signal.handle}, typed as this class can name it. */
    private interface Handle {
        Object handle(Object signal, Object handler);
    }

    /** Gives SIGTERM its default action in this JVM, where the JDK lets it (otherwise the JVM keeps its handler). */
    static void defaultTerm() {
        // Method handles rather than javac's direct calls keep its "internal proprietary API" warning (which
        // cannot be suppressed) out of the build; the API itself is exported by jdk.unsupported for exactly
        // this use. Rather than core reflection too: its accessors are method handles of their own, made on
        // first use. The constructor's and the field's handles are only viewed as returning Object, which
        // makes nothing; handle(), whose arguments need casts, is called through a lambda LambdaMetafactory
        // makes of it, which casts them in its own bytecode: asType would make its casts of method handles,
        // three classes of generated code that took a fresh child about 3 ms more, while the lambda's class
        // is made as the job's lambda is made next, on the main thread.
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Object term = (Object) lookup.findConstructor(signal, MethodType.methodType(void.class, String.class))
                    .asType(MethodType.methodType(Object.class, String.class)).invokeExact("TERM");
            Object dfl = (Object) lookup.findStaticGetter(handler, "SIG_DFL", handler)
                    .asType(MethodType.methodType(Object.class)).invokeExact();
            MethodHandle handle = lookup.findStatic(signal, "handle", MethodType.methodType(handler, signal, handler));
            MethodType erased = MethodType.methodType(Object.class, Object.class, Object.class);
            Handle call = (Handle) LambdaMetafactory.metafactory(MethodHandles.lookup(), "handle",
                    MethodType.methodType(Handle.class), erased, handle, handle.type()).getTarget().invokeExact();
            call.handle(term, dfl);
        } catch (Error e) {
            throw e;
        } catch (Throwable e) {
            // the JVM keeps its handler: SIGTERM then runs shutdown hooks and reads as an exit with code 143
        }
    }
}
