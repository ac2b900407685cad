package dev.mp4j.python;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The calls of a pickle that mp4j reads as values rather than as {@link PyObject}s: {@code set(...)},
 * {@code frozenset(...)}, {@code bytes()}, {@code bytearray(...)} and {@code _codecs.encode(str, "latin1")} (how
 * protocol 2 writes these), and exceptions ({@link PythonError}). Fixed by mp4j, never chosen by the pickle.
 */
final class Builtins {
    /** The builtin exceptions whose names do not end in Error, Exception or Warning. */
    private static final Set<String> OTHER_EXCEPTIONS = Set.of("BaseException", "BaseExceptionGroup",
            "ExceptionGroup", "GeneratorExit", "KeyboardInterrupt", "StopAsyncIteration", "StopIteration",
            "SystemExit");
    /** Exceptions of the standard library whose names do not say so. */
    private static final Set<String> STDLIB_EXCEPTIONS = Set.of("queue.Empty", "queue.Full",
            "multiprocessing.queues.Empty", "multiprocessing.queues.Full", "_queue.Empty");

    private Builtins() {}

    /**
     * @param g the callable
     * @param args its arguments
     * @return the value of the call, or null if mp4j does not read it as a value
     */
    static Object call(PyGlobal g, List<Object> args) {
        if (isException(g)) {
            return new PythonError(g.module(), g.name(), args);
        }
        String key = g.module() + "." + g.name();
        switch (key) {
            case "builtins.set", "builtins.frozenset" -> {
                boolean frozen = g.name().equals("frozenset");
                if (args.isEmpty()) {
                    return frozen ? new FrozenSet(List.of()) : new LinkedHashSet<>();
                }
                if (args.size() == 1 && args.get(0) instanceof Collection<?> c) {
                    return frozen ? new FrozenSet(c) : new LinkedHashSet<>(c);
                }
                return null;
            }
            case "builtins.bytes" -> {
                if (args.isEmpty()) {
                    return new byte[0];
                }
                return args.size() == 1 && args.get(0) instanceof byte[] b ? b.clone() : null;
            }
            case "builtins.bytearray" -> {
                if (args.isEmpty()) {
                    return new PyByteArray(new byte[0]);
                }
                if (args.size() == 1 && args.get(0) instanceof byte[] b) {
                    return new PyByteArray(b);
                }
                byte[] b = encode(args);
                return b == null ? null : new PyByteArray(b);
            }
            case "_codecs.encode" -> {
                return encode(args);
            }
            default -> {
                return null;
            }
        }
    }

    /** {@code (str, encoding)} with latin-1 (what protocol 2 writes), UTF-8 or ASCII; else null. */
    private static byte[] encode(List<Object> args) {
        if (args.size() != 2 || !(args.get(0) instanceof String s) || !(args.get(1) instanceof String enc)) {
            return null;
        }
        switch (enc.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1" -> {
                for (int i = 0; i < s.length(); i++) {
                    if (s.charAt(i) > 0xff) {
                        return null;
                    }
                }
                return s.getBytes(StandardCharsets.ISO_8859_1);
            }
            case "utf-8", "utf8" -> {
                return s.getBytes(StandardCharsets.UTF_8);
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * @param g a class
     * @return whether mp4j reads its instances as {@link PythonError}: the builtin exceptions, a few of the
     *     standard library, and any class whose name ends in Error, Exception or Warning
     */
    static boolean isException(PyGlobal g) {
        String n = g.name();
        if (g.module().equals("builtins") && OTHER_EXCEPTIONS.contains(n)) {
            return true;
        }
        if (STDLIB_EXCEPTIONS.contains(g.module() + "." + n)) {
            return true;
        }
        int dot = n.lastIndexOf('.');
        String simple = n.substring(dot + 1);
        return simple.endsWith("Error") || simple.endsWith("Exception") || simple.endsWith("Warning");
    }
}
