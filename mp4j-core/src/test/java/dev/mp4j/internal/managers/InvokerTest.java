package dev.mp4j.internal.managers;

import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's calls of a referent's methods: direct for a shared dict's and list's, as reflection makes them. */
class InvokerTest {
    private static final String[] NONE = {};
    private static final String[] ONE = {"java.lang.Object"};
    private static final String[] TWO = {"java.lang.Object", "java.lang.Object"};

    private static Object call(Object referent, String name, String[] signature, Object... args) throws Exception {
        return Methods.find(referent.getClass(), name, signature, args).invoke(referent, args);
    }

    @Test
    void aSharedDictAnswersAsItsMapWould() throws Exception {
        Map<Object, Object> d = Collections.synchronizedMap(new LinkedHashMap<>());
        assertNull(call(d, "put", TWO, "k", 1));
        assertEquals(1, call(d, "put", TWO, "k", 2));
        assertEquals(2, call(d, "get", ONE, "k"));
        assertEquals(true, call(d, "containsKey", ONE, "k"));
        assertEquals(1, call(d, "size", NONE));
        assertEquals(false, call(d, "isEmpty", NONE));
        assertEquals(7, call(d, "getOrDefault", TWO, "missing", 7));
        assertEquals(2, call(d, "putIfAbsent", TWO, "k", 3));
        assertEquals(2, call(d, "remove", ONE, "k"));
        assertNull(call(d, "putIfAbsent", TWO, "k", 3));
        assertNull(call(d, "clear", NONE));
        assertTrue(d.isEmpty());
        assertEquals(Map.class, Methods.find(d.getClass(), "get", ONE, new Object[] {"k"}).method.getDeclaringClass());
    }

    @Test
    void aSharedListAnswersAsItsListWould() throws Exception {
        List<Object> l = Collections.synchronizedList(new ArrayList<>());
        assertEquals(true, call(l, "add", ONE, "a"));
        assertEquals(1, call(l, "size", NONE));
        assertEquals("a", call(l, "get", new String[] {"int"}, 0));
        assertEquals("a", call(l, "set", new String[] {"int", "java.lang.Object"}, 0, "b"));
        assertEquals(List.of("b"), l);
    }

    @Test
    void theReferentsExceptionComesInAnInvocationTargetException() throws Exception {
        List<Object> l = Collections.synchronizedList(new ArrayList<>());
        InvocationTargetException e = assertThrows(InvocationTargetException.class,
                () -> call(l, "get", new String[] {"int"}, 3));
        assertInstanceOf(IndexOutOfBoundsException.class, e.getCause());
        Map<Object, Object> fixed = Collections.synchronizedMap(Map.of());
        e = assertThrows(InvocationTargetException.class, () -> call(fixed, "put", TWO, "k", 1));
        assertInstanceOf(UnsupportedOperationException.class, e.getCause());
    }

    @Test
    void argumentsThatDoNotFitAreRefusedAsReflectionRefusesThem() throws Exception {
        List<Object> l = Collections.synchronizedList(new ArrayList<>(List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> call(l, "get", new String[] {"int"}, "0"));
        Map<Object, Object> d = Collections.synchronizedMap(new LinkedHashMap<>());
        assertThrows(IllegalArgumentException.class, () -> call(d, "put", TWO, "k"));
        assertThrows(IllegalArgumentException.class, () -> call(d, "get", ONE, "k", "extra"));
    }

    @Test
    void otherMethodsGoThroughReflection() throws Exception {
        Map<Object, Object> d = Collections.synchronizedMap(new LinkedHashMap<>(Map.of("k", 1)));
        assertEquals(List.of("k"), new ArrayList<>((java.util.Set<?>) call(d, "keySet", NONE)));
        StringBuilder sb = new StringBuilder();
        assertSame(sb, call(sb, "append", new String[] {"java.lang.String"}, "x"));
        assertEquals("x", sb.toString());
    }
}
