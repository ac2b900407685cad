package dev.mp4j.internal.managers;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the method a proxy call names, on the referent's class, in a form this module may invoke: a public
 * method declared by a public type of an exported package (an interface the referent implements, when its
 * own class is private, as the JDK's synchronized collections are), or else one made accessible. Results
 * are cached per class, name and signature.
 */
final class Methods {
    private static final Map<Key, Invoker> CACHE = new ConcurrentHashMap<>();
    private static final Map<Class<?>, Set<String>> PUBLIC_NAMES = new ConcurrentHashMap<>();
    private static final Set<String> OBJECT_NAMES = Set.of("getClass", "hashCode", "equals", "toString", "notify",
            "notifyAll", "wait", "clone", "finalize");
    private static final Map<String, Class<?>> PRIMITIVES = Map.of("int", int.class, "long", long.class,
            "double", double.class, "float", float.class, "boolean", boolean.class, "byte", byte.class,
            "short", short.class, "char", char.class, "void", void.class);

    private Methods() {}

    /**
     * A cached lookup: the class, the method's name, and the signature or the arguments' classes' names
     * (then with a last element no signature has). Not a record: its hash and equality run on every call,
     * and a record's are linked through method handles the first time, which a server pays on its first
     * calls.
     */
    private static final class Key {
        private final Class<?> cls;
        private final String name;
        private final String[] types;
        private final int hash;

        Key(Class<?> cls, String name, String[] types) {
            this.cls = cls;
            this.name = name;
            this.types = types;
            this.hash = (cls.hashCode() * 31 + name.hashCode()) * 31 + Arrays.hashCode(types);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.cls == cls && k.hash == hash && k.name.equals(name)
                    && Arrays.equals(k.types, types);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * @param cls a referent's class
     * @return the names of its public methods, those of {@code Object} aside (the default exposed set)
     */
    static Set<String> publicNames(Class<?> cls) {
        return PUBLIC_NAMES.computeIfAbsent(cls, c -> {
            Set<String> names = new TreeSet<>();
            for (Method m : c.getMethods()) {
                if (!OBJECT_NAMES.contains(m.getName()) && !Modifier.isStatic(m.getModifiers())) {
                    names.add(m.getName());
                }
            }
            return Set.copyOf(names);
        });
    }

    /** @return whether every referent answers it, whatever its exposed list */
    static boolean isObjectMethod(String name, int arity) {
        return (name.equals("toString") || name.equals("hashCode")) && arity == 0
                || name.equals("equals") && arity == 1;
    }

    /**
     * @param cls the referent's class
     * @param name the method's name
     * @param signature the parameter types' names, or null to choose from the arguments
     * @param args the arguments
     * @return the method, invocable on an instance of {@code cls}
     * @throws NoSuchMethodException if there is none, or the arguments fit none
     * @throws ClassNotFoundException if a parameter type cannot be loaded here
     */
    static Invoker find(Class<?> cls, String name, String[] signature, Object[] args)
            throws NoSuchMethodException, ClassNotFoundException {
        String[] sigOrArgs;
        if (signature != null) {
            sigOrArgs = signature;
        } else {
            sigOrArgs = new String[args.length + 1];
            sigOrArgs[args.length] = "[by argument]"; // never a signature's last type name
            for (int i = 0; i < args.length; i++) {
                sigOrArgs[i] = args[i] == null ? "null" : args[i].getClass().getName();
            }
        }
        Key k = new Key(cls, name, sigOrArgs);
        Invoker m = CACHE.get(k);
        if (m == null) {
            Class<?>[] types = signature != null ? load(signature, cls) : choose(cls, name, args);
            m = Invoker.of(accessible(cls, name, types));
            CACHE.put(new Key(cls, name, sigOrArgs.clone()), m);
        }
        return m;
    }

    private static Class<?>[] load(String[] names, Class<?> cls) throws ClassNotFoundException {
        ClassLoader loader = cls.getClassLoader();
        Class<?>[] types = new Class<?>[names.length];
        for (int i = 0; i < names.length; i++) {
            Class<?> p = PRIMITIVES.get(names[i]);
            if (p == null) {
                try {
                    p = Class.forName(names[i], false, loader);
                } catch (ClassNotFoundException e) {
                    ClassLoader context = Thread.currentThread().getContextClassLoader();
                    p = Class.forName(names[i], false, context != null ? context : Methods.class.getClassLoader());
                }
            }
            types[i] = p;
        }
        return types;
    }

    /** The parameter types of the most specific public method that accepts {@code args}. */
    private static Class<?>[] choose(Class<?> cls, String name, Object[] args) throws NoSuchMethodException {
        List<Method> fits = new ArrayList<>();
        boolean named = false;
        for (Method m : cls.getMethods()) {
            if (!m.getName().equals(name) || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            named = true;
            if (m.getParameterCount() == args.length && accepts(m.getParameterTypes(), args)) {
                fits.add(m);
            }
        }
        if (fits.isEmpty()) {
            throw new NoSuchMethodException(named
                    ? "no method " + name + " of " + cls.getName() + " accepts " + args.length + " argument(s) of "
                            + argTypes(args)
                    : cls.getName() + " has no public method " + name);
        }
        Method best = fits.get(0);
        for (Method m : fits) {
            if (moreSpecific(m.getParameterTypes(), best.getParameterTypes())) {
                best = m;
            }
        }
        return best.getParameterTypes();
    }

    private static String argTypes(Object[] args) {
        List<String> names = new ArrayList<>();
        for (Object a : args) {
            names.add(a == null ? "null" : a.getClass().getName());
        }
        return names.toString();
    }

    private static boolean accepts(Class<?>[] params, Object[] args) {
        for (int i = 0; i < params.length; i++) {
            Class<?> p = params[i];
            Object a = args[i];
            if (a == null) {
                if (p.isPrimitive()) {
                    return false;
                }
            } else if (!box(p).isInstance(a)) {
                return false;
            }
        }
        return true;
    }

    private static boolean moreSpecific(Class<?>[] a, Class<?>[] b) {
        for (int i = 0; i < a.length; i++) {
            if (!box(b[i]).isAssignableFrom(box(a[i]))) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> box(Class<?> c) {
        if (!c.isPrimitive()) {
            return c;
        }
        return switch (c.getName()) {
            case "int" -> Integer.class;
            case "long" -> Long.class;
            case "double" -> Double.class;
            case "float" -> Float.class;
            case "boolean" -> Boolean.class;
            case "byte" -> Byte.class;
            case "short" -> Short.class;
            case "char" -> Character.class;
            default -> Void.class;
        };
    }

    /** The method {@code name(types)} of {@code cls} as declared by a type this module may call it through. */
    private static Method accessible(Class<?> cls, String name, Class<?>[] types) throws NoSuchMethodException {
        Method found = cls.getMethod(name, types); // NoSuchMethodException names the method
        if (Modifier.isStatic(found.getModifiers())) {
            throw new NoSuchMethodException(name + " of " + cls.getName() + " is static");
        }
        for (Class<?> t : supertypes(cls)) {
            if (callable(t)) {
                try {
                    return t.getMethod(name, types);
                } catch (NoSuchMethodException notThere) {
                    // try the next type
                }
            }
        }
        if (found.trySetAccessible()) {
            return found;
        }
        throw new NoSuchMethodException("method " + name + " of " + cls.getName()
                + " is public but declared by a type this module cannot reach (open its package to dev.mp4j, or"
                + " declare the method in a public interface)");
    }

    private static boolean callable(Class<?> t) {
        return Modifier.isPublic(t.getModifiers()) && t.getModule().isExported(t.getPackageName(), Methods.class.getModule());
    }

    private static Set<Class<?>> supertypes(Class<?> cls) {
        Set<Class<?>> out = new LinkedHashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>();
        for (Class<?> c = cls; c != null; c = c.getSuperclass()) {
            out.add(c);
            todo.add(c);
        }
        while (!todo.isEmpty()) {
            for (Class<?> i : todo.poll().getInterfaces()) {
                if (out.add(i)) {
                    todo.add(i);
                }
            }
        }
        return out;
    }
}
