package dev.mp4j.python;

import java.io.Serial;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A Python exception, as data: its class's qualified name ({@code "builtins.KeyError"}), its {@code args}, and
 * Python's traceback text when the peer sent one (a manager's {@code #TRACEBACK} reply, a worker's failure).
 * It pickles back to the same exception class with the same args.
 */
public class PythonError extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String type;
    private final String module;
    private final String name;
    @SuppressWarnings("serial") // args read from a pickle are the mapped types, serializable
    private final List<Object> args;
    private final String traceback;
    @SuppressWarnings("serial")
    private Object state;

    /**
     * @param type the exception class, module-qualified ({@code "builtins.ValueError"})
     * @param args its args
     * @param traceback Python's traceback text, or null
     */
    public PythonError(String type, List<?> args, String traceback) {
        super(message(type, args, traceback), null, true, false);
        this.type = Objects.requireNonNull(type, "type");
        int dot = type.lastIndexOf('.');
        this.module = dot < 0 ? "builtins" : type.substring(0, dot);
        this.name = type.substring(dot + 1);
        this.args = Collections.unmodifiableList(new ArrayList<>(args));
        this.traceback = traceback;
    }

    /**
     * @param type the exception class, module-qualified
     * @param args its args
     */
    public PythonError(String type, List<?> args) {
        this(type, args, null);
    }

    /** As read from a pickle: the class is {@code module.name}, where the name may hold dots itself. */
    PythonError(String module, String name, List<?> args) {
        super(message(module + "." + name, args, null), null, true, false);
        this.type = module + "." + name;
        this.module = module;
        this.name = name;
        this.args = Collections.unmodifiableList(new ArrayList<>(args));
        this.traceback = null;
    }

    /** @return the module of the exception's class */
    String module() {
        return module;
    }

    /** @return the exception class's qualified name within its module */
    String name() {
        return name;
    }

    private static String message(String type, List<?> args, String traceback) {
        String t = type.startsWith("builtins.") ? type.substring("builtins.".length()) : type;
        String m = args.size() == 1 ? t + ": " + args.get(0) : args.isEmpty() ? t : t + ": " + args;
        return traceback == null ? m : m + "\n" + traceback;
    }

    /** @return the exception class, module-qualified, e.g. {@code "builtins.KeyError"} */
    public String type() {
        return type;
    }

    /** @return the exception's args (unmodifiable) */
    public List<Object> args() {
        return args;
    }

    /** @return Python's traceback text, or null when none was sent */
    public String traceback() {
        return traceback;
    }

    /** @return the exception's pickled state (its {@code __dict__}, e.g. notes), or null */
    Object state() {
        return state;
    }

    void setState(Object state) {
        this.state = state;
    }
}
