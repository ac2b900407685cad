package dev.mp4j.internal.wire;

import dev.mp4j.function.SerializableRunnable;
import java.io.Serial;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;

/**
 * A serializable lambda or method reference of type {@link SerializableRunnable} (a process's target, a
 * pool's initializer) that captures nothing and whose implementation is a static method or a constructor,
 * read from what this JVM's parent sent it ({@link FastReader#decodeFromParent}) and rebuilt without its
 * capturing class's {@code $deserializeLambda$}: that call links a call site and spins a lambda class, 1–3 ms
 * of a fresh JVM (the JDK's AOT cache cannot hold serializable lambdas), where a direct method handle to the
 * implementation method costs a few tenths. {@code $deserializeLambda$} would check that the class makes
 * such a lambda: the parent wrote it from the lambda itself. The method is looked up with the capturing
 * class's own access, as its call site's is, and the capturing class is initialized first, as calling its
 * {@code $deserializeLambda$} initializes it. {@link #run} calls the method (dropping its result) and throws
 * what it throws, as the lambda's class does; serialized, this writes the lambda's {@link SerializedLambda},
 * which deserialization turns back into the lambda. Lambdas with captured arguments are left to
 * {@code $deserializeLambda$}: binding them to a method handle makes the JDK spin classes of its own, which a
 * fresh JVM pays more for than for the lambda's.
 *
 * <p>It differs from the lambda the JDK would make only in what {@code run} does not show: its class (not a
 * hidden class of the capturing class's nest), and so its {@code toString}, and a frame of its own in the
 * stack trace of what the method throws (the JDK's lambda classes hide theirs).
 */
final class DirectRunnable implements SerializableRunnable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final String INTERFACE = "dev/mp4j/function/SerializableRunnable";
    private static final MethodType VOID = MethodType.methodType(void.class);

    /** The implementation method: () -> void. */
    private final transient MethodHandle target;
    /** What this lambda is serialized as. */
    private final SerializedLambda form;
    /** The class whose lambda this is. */
    private final transient Class<?> capturing;

    private DirectRunnable(MethodHandle target, SerializedLambda form, Class<?> capturing) {
        this.target = target;
        this.form = form;
        this.capturing = capturing;
    }

    /**
     * @param capturing the capturing class, resolved
     * @param captured the captured arguments, decoded
     * @return the lambda; or null when this way does not apply (another functional interface, captured
     *     arguments, an implementation method other than a static method or a constructor, a method mp4j
     *     may not look up), and {@code $deserializeLambda$} is the way
     * @throws LinkageError if loading the implementation class or initializing the capturing class fails
     */
    static Object make(Class<?> capturing, String fiClass, String fiName, String fiSig, int implKind, String implClass,
                       String implName, String implSig, String instantiated, Object[] captured) {
        if (captured.length != 0 || !fiClass.equals(INTERFACE) || !fiName.equals("run") || !fiSig.equals("()V")
                || !instantiated.equals("()V") || !implSig.startsWith("()")
                || implKind != MethodHandleInfo.REF_invokeStatic && implKind != MethodHandleInfo.REF_newInvokeSpecial) {
            return null;
        }
        MethodHandles.Lookup lookup;
        MethodHandle mh;
        try {
            FastFormat.class.getModule().addReads(capturing.getModule());
            lookup = MethodHandles.privateLookupIn(capturing, MethodHandles.lookup());
            // first, as calling $deserializeLambda$ does; and a handle to a static method of a class not yet
            // initialized would take a form that checks at each call, which a fresh JVM spins a class for
            lookup.ensureInitialized(capturing);
            ClassLoader loader = capturing.getClassLoader();
            String implClassName = implClass.replace('/', '.');
            Class<?> impl = implClassName.equals(capturing.getName()) ? capturing
                    : Class.forName(implClassName, false, loader);
            MethodType type = implSig.equals("()V") ? VOID : MethodType.fromMethodDescriptorString(implSig, loader);
            mh = implKind == MethodHandleInfo.REF_invokeStatic ? lookup.findStatic(impl, implName, type)
                    : lookup.findConstructor(impl, type);
            if (mh.type().returnType() != void.class) {
                mh = mh.asType(VOID); // a method reference whose result the runnable drops
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // $deserializeLambda$ makes it, or reports why it cannot
        }
        return new DirectRunnable(mh, new SerializedLambda(capturing, fiClass, fiName, fiSig, implKind, implClass,
                implName, implSig, instantiated, captured), capturing);
    }

    @Override
    public void run() {
        try {
            target.invokeExact();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw sneaky(t);
        }
    }

    /** Rethrows a checked exception the method threw, as the lambda's class would (the JVM does not check). */
    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    /** @return the class whose lambda this is */
    Class<?> capturingClass() {
        return capturing;
    }

    /** @return what this lambda is serialized as */
    SerializedLambda form() {
        return form;
    }

    @Serial
    private Object writeReplace() {
        return form;
    }

    /** Never read as itself: it is written as its {@link SerializedLambda}. */
    @Serial
    private void readObject(java.io.ObjectInputStream in) throws java.io.InvalidObjectException {
        throw new java.io.InvalidObjectException("a lambda is read through its SerializedLambda");
    }
}
