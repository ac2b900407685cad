package dev.mp4j.python;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * CPython's pickle format: {@link #loads} reads protocols 0 to 5, {@link #dumps} writes protocol 4 (which every
 * CPython from 3.4 to 3.14 reads).
 *
 * <h2>Types</h2>
 * Python to Java: None → null, bool → {@link Boolean}, int → {@link Long} ({@link java.math.BigInteger} when
 * larger), float → {@link Double}, str → {@link String}, bytes → {@code byte[]}, bytearray → {@link PyByteArray},
 * tuple → {@link PyTuple}, list → {@link java.util.ArrayList}, dict → {@link java.util.LinkedHashMap}, set and
 * frozenset → {@link java.util.LinkedHashSet}, an exception → {@link PythonError}, a bare class or function →
 * {@link PyGlobal}, anything else → {@link PyObject}, which pickles back to the same Python object. (A frozenset
 * read is a {@code LinkedHashSet} that pickles back as a frozenset.)
 * Java to Python: the reverse, plus {@link Integer}, {@link Short}, {@link Byte} → int, {@link Float} → float, any
 * {@link List} → list, {@link Map} → dict, {@link java.util.Set} → set, a record → the Python class it is
 * {@linkplain Dumper#register registered} for. Any other Java object: {@link IllegalArgumentException} naming its
 * class. An exception is recognised by its class: the builtin exceptions, {@code queue.Empty} and
 * {@code queue.Full}, and any class whose name ends in {@code Error}, {@code Exception} or {@code Warning}.
 *
 * <p>Shared references stay shared both ways (the pickle's memo): a list that appears twice is one list, and a
 * list that holds itself is read and written.
 *
 * <h2>Security</h2>
 * Reading is data only: a global the pickle names is a {@link PyGlobal}, a call of it a {@link PyObject}; no Java
 * class is loaded by name and no Java code the pickle chooses runs, except the constructors an application
 * {@linkplain Loader#allow allows} for named Python classes. Every length is checked against the bytes present,
 * and nesting is bounded ({@link Loader#maxDepth}); malformed input throws {@link PickleError} and nothing else.
 * Writing is another matter: CPython's unpickler runs what a pickle names, so what Java sends to Python (a
 * {@code PyObject} read from elsewhere, say) runs there, as between two Python processes.
 *
 * <p>The static methods use the default {@linkplain #loader() loader} and {@linkplain #dumper() dumper}; a loader
 * or dumper with registrations is a separate object, and its registrations belong to it alone.
 */
public final class Pickle {
    /** Python's default recursion limit, which bounds its pickler's nesting as well. */
    static final int DEFAULT_MAX_DEPTH = 1000;
    private static final Loader DEFAULT_LOADER = new Loader();
    private static final Dumper DEFAULT_DUMPER = new Dumper();

    private Pickle() {}

    /**
     * Python's {@code pickle.dumps(value, protocol=4)}.
     *
     * @param value the value (see the mapping above)
     * @return the pickle
     * @throws IllegalArgumentException for a Java object mp4j does not map to Python (the message names its class),
     *     or a structure nested deeper than 1000 levels
     */
    public static byte[] dumps(Object value) {
        return DEFAULT_DUMPER.dumps(value);
    }

    /**
     * Python's {@code pickle.loads(data)}, with the default bounds and no allowed globals.
     *
     * @param data a pickle of protocol 0 to 5
     * @return the value (see the mapping above)
     * @throws PickleError if the data is malformed, truncated, or uses what is not read (out-of-band buffers,
     *     persistent ids, the extension registry: the message names the opcode)
     */
    public static Object loads(byte[] data) {
        return DEFAULT_LOADER.loads(data);
    }

    /** @return a new loader: no allowed globals, depth 1000, any length of input */
    public static Loader loader() {
        return new Loader();
    }

    /** @return a new dumper with no registered records */
    public static Dumper dumper() {
        return new Dumper();
    }

    /**
     * An unpickler's settings: the globals whose calls construct Java objects, and the bounds. Configure it, then
     * use it from any number of threads; a setting changed while another thread loads applies to the loads that
     * start after the change.
     */
    public static final class Loader {
        private volatile Map<PyGlobal, Function<List<Object>, Object>> allowed = Map.of();
        private volatile int maxDepth = DEFAULT_MAX_DEPTH;
        private volatile long maxBytes = Integer.MAX_VALUE;

        Loader() {}

        /**
         * Reads calls of {@code module.name} as the Java object {@code constructor} makes. The constructor gets
         * the call's positional arguments (of {@code cls(*args)} or {@code cls.__new__(cls, *args)}) followed, if
         * the pickle then sets the object's state (its {@code __dict__}, or what {@code __setstate__} gets), by that
         * state; it runs once the object is complete. A pickle whose object reaches itself through its own state
         * cannot be read this way ({@link PickleError}). A constructor that throws fails the load with
         * {@link PickleError}.
         *
         * @param module the Python module, e.g. {@code "app.models"}
         * @param name the class's qualified name, e.g. {@code "Point"}
         * @param constructor makes the Java object; it should check what it gets (the peer chose it)
         * @return this loader
         */
        public Loader allow(String module, String name, Function<List<Object>, Object> constructor) {
            Objects.requireNonNull(constructor, "constructor");
            PyGlobal g = new PyGlobal(module, name);
            synchronized (this) {
                Map<PyGlobal, Function<List<Object>, Object>> copy = new HashMap<>(allowed);
                copy.put(g, constructor);
                allowed = Map.copyOf(copy);
            }
            return this;
        }

        /**
         * @param depth the deepest nesting of containers accepted (default 1000)
         * @return this loader
         * @throws IllegalArgumentException if it is below 1
         */
        public Loader maxDepth(int depth) {
            if (depth < 1) {
                throw new IllegalArgumentException("maxDepth must be at least 1, got " + depth);
            }
            this.maxDepth = depth;
            return this;
        }

        /**
         * @param bytes the longest input accepted (default: any array); a longer one throws {@link PickleError}
         *     before it is read
         * @return this loader
         * @throws IllegalArgumentException if it is negative
         */
        public Loader maxBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxBytes must not be negative, got " + bytes);
            }
            this.maxBytes = bytes;
            return this;
        }

        long maxBytesValue() {
            return maxBytes;
        }

        /**
         * @param data a pickle of protocol 0 to 5
         * @return the value
         * @throws PickleError if the data is malformed, longer than {@link #maxBytes}, nested deeper than
         *     {@link #maxDepth}, or refused by an allowed constructor
         */
        public Object loads(byte[] data) {
            Objects.requireNonNull(data, "data");
            if (data.length > maxBytes) {
                throw new PickleError("a pickle of " + data.length + " bytes, longer than maxBytes " + maxBytes);
            }
            return Unpickler.load(data, allowed, maxDepth);
        }
    }

    /**
     * A pickler's settings: the records it writes as Python classes. Configure it, then use it from any number of
     * threads.
     */
    public static final class Dumper {
        private volatile Map<Class<?>, PyGlobal> records = Map.of();
        private volatile Function<Object, Object> replacer;

        Dumper() {}

        /**
         * @param replacer gives, for a Java object the mapping does not cover, the value to write instead (null:
         *     none, and the object is refused); mp4j's own use: a manager proxy written as CPython's
         *     {@code RebuildProxy} call
         * @return this dumper
         */
        Dumper replacing(Function<Object, Object> replacer) {
            this.replacer = replacer;
            return this;
        }

        /**
         * Writes instances of {@code type} as the call {@code module.name(*components)}, the components in their
         * declared order (as a Python dataclass or namedtuple with the same fields is built).
         *
         * @param type a public record type, in a package its module exports
         * @param module the Python module
         * @param name the class's qualified name there
         * @return this dumper
         */
        public Dumper register(Class<? extends Record> type, String module, String name) {
            Objects.requireNonNull(type, "type");
            PyGlobal g = new PyGlobal(module, name);
            synchronized (this) {
                Map<Class<?>, PyGlobal> copy = new HashMap<>(records);
                copy.put(type, g);
                records = Map.copyOf(copy);
            }
            return this;
        }

        /**
         * @param value the value
         * @return its pickle, protocol 4
         * @throws IllegalArgumentException for a Java object mp4j does not map (its class is named), or a
         *     structure nested deeper than 1000 levels
         */
        public byte[] dumps(Object value) {
            return Pickler.dump(value, records, replacer, DEFAULT_MAX_DEPTH);
        }
    }
}
