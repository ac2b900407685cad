package dev.mp4j.internal.managers;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

/**
 * A referent's method as the server calls it. Most go through reflection. The common methods of
 * {@link Map} and {@link List}, which a shared dict's or list's every call resolves to, are called directly:
 * reflection links a method handle for each method on its first call, and runs several frames a call until
 * the JIT has compiled them, which a server pays during its first thousands of calls. The outcome is the
 * same either way: the referent's exception (or error) in an {@link InvocationTargetException}, and a call
 * whose arguments do not fit (their number, an {@code int} parameter given another type) made through
 * reflection, which refuses it as it would otherwise.
 */
final class Invoker {
    private static final int REFLECT = 0;
    private static final int MAP_GET = 1;
    private static final int MAP_PUT = 2;
    private static final int MAP_CONTAINS_KEY = 3;
    private static final int MAP_REMOVE = 4;
    private static final int MAP_SIZE = 5;
    private static final int MAP_IS_EMPTY = 6;
    private static final int MAP_GET_OR_DEFAULT = 7;
    private static final int MAP_PUT_IF_ABSENT = 8;
    private static final int MAP_CLEAR = 9;
    private static final int LIST_SIZE = 10;
    private static final int LIST_ADD = 11;
    private static final int LIST_GET = 12;
    private static final int LIST_SET = 13;

    /** The method resolved for the call. */
    final Method method;
    private final int op;
    private final int arity;

    private Invoker(Method method, int op) {
        this.method = method;
        this.op = op;
        this.arity = method.getParameterCount();
    }

    /**
     * @param m a method resolved for a call, invocable by this module
     * @return how to call it
     */
    static Invoker of(Method m) {
        return new Invoker(m, op(m));
    }

    /** Which direct call, by name and parameter types (no string concatenation: linked on first use). */
    private static int op(Method m) {
        Class<?>[] p = m.getParameterTypes();
        int n = p.length;
        if (m.getDeclaringClass() == Map.class && objects(p)) {
            return switch (m.getName()) {
                case "get" -> n == 1 ? MAP_GET : REFLECT;
                case "put" -> n == 2 ? MAP_PUT : REFLECT;
                case "containsKey" -> n == 1 ? MAP_CONTAINS_KEY : REFLECT;
                case "remove" -> n == 1 ? MAP_REMOVE : REFLECT;
                case "size" -> n == 0 ? MAP_SIZE : REFLECT;
                case "isEmpty" -> n == 0 ? MAP_IS_EMPTY : REFLECT;
                case "getOrDefault" -> n == 2 ? MAP_GET_OR_DEFAULT : REFLECT;
                case "putIfAbsent" -> n == 2 ? MAP_PUT_IF_ABSENT : REFLECT;
                case "clear" -> n == 0 ? MAP_CLEAR : REFLECT;
                default -> REFLECT;
            };
        }
        if (m.getDeclaringClass() == List.class) {
            return switch (m.getName()) {
                case "size" -> n == 0 ? LIST_SIZE : REFLECT;
                case "add" -> n == 1 && p[0] == Object.class ? LIST_ADD : REFLECT;
                case "get" -> n == 1 && p[0] == int.class ? LIST_GET : REFLECT;
                case "set" -> n == 2 && p[0] == int.class && p[1] == Object.class ? LIST_SET : REFLECT;
                default -> REFLECT;
            };
        }
        return REFLECT;
    }

    private static boolean objects(Class<?>[] types) {
        for (Class<?> t : types) {
            if (t != Object.class) {
                return false;
            }
        }
        return true;
    }

    /**
     * Calls the method, as {@link Method#invoke} does.
     *
     * @param obj the referent (an instance of the class the method was resolved on)
     * @param args the arguments
     * @return its result, primitives boxed
     * @throws InvocationTargetException carrying what the method threw
     * @throws IllegalAccessException if reflection refuses the call
     * @throws IllegalArgumentException if the arguments do not fit the method
     */
    Object invoke(Object obj, Object[] args) throws InvocationTargetException, IllegalAccessException {
        if (op == REFLECT || args.length != arity || op >= LIST_GET && !(args[0] instanceof Integer)) {
            return method.invoke(obj, args);
        }
        try {
            return op < LIST_SIZE ? map(obj, args) : list(obj, args);
        } catch (Throwable t) {
            throw new InvocationTargetException(t);
        }
    }

    @SuppressWarnings("unchecked")
    private Object map(Object obj, Object[] args) {
        Map<Object, Object> m = (Map<Object, Object>) obj;
        return switch (op) {
            case MAP_GET -> m.get(args[0]);
            case MAP_PUT -> m.put(args[0], args[1]);
            case MAP_CONTAINS_KEY -> m.containsKey(args[0]);
            case MAP_REMOVE -> m.remove(args[0]);
            case MAP_SIZE -> m.size();
            case MAP_IS_EMPTY -> m.isEmpty();
            case MAP_GET_OR_DEFAULT -> m.getOrDefault(args[0], args[1]);
            case MAP_PUT_IF_ABSENT -> m.putIfAbsent(args[0], args[1]);
            default -> {
                m.clear();
                yield null;
            }
        };
    }

    @SuppressWarnings("unchecked")
    private Object list(Object obj, Object[] args) {
        List<Object> l = (List<Object>) obj;
        return switch (op) {
            case LIST_SIZE -> l.size();
            case LIST_ADD -> l.add(args[0]);
            case LIST_GET -> l.get((Integer) args[0]);
            default -> l.set((Integer) args[0], args[1]);
        };
    }
}
