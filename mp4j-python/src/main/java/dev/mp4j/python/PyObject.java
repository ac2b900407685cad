package dev.mp4j.python;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A Python object of a class mp4j does not map (a {@code datetime}, a {@code Fraction}, an instance of an
 * application's class): the recipe the pickle gave for it, kept as data. Nothing is looked up or run on the Java
 * side; the object pickles back to the same Python object, in the form it came in.
 *
 * <p>Two forms (CPython's {@code __reduce__} results): {@linkplain #PyObject(String, String, List, Object) the
 * call} {@code module.name(*args)} (opcode {@code REDUCE}), and {@linkplain #viaNew the allocation}
 * {@code cls.__new__(cls, *args)} (opcode {@code NEWOBJ}). Either may then get a {@code state} (what Python hands
 * to {@code __setstate__}, or the {@code __dict__} update), and, for subclasses of list and dict, items appended or
 * set after the call ({@link #listItems()}, {@link #dictItems()}; {@code OrderedDict} and {@code defaultdict}
 * pickle that way).
 *
 * <p>Equality is by module, name, args, state, form and items; the hash code takes the module, the name and the
 * arguments that are plain values (so that a cyclic state does not recurse). Objects read from a pickle are mutable while the pickle is read; do not
 * change their lists afterwards.
 */
public final class PyObject {
    private final String module;
    private final String name;
    private final List<Object> args;
    private final boolean viaNew;
    private final Map<String, Object> kwargs;
    private Object state;
    private List<Object> listItems;
    private Map<Object, Object> dictItems;

    /**
     * The call form, {@code module.name(*args)}.
     *
     * @param module the class's (or callable's) module
     * @param name its qualified name
     * @param args the positional arguments (copied as a list)
     * @param state what the object's {@code __setstate__} receives, or null for none
     */
    public PyObject(String module, String name, List<?> args, Object state) {
        this(module, name, args, Map.of(), state, false);
    }

    private PyObject(String module, String name, List<?> args, Map<String, ?> kwargs, Object state, boolean viaNew) {
        this.module = Objects.requireNonNull(module, "module");
        this.name = Objects.requireNonNull(name, "name");
        this.args = Collections.unmodifiableList(new java.util.ArrayList<>(args));
        this.kwargs = kwargs.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
        this.state = state;
        this.viaNew = viaNew;
    }

    /**
     * The allocation form, {@code cls.__new__(cls, *args)}, as CPython pickles most instances of classes.
     *
     * @param module the class's module
     * @param name the class's qualified name
     * @param args the arguments of {@code __new__} (usually none)
     * @param state what the object's {@code __setstate__} receives (an instance's {@code __dict__}), or null
     * @return the object
     */
    public static PyObject viaNew(String module, String name, List<?> args, Object state) {
        return new PyObject(module, name, args, Map.of(), state, true);
    }

    /**
     * The allocation form with keyword arguments, {@code cls.__new__(cls, *args, **kwargs)} (opcode
     * {@code NEWOBJ_EX}, which CPython writes for a class whose {@code __getnewargs_ex__} returns keywords).
     *
     * @param module the class's module
     * @param name the class's qualified name
     * @param args the positional arguments of {@code __new__}
     * @param kwargs its keyword arguments (copied; empty: the plain {@link #viaNew(String, String, List, Object)})
     * @param state what the object's {@code __setstate__} receives, or null
     * @return the object
     */
    public static PyObject viaNew(String module, String name, List<?> args, Map<String, ?> kwargs, Object state) {
        Objects.requireNonNull(kwargs, "kwargs");
        for (Object k : kwargs.keySet()) {
            Objects.requireNonNull(k, "a keyword argument's name");
        }
        return new PyObject(module, name, args, kwargs, state, true);
    }

    /** @return the class's (or callable's) module */
    public String module() {
        return module;
    }

    /** @return its qualified name */
    public String name() {
        return name;
    }

    /** @return the arguments of the call or of {@code __new__} (unmodifiable) */
    public List<Object> args() {
        return args;
    }

    /** @return the state, or null when none was set */
    public Object state() {
        return state;
    }

    /** @return the keyword arguments of {@code __new__} (unmodifiable; empty for the other forms) */
    public Map<String, Object> kwargs() {
        return kwargs;
    }

    /** @return whether this is the {@code cls.__new__(cls, *args)} form */
    public boolean viaNew() {
        return viaNew;
    }

    /** @return the items appended after the call (a list subclass's items), empty for none; unmodifiable */
    public List<Object> listItems() {
        return listItems == null ? List.of() : Collections.unmodifiableList(listItems);
    }

    /** @return the items set after the call (a dict subclass's items), empty for none; unmodifiable */
    public Map<Object, Object> dictItems() {
        return dictItems == null ? Map.of() : Collections.unmodifiableMap(dictItems);
    }

    void setState(Object state) {
        this.state = state;
    }

    void append(Object item) {
        if (listItems == null) {
            listItems = new java.util.ArrayList<>();
        }
        listItems.add(item);
    }

    void put(Object key, Object value) {
        if (dictItems == null) {
            dictItems = new LinkedHashMap<>();
        }
        dictItems.put(key, value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PyObject p && viaNew == p.viaNew && module.equals(p.module) && name.equals(p.name)
                && args.equals(p.args) && kwargs.equals(p.kwargs) && Objects.equals(state, p.state) && listItems().equals(p.listItems())
                && dictItems().equals(p.dictItems());
    }

    /**
     * Module, name and the arguments that are plain values (str, int, float, bool, None): never a walk through
     * nested containers, so a cyclic or shared structure costs nothing to hash.
     */
    @Override
    public int hashCode() {
        int h = (module.hashCode() * 31 + name.hashCode()) * 31 + args.size();
        for (Object a : args) {
            if (a == null || a instanceof String || a instanceof Number || a instanceof Boolean) {
                h = h * 31 + java.util.Objects.hashCode(a);
            }
        }
        return h;
    }

    @Override
    public String toString() {
        return module + "." + name + (viaNew ? ".__new__" : "") + args + (kwargs.isEmpty() ? "" : kwargs)
                + (state == null ? "" : " state=" + state);
    }
}
