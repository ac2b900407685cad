package dev.mp4j.internal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableRunnable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A serializable runnable that captures nothing and calls a static method or a constructor, read from what a
 * parent sent with the default filter, is rebuilt as a {@link DirectRunnable}; every other lambda as its
 * capturing class's {@code $deserializeLambda$} makes it.
 */
@Timeout(60)
@SuppressWarnings("serial") // its serializable lambdas call its package-private methods: what the tests are about
public class DirectRunnableTest {
    /** Calls of the methods the runnables call (public: a class of another loader counts them too). */
    public static final AtomicInteger CALLS = new AtomicInteger();

    static void count() {
        CALLS.incrementAndGet();
    }

    /** Targets of their own for the tests that read them in other ways too (a target's first read is kept). */
    static void filtered() {
        CALLS.incrementAndGet();
    }

    static void again() {
        CALLS.incrementAndGet();
    }

    static void other() {
        CALLS.addAndGet(1000);
    }

    static int answer() {
        CALLS.incrementAndGet();
        return 42;
    }

    static void fail() {
        throw new IllegalStateException("from the target");
    }

    /** The receiver of a bound method reference. */
    static final class Receiver implements java.io.Serializable {
        void instance() {
            CALLS.addAndGet(10);
        }
    }

    /** Made by a constructor reference. */
    static final class Counted {
        Counted() {
            CALLS.addAndGet(100);
        }
    }

    private static Object decode(byte[] bytes, ObjectInputFilter filter) throws Exception {
        return Codec.decode(bytes, filter);
    }

    /** @return the value, read as a child reads what its parent sent (with the default process filter) */
    private static Object fromParent(byte[] bytes) throws Exception {
        return fromParent(bytes, Codec.DEFAULT_FILTER);
    }

    private static Object fromParent(byte[] bytes, ObjectInputFilter filter) throws Exception {
        assertEquals(FastFormat.MAGIC, bytes[0]);
        return FastReader.decodeFromParent(bytes, 0, bytes.length, filter);
    }

    private static Object roundTrip(SerializableRunnable r) throws Exception {
        return fromParent(Codec.encode(r));
    }

    /** @return the runnable's calls of the counted methods */
    private static int runs(Object r) {
        int before = CALLS.get();
        ((Runnable) r).run();
        return CALLS.get() - before;
    }

    @Test
    void staticMethodsAndConstructorsCapturingNothingAreCalledDirectly() throws Exception {
        SerializableRunnable ref = DirectRunnableTest::count;
        SerializableRunnable lambda = () -> CALLS.incrementAndGet();
        SerializableRunnable constructor = Counted::new;
        SerializableRunnable dropsResult = DirectRunnableTest::answer;
        SerializableRunnable jdkConstructor = StringBuilder::new;
        SerializableRunnable jdkStatic = Thread::onSpinWait;
        int[] expected = {1, 1, 100, 1, 0, 0};
        SerializableRunnable[] all = {ref, lambda, constructor, dropsResult, jdkConstructor, jdkStatic};
        for (int i = 0; i < all.length; i++) {
            Object back = roundTrip(all[i]);
            assertInstanceOf(DirectRunnable.class, back, "runnable " + i);
            assertInstanceOf(SerializableRunnable.class, back);
            assertEquals(expected[i], runs(back), "runnable " + i);
        }
        assertSame(roundTrip(ref), roundTrip(ref)); // one instance per call site, as the JDK's lambdas
        // the class a child must find for it, when it passes the target on: the capturing class
        assertSame(DirectRunnableTest.class, Codec.codeClass(roundTrip(ref)));
        assertSame(DirectRunnableTest.class, Codec.codeClass(roundTrip(jdkStatic)));
        assertSame(String.class, Codec.codeClass("x"));
        // another stream gets the instance the parent's made; one the parent's never made, $deserializeLambda$'s
        assertSame(roundTrip(ref), decode(Codec.encode(ref), null));
        SerializableRunnable notFromParent = () -> CALLS.addAndGet(2);
        Object other = decode(Codec.encode(notFromParent), null);
        assertTrue(other.getClass().isHidden(), "another stream: $deserializeLambda$'s");
        assertEquals(2, runs(other));
    }

    @Test
    void whatTheTargetThrowsIsThrownUnchanged() throws Exception {
        SerializableRunnable failing = DirectRunnableTest::fail;
        Object back = roundTrip(failing);
        assertInstanceOf(DirectRunnable.class, back);
        IllegalStateException e = assertThrows(IllegalStateException.class, ((Runnable) back)::run);
        assertEquals("from the target", e.getMessage());
    }

    @Test
    void capturingLambdasAndMethodReferencesOfEveryKindKeepTheirValues() throws Exception {
        int k = 7;
        String s = "abc";
        Receiver self = new Receiver();
        List<Object> list = new ArrayList<>(List.of(1, 2));
        SerializableRunnable capturesInt = () -> CALLS.addAndGet(k);
        SerializableRunnable capturesString = () -> CALLS.addAndGet(s.length());
        SerializableRunnable bound = self::instance; // invokeVirtual, the receiver captured
        SerializableRunnable capturesThis = () -> self.instance();
        SerializableRunnable boundInterface = list::size; // invokeInterface, the receiver captured
        int[] expected = {7, 3, 10, 10, 0};
        SerializableRunnable[] all = {capturesInt, capturesString, bound, capturesThis, boundInterface};
        for (int i = 0; i < all.length; i++) {
            byte[] bytes = Codec.encode(all[i]);
            Object back = bytes[0] == FastFormat.MAGIC ? fromParent(bytes) : decode(bytes, null);
            assertTrue(back.getClass().isHidden(), "runnable " + i + " is the JDK's lambda");
            assertEquals(expected[i], runs(back), "runnable " + i);
        }
    }

    @Test
    void aLambdaWithAMarkerInterfaceTakesTheJdksFormAndKeepsIt() throws Exception {
        SerializableRunnable marked = (SerializableRunnable & RandomAccess) () -> CALLS.incrementAndGet();
        byte[] bytes = Codec.encode(marked);
        assertFalse(bytes[0] == FastFormat.MAGIC);
        Object back = Codec.decodeFromParent(bytes);
        assertInstanceOf(RandomAccess.class, back);
        assertEquals(1, runs(back));
        Runnable serializable = (Runnable & java.io.Serializable) () -> CALLS.incrementAndGet();
        assertEquals(FastFormat.MAGIC, Codec.encode(serializable)[0], "Serializable is no marker");
    }

    @Test
    void aLambdaItsCapturingClassDoesNotMakeIsNotMadeFromAnotherStream() throws Exception {
        SerializableRunnable ref = DirectRunnableTest::count;
        byte[] bytes = Codec.encode(ref);
        // the same stream naming another static method of the same class, of the same type: no lambda of
        // this class calls it, and $deserializeLambda$ rejects it
        byte[] forged = replace(bytes, "count", "other");
        int before = CALLS.get();
        assertThrows(IOException.class, () -> decode(forged, null));
        assertEquals(before, CALLS.get());
    }

    @Test
    void aLambdaOfAClassThisJvmCannotSeeIsAClassNotFound() throws Exception {
        SerializableRunnable ref = Counted::new;
        String name = DirectRunnableTest.class.getName(); // the capturing class
        byte[] missing = replace(Codec.encode(ref), name, name.substring(0, name.length() - 1) + "X");
        for (boolean parent : new boolean[] {true, false}) {
            ClassNotFoundException e = assertThrows(ClassNotFoundException.class, () -> {
                Object unexpected = parent ? fromParent(missing) : decode(missing, null);
                throw new AssertionError("read " + unexpected);
            });
            assertTrue(e.getMessage().contains("DirectRunnableTesX"), e.getMessage());
        }
    }

    @Test
    void aFilterOfTheUsersSeesWhatItSeesOfTheJdksLambda() throws Exception {
        SerializableRunnable ref = DirectRunnableTest::filtered;
        byte[] bytes = Codec.encode(ref);
        assertInstanceOf(DirectRunnable.class, fromParent(bytes)); // and now kept for the next reads
        ObjectInputFilter hidden = info -> info.serialClass() != null && info.serialClass().isHidden()
                ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED;
        assertThrows(InvalidClassException.class, () -> fromParent(bytes, hidden));
        assertThrows(InvalidClassException.class, () -> fromParent(bytes, rejecting(DirectRunnableTest.class)));
        assertThrows(InvalidClassException.class,
                () -> fromParent(bytes, rejecting(java.lang.invoke.SerializedLambda.class)));
        Object accepted = fromParent(bytes, info -> ObjectInputFilter.Status.UNDECIDED);
        assertTrue(accepted.getClass().isHidden(), "a filter of the user's is shown the JDK's lambda class");
        assertEquals(1, runs(accepted));
        assertThrows(InvalidClassException.class, () -> fromParent(bytes, hidden));
    }

    @Test
    void serializedAgainItIsTheLambdaAgain() throws Exception {
        SerializableRunnable ref = DirectRunnableTest::again;
        Object back = roundTrip(ref);
        assertInstanceOf(DirectRunnable.class, back);
        // passed on by the child (to a child of its own, a pool, a queue): the lambda's fast form, as it came
        byte[] again = Codec.encode(back);
        assertEquals(FastFormat.MAGIC, again[0]);
        // one instance per lambda, whichever stream names it, as for the JDK's lambdas that capture nothing
        assertSame(back, decode(again, null));
        assertSame(back, fromParent(again));
        assertSame(back, fromParent(bytesOf(ref)));
        // the JDK's own serialization writes its SerializedLambda, which reads back as the JDK's lambda
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(out)) {
            o.writeObject(back);
        }
        Object twice;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(out.toByteArray()))) {
            twice = in.readObject();
        }
        assertTrue(twice.getClass().isHidden());
        assertEquals(1, runs(twice));
    }

    /** Targets of their own for the test below. */
    static void first() {
        CALLS.incrementAndGet();
    }

    static void second() {
        CALLS.addAndGet(2);
    }

    @Test
    void eachOfSeveralLambdasReadInTurnIsItsOwnInstanceAgain() throws Exception {
        SerializableRunnable one = DirectRunnableTest::first;
        SerializableRunnable two = DirectRunnableTest::second;
        Object a = roundTrip(one);
        Object b = roundTrip(two);
        assertInstanceOf(DirectRunnable.class, a);
        assertInstanceOf(DirectRunnable.class, b);
        assertFalse(a == b, "two lambdas, two instances");
        for (int i = 0; i < 3; i++) {
            assertSame(a, roundTrip(one));
            assertSame(b, roundTrip(two));
            assertSame(a, decode(Codec.encode(one), null));
            assertSame(b, decode(Codec.encode(two), null));
        }
        assertEquals(1, runs(a));
        assertEquals(2, runs(b));
    }

    @Test
    void moreLambdasThanAChildKeepsAtHandAreEachTheirOwnInstanceAgain() throws Exception {
        SerializableRunnable[] many = {() -> CALLS.addAndGet(1), () -> CALLS.addAndGet(2), () -> CALLS.addAndGet(3),
            () -> CALLS.addAndGet(4), () -> CALLS.addAndGet(5), () -> CALLS.addAndGet(6), () -> CALLS.addAndGet(7),
            () -> CALLS.addAndGet(8), () -> CALLS.addAndGet(9), () -> CALLS.addAndGet(10), () -> CALLS.addAndGet(11),
            () -> CALLS.addAndGet(12), () -> CALLS.addAndGet(13), () -> CALLS.addAndGet(14),
            () -> CALLS.addAndGet(15), () -> CALLS.addAndGet(16), () -> CALLS.addAndGet(17),
            () -> CALLS.addAndGet(18), () -> CALLS.addAndGet(19), () -> CALLS.addAndGet(20)};
        Object[] first = new Object[many.length];
        for (int i = 0; i < many.length; i++) {
            first[i] = roundTrip(many[i]);
            assertInstanceOf(DirectRunnable.class, first[i]);
        }
        for (int i = 0; i < many.length; i++) {
            assertSame(first[i], roundTrip(many[i]), "lambda " + i);
            assertSame(first[i], decode(Codec.encode(many[i]), null), "lambda " + i);
            assertEquals(i + 1, runs(first[i]), "lambda " + i);
        }
    }

    private static byte[] bytesOf(SerializableRunnable r) throws IOException {
        return Codec.encode(r);
    }

    /** How often {@link Capturing} was initialized (public: the copy another loader defines counts too). */
    public static final AtomicInteger INITIALIZED = new AtomicInteger();

    /** A capturing class whose initialization is seen. */
    public static final class Capturing {
        static {
            INITIALIZED.incrementAndGet();
        }

        static SerializableRunnable target() {
            return Capturing::work;
        }

        public static void work() {
            CALLS.incrementAndGet();
        }
    }

    @Test
    void theCapturingClassIsInitializedWhenTheLambdaIsRead() throws Exception {
        byte[] bytes = Codec.encode(Capturing.target());
        String name = Capturing.class.getName();
        ClassLoader fresh = new ClassLoader(getClass().getClassLoader()) { // defines its own Capturing, not initialized
            @Override
            protected Class<?> loadClass(String n, boolean resolve) throws ClassNotFoundException {
                if (!n.equals(name)) {
                    return super.loadClass(n, resolve);
                }
                synchronized (getClassLoadingLock(n)) {
                    Class<?> c = findLoadedClass(n);
                    if (c == null) {
                        try (InputStream in = getResourceAsStream(n.replace('.', '/') + ".class")) {
                            byte[] b = in.readAllBytes();
                            c = defineClass(n, b, 0, b.length);
                        } catch (IOException e) {
                            throw new ClassNotFoundException(n, e);
                        }
                    }
                    return c;
                }
            }
        };
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        int initialized = INITIALIZED.get();
        Class<?> other = Class.forName(name, false, fresh);
        assertEquals(initialized, INITIALIZED.get(), "loaded, not initialized");
        t.setContextClassLoader(fresh);
        Object back;
        try {
            back = fromParent(bytes);
        } finally {
            t.setContextClassLoader(before);
        }
        assertInstanceOf(DirectRunnable.class, back);
        assertEquals(initialized + 1, INITIALIZED.get(), "initialized as the lambda was read");
        assertEquals(1, runs(back));
        assertFalse(other == Capturing.class);
    }

    private static ObjectInputFilter rejecting(Class<?> cl) {
        return info -> info.serialClass() == cl ? ObjectInputFilter.Status.REJECTED
                : ObjectInputFilter.Status.UNDECIDED;
    }

    /** @return {@code bytes} with the first occurrence of a string's UTF-8 replaced by another of its length */
    private static byte[] replace(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertEquals(f.length, t.length);
        byte[] out = bytes.clone();
        outer:
        for (int i = 0; i + f.length <= out.length; i++) {
            for (int j = 0; j < f.length; j++) {
                if (out[i + j] != f[j]) {
                    continue outer;
                }
            }
            System.arraycopy(t, 0, out, i, t.length);
            return out;
        }
        throw new AssertionError("no " + from + " in the stream");
    }
}
