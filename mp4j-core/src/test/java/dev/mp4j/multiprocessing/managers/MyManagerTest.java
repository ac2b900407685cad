package dev.mp4j.multiprocessing.managers;

import dev.mp4j.internal.managers.StandardTypes;
import dev.mp4j.internal.managers.TypeSpec;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.RemoteTraceback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CPython's {@code _TestMyManager} (a customized manager: a typeid with all public methods exposed, one with
 * an explicit exposed list, one whose referent is an iterator), and the registration options of
 * {@code BaseManager.register}: methodToTypeid, createMethod, factories, the initializer, the lifecycle.
 */
@Timeout(60)
class MyManagerTest {

    /** What the typed proxies of FooBar implement. */
    public interface Foo {
        String f();

        void g();

        String h();
    }

    /** CPython's FooBar: f() returns, g() raises ValueError; h() stands for its _h (not exposed to Bar). */
    static final class FooBar implements Foo {
        @Override
        public String f() {
            return "f()";
        }

        @Override
        public void g() {
            throw new IllegalArgumentException("g failed");
        }

        @Override
        public String h() {
            return "h()";
        }

        public Iterator<Integer> squares(int n) {
            return IntStream.range(0, n).map(i -> i * i).iterator();
        }

        public void checked() throws IOException {
            throw new IOException("checked");
        }

        @Override
        public String toString() {
            return "FooBar!";
        }
    }

    /** What a Foo proxy with an iterator-returning method implements. */
    public interface Squares {
        Iterator<Integer> squares(int n);

        void checked() throws IOException;
    }

    /** CPython's baz(): a generator of i*i. */
    static Iterator<Integer> baz() {
        return IntStream.range(0, 10).map(i -> i * i).iterator();
    }

    /** A serializable counter made by a factory from create()'s arguments. */
    static final class Counter implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        private int n;

        Counter(int start) {
            this.n = start;
        }

        public synchronized int increment() {
            return ++n;
        }

        public String origin() {
            return System.getProperty("mp4j.test.initialized", "no initializer") + " in "
                    + Multiprocessing.currentProcess().name();
        }
    }

    /** CPython's MyManager: its typeids registered in its constructor (Python registers them on the class). */
    static final class MyManager extends BaseManager {
        MyManager() {
            register("Foo", FooBar::new);
            register("Bar", FooBar::new, null, List.of("f", "h"), null, true);
            register("baz", MyManagerTest::baz, Iterator.class, null, null, true);
            register("Squares", FooBar::new, null, null, Map.of("squares", "Iterator"), true);
            register("Iterator", null, Iterator.class, List.of("hasNext", "next"), null, false);
            registerFactory("Counter", args -> new Counter((Integer) args[0]));
        }
    }

    private static List<Integer> drain(Iterator<Integer> it) {
        List<Integer> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    /** CPython's common(manager). */
    private static void common(BaseManager manager) {
        Foo foo = manager.create("Foo", Foo.class);
        Foo bar = manager.create("Bar", Foo.class);
        @SuppressWarnings("unchecked")
        Iterator<Integer> baz = manager.create("baz", Iterator.class);

        assertEquals("f()", foo.f());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, foo::g);
        assertEquals("g failed", e.getMessage());
        assertTrue(Arrays.stream(e.getSuppressed()).anyMatch(s -> s instanceof RemoteTraceback
                && s.getMessage().contains("MyManager-")), () -> Arrays.toString(e.getSuppressed()));
        assertEquals("f()", BaseProxy.of(foo).callMethod("f"));
        assertEquals("h()", BaseProxy.of(foo).callMethod("h"));

        assertEquals("f()", bar.f());
        assertEquals("h()", bar.h());
        assertEquals("f()", BaseProxy.of(bar).callMethod("f"));
        RemoteError notExposed = assertThrows(RemoteError.class, bar::g);
        assertTrue(notExposed.getMessage().contains("'g'") && notExposed.getMessage().contains("not in exposed"),
                notExposed::getMessage);
        assertThrows(RemoteError.class, () -> BaseProxy.of(bar).callMethod("g"));

        assertEquals(List.of(0, 1, 4, 9, 16, 25, 36, 49, 64, 81), drain(baz));
    }

    @Test
    void mymanagerStartShutdownAndContext() {
        MyManager manager = new MyManager();
        manager.start();
        common(manager);
        manager.shutdown();
        int code = manager.serverProcess().exitCode().orElseThrow();
        assertTrue(code == 0 || code == -15, "exit code " + code);
        manager.shutdown(); // may be called more than once

        MyManager second = new MyManager();
        try (second) {
            second.start();
            common(second);
            registrationOptions(second);
        }
        code = second.serverProcess().exitCode().orElseThrow();
        assertTrue(code == 0 || code == -15, "exit code " + code);
        assertThrows(IllegalStateException.class, () -> second.create("Foo", Foo.class));
        assertThrows(IllegalStateException.class, second::start);
    }

    private static void registrationOptions(MyManager manager) {
        // methodToTypeid: the result stays in the server; the proxy implements the method's return type
        Squares sq = manager.create("Squares", Squares.class);
        Iterator<Integer> it = sq.squares(4);
        assertTrue(java.lang.reflect.Proxy.isProxyClass(it.getClass()));
        assertEquals(List.of(0, 1, 4, 9), drain(it));
        // an untyped call of the same method gives a proxy typed by the registered interface
        Object viaCall = BaseProxy.of(sq).callMethod("squares", 3);
        assertInstanceOf(Iterator.class, viaCall);
        @SuppressWarnings("unchecked")
        Iterator<Integer> it2 = (Iterator<Integer>) viaCall;
        assertEquals(List.of(0, 1, 4), drain(it2));
        // a checked exception the interface method declares passes unwrapped; an untyped call wraps it
        IOException io = assertThrows(IOException.class, sq::checked);
        assertEquals("checked", io.getMessage());
        CompletionException wrapped = assertThrows(CompletionException.class,
                () -> BaseProxy.of(sq).callMethod("checked"));
        assertInstanceOf(IOException.class, wrapped.getCause());

        // createMethod=false, unknown typeids, arguments to a supplier's typeid
        assertThrows(IllegalArgumentException.class, () -> manager.create("Iterator", Iterator.class));
        assertThrows(IllegalArgumentException.class, () -> manager.createProxy("nope"));
        assertThrows(IllegalArgumentException.class, () -> manager.create("Foo", Foo.class, 1));
        assertThrows(IllegalArgumentException.class, () -> manager.create("Foo", FooBar.class));

        // a factory receives create()'s arguments; the untyped proxy calls by name
        BaseProxy counter = manager.createProxy("Counter", 41);
        assertEquals(42, counter.callMethod("increment"));
        assertEquals(43, counter.callMethod("increment"));
        Counter copy = (Counter) counter.getValue();
        assertEquals(44, copy.increment()); // a copy: the referent is not changed by it
        assertEquals(44, counter.callMethod("increment"));
        assertThrows(RemoteError.class, () -> counter.callMethod("increment", "too many"));
        assertThrows(RemoteError.class, () -> counter.callMethod("noSuchMethod"));

        // toString describes the proxy; referentToString is the referent's; typed toString is the referent's
        Foo foo = manager.create("Foo", Foo.class);
        BaseProxy base = BaseProxy.of(foo);
        assertTrue(base.toString().startsWith("<BaseProxy object, typeid 'Foo' at 0x"), base::toString);
        assertTrue(base.toString().contains(String.valueOf(manager.address())), base::toString);
        assertEquals("FooBar!", base.referentToString());
        assertEquals("FooBar!", foo.toString());
        assertEquals(foo, foo);
        assertEquals(base, BaseProxy.of(foo));
        assertFalse(foo.equals(manager.create("Foo", Foo.class)));
        assertThrows(IllegalArgumentException.class, () -> BaseProxy.of("not a proxy"));
    }

    @Test
    void lifecycleErrorsAndTheInitializer() {
        MyManager manager = new MyManager();
        assertThrows(IllegalStateException.class, () -> manager.create("Foo", Foo.class));
        assertThrows(IllegalStateException.class, manager::shutdown);
        assertThrows(IllegalStateException.class, manager::connect);
        manager.start(() -> System.setProperty("mp4j.test.initialized", "initialized"));
        try {
            assertNotNull(manager.address());
            assertThrows(IllegalStateException.class, manager::start);
            assertThrows(IllegalStateException.class, () -> manager.register("More", FooBar::new));
            BaseProxy counter = manager.createProxy("Counter", 0);
            String origin = (String) counter.callMethod("origin");
            assertTrue(origin.startsWith("initialized in MyManager-"), origin);
            assertEquals(manager.serverProcess().name(), origin.substring("initialized in ".length()));
        } finally {
            manager.close();
        }
        manager.close();
        assertSame(null, manager.serverProcess().exitCode().isPresent() ? null : "still running");
    }

    @Test
    void aFailingInitializerIsRaisedByStart() {
        MyManager manager = new MyManager();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> manager.start(() -> { throw new IllegalStateException("no way"); }));
        assertEquals("no way", e.getMessage());
        assertTrue(Arrays.stream(e.getSuppressed()).anyMatch(s -> s instanceof RemoteTraceback));
    }

    @Test
    void aServerThatEndsBeforeItReportsFailsStartWithItsExitCode() {
        MyManager manager = new MyManager();
        ProcessError e = assertThrows(ProcessError.class, () -> manager.start(() -> Runtime.getRuntime().halt(7)));
        assertTrue(e.getMessage().contains("ended before it listened (exit code 7)"), e.getMessage());
        assertTrue(Multiprocessing.activeChildren().stream().noneMatch(p -> p.name().startsWith("MyManager-")),
                Multiprocessing.activeChildren().toString());
    }

    @Test
    void theStandardTypeidsReachTheServerByName() {
        Map<String, TypeSpec> mine = StandardTypes.registry();
        TypeSpec own = new TypeSpec("dict", () -> new java.util.TreeMap<>(), null, null, null, null, true);
        mine.put("dict", own);
        ServerProcess.Registry sent = ServerProcess.Registry.of(mine);
        assertFalse(sent.standard().contains("dict"), "a replaced entry travels whole");
        assertSame(own, sent.others().get("dict"));
        assertTrue(sent.standard().containsAll(List.of("list", "Queue", "Pool", "Iterator")), sent.standard().toString());
        assertEquals(mine, sent.toMap());
    }

    @Test
    void aCallableThatCannotBeSerializedFailsStartNamingWhatIsNot() {
        Object notSerializable = new Object();
        MyManager manager = new MyManager();
        manager.register("odd", () -> List.of(notSerializable));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, manager::start);
        assertTrue(e.getMessage().contains("java.lang.Object is not serializable"), e.getMessage());
        manager.close();
    }

    @Test
    void aSyncManagerWithAReplacedStandardTypeidServesBothKinds() {
        try (SyncManager manager = new SyncManager()) {
            manager.register("dict", () -> new java.util.TreeMap<>(), null, null, null, true);
            manager.start();
            @SuppressWarnings("unchecked")
            Map<String, Integer> sorted = manager.create("dict", Map.class);
            sorted.put("b", 2);
            sorted.put("a", 1);
            assertEquals("a", BaseProxy.of(sorted).callMethod("firstKey"),
                    "the replaced entry's own referent: a TreeMap");
            List<Integer> l = manager.list();
            l.add(7);
            assertEquals(List.of(7), List.copyOf(l));
        }
    }
}
