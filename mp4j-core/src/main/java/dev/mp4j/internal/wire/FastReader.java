package dev.mp4j.internal.wire;

import static dev.mp4j.internal.wire.FastFormat.*;

import java.io.IOException;
import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectInputFilter;
import java.io.StreamCorruptedException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.SerializedLambda;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Reads one value of the {@link FastFormat}. The {@link ObjectInputFilter} sees what it would see in the
 * equivalent JDK stream: each class once per stream (a boxed number's class and {@code java.lang.Number},
 * {@code java.util.CollSer} for the immutable collections, {@code java.time.Ser} for a {@code Duration},
 * {@link SerializedLambda}, the capturing class and
 * the lambda's class for a lambda, a {@link Portable} handle's form class), and
 * each array or collection with its length (as the JDK's collections
 * check an {@code Object[]} or {@code Map.Entry[]} of their size), with the depth, the references so far
 * and the bytes read. Strings, as in a JDK stream, are not shown to it. Not thread-safe; one per call.
 */
final class FastReader {
    /** {@link Codec#DEFAULT_FILTER}'s reference limit, checked inline when that filter applies. */
    private static final long DEFAULT_MAX_REFS = 50_000_000L;

    // bits of {@link #checked}: classes the filter has seen in this stream
    private static final int SEEN_NUMBER = TAG_COUNT;
    private static final int SEEN_OBJECT_ARRAY = TAG_COUNT + 1;
    private static final int SEEN_ENTRY_ARRAY = TAG_COUNT + 2;
    private static final int SEEN_LAMBDA = TAG_COUNT + 3;
    private static final int SEEN_ENUM = TAG_COUNT + 4;

    /**
     * Per capturing class: the lambdas without captured arguments read so far, by their SerializedLambda's names;
     * but for the first {@link #MAX_DIRECT} rebuilt as {@link DirectRunnable}s, which are in {@link #directs}.
     */
    private static final ClassValue<Map<String, Object>> STATELESS_LAMBDAS = new ClassValue<>() {
        @Override
        protected Map<String, Object> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };
    /**
     * The lambdas without captured arguments rebuilt as {@link DirectRunnable}s (from the parent's streams, so
     * in a child JVM), newest first, at most {@link #MAX_DIRECT}; null for none: a child has a few (a spare's
     * warm-up's, its target, a pool's initializer), and looking one up here compares its names, where
     * {@link #STATELESS_LAMBDAS} first joins them into a key and, in a fresh child, sets up the class's
     * ClassValue map (together about a tenth of a millisecond of a child's first decoding, between its job's
     * arrival and its run). Written under {@link #STATELESS_LOCK}.
     */
    private static volatile Direct directs;
    private static final int MAX_DIRECT = 16;
    /** Whether {@link #STATELESS_LAMBDAS} holds any lambda yet: until then a lookup there is skipped. */
    private static volatile boolean statelessMapped;
    private static final Object STATELESS_LOCK = new Object();

    /** An entry of {@link #directs}: a lambda and the capturing class and names it was read with. */
    private static final class Direct {
        private final Class<?> capturing;
        private final String[] names;
        private final int kind;
        private final Object lambda;
        /** The entries before it, or null. */
        private final Direct next;
        /** How many entries from this one on. */
        private final int count;

        Direct(Class<?> capturing, String[] names, int kind, Object lambda, Direct next) {
            this.capturing = capturing;
            this.names = names;
            this.kind = kind;
            this.lambda = lambda;
            this.next = next;
            this.count = next == null ? 1 : next.count + 1;
        }

        /** @return the lambda of {@code capturing} with those names in this entry or the ones before it, or null */
        static Object find(Direct from, Class<?> capturing, String[] names, int kind) {
            for (Direct d = from; d != null; d = d.next) {
                if (d.is(capturing, names, kind)) {
                    return d.lambda;
                }
            }
            return null;
        }

        /** @return whether this is the lambda of {@code capturing} with those names */
        boolean is(Class<?> capturing, String[] names, int kind) {
            if (capturing != this.capturing || kind != this.kind) {
                return false;
            }
            for (int i = 0; i < names.length; i++) {
                if (!names[i].equals(this.names[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    /** What a filter is shown for one check. */
    private record Info(Class<?> serialClass, long arrayLength, long depth, long references, long streamBytes)
            implements ObjectInputFilter.FilterInfo {}

    /**
     * A reader kept between calls, taken by one call at a time and given back cleared: a small value's
     * decoding then allocates the value alone. A call that finds none idle (another thread holds it, or a
     * record's constructor decodes while its own stream is read) makes its own. Guarded by {@link #IDLE_LOCK}:
     * a monitor, not an AtomicReference, whose getAndSet is a VarHandle call that runs a chain of JDK methods
     * in the interpreter, for every chunk a fresh JVM's first map or imap decodes.
     */
    private static FastReader idle;
    private static final Object IDLE_LOCK = new Object();

    private byte[] buf;
    private int pos;
    /** Where the stream begins in {@link #buf} (its MAGIC byte), and where it ends (exclusive). */
    private int start;
    private int end;
    /** The filter to consult, or null for none; {@link #defaultFilter} when it is {@link Codec#DEFAULT_FILTER}. */
    private ObjectInputFilter filter;
    private boolean defaultFilter;
    /**
     * Whether the stream comes from the JVM that started this one ({@link #decodeFromParent}): a lambda in it
     * may then be rebuilt as a {@link DirectRunnable}.
     */
    private boolean fromParent;
    /** {@link #decodeElements}: a top-level bulk ArrayList is boxed into an array of its own, left in {@link #elements}. */
    private boolean wantElements;
    private Object[] elements;
    /** {@link #decodeElements}: the array the top-level bulk list's elements go into, if they are {@link #intoCount}. */
    private Object[] into;
    private int intoAt;
    private int intoCount;
    private long refs;
    private long checked;
    /** Record and enum classes defined in this stream, by number; the info is null for an enum. */
    private Class<?>[] classes;
    private FastFormat.RecordInfo[] classInfos;
    private int classCount;

    private FastReader() {}

    /** Initializes this class and {@link FastFormat} (by reading one of its fields): what a first decode would. */
    static void prepare() {
        Objects.requireNonNull(LAMBDA_DESERIALIZER);
    }

    /**
     * @param bytes a fast stream, its first byte {@link FastFormat#MAGIC}
     * @param filter the effective filter, or null for none
     */
    static Object decode(byte[] bytes, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        return decode(bytes, 0, bytes.length, filter);
    }

    /**
     * @param bytes holds a fast stream at {@code [offset, offset + length)}, its first byte {@link FastFormat#MAGIC}
     * @param filter the effective filter, or null for none
     */
    static Object decode(byte[] bytes, int offset, int length, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        FastReader r = take(bytes, offset, length, filter);
        try {
            return r.whole();
        } finally {
            r.release();
        }
    }

    /**
     * {@link #decode} of what the JVM that started this one sent it ({@link Codec#decodeFromParent}): that JVM
     * chose this one's code and options, and wrote the stream from the objects themselves, so a lambda in it
     * is one its capturing class makes, and one without marker interfaces (the writer gives a lambda with
     * any the JDK's form, {@link FastFormat#LAMBDA_WRITE_REPLACE}); a runnable that captures nothing may then
     * be rebuilt without its capturing class's {@code $deserializeLambda$} ({@link DirectRunnable}).
     *
     * @param bytes holds a fast stream at {@code [offset, offset + length)}, its first byte {@link FastFormat#MAGIC}
     * @param filter the effective filter, or null for none
     */
    static Object decodeFromParent(byte[] bytes, int offset, int length, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        FastReader r = take(bytes, offset, length, filter);
        r.fromParent = true;
        try {
            return r.whole();
        } finally {
            r.release();
        }
    }

    /**
     * The elements of the list a fast stream holds, as an array: for a bulk list of numbers, the array its
     * values are boxed into (no list made, no copy); for any other list, its {@code toArray()}. The filter
     * sees what {@link #decode} shows it.
     *
     * @param bytes holds a fast stream at {@code [offset, offset + length)}, its first byte {@link FastFormat#MAGIC}
     * @param filter the effective filter, or null for none
     * @throws StreamCorruptedException if the stream holds something other than a list
     */
    static Object[] decodeElements(byte[] bytes, int offset, int length, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        return decodeElements(bytes, offset, length, filter, false, null, 0, 0);
    }

    /**
     * {@link #decodeElements(byte[], int, int, ObjectInputFilter)}, but a bulk list of numbers of exactly
     * {@code count} elements is boxed straight into {@code into[at, at + count)}, which is then returned: a
     * map's chunk of values lands in the map's result array, no array of its own made and copied.
     *
     * @param fromParent whether the stream comes from the JVM that started this one, read as
     *     {@link #decodeFromParent} reads it (a worker's chunk of arguments)
     * @param into where the elements go when they can, or null for an array of their own (the caller checked
     *     that {@code [at, at + count)} is within it)
     * @param at where the first goes in {@code into}
     * @param count how many elements {@code into} has room for there; a list of any other size gets its own array
     * @return {@code into} when the elements went there, else an array of their own
     */
    static Object[] decodeElements(byte[] bytes, int offset, int length, ObjectInputFilter filter,
                                   boolean fromParent, Object[] into, int at, int count)
            throws IOException, ClassNotFoundException {
        FastReader r = take(bytes, offset, length, filter);
        r.fromParent = fromParent;
        return elements(r, into, at, count);
    }

    private static Object[] elements(FastReader r, Object[] into, int at, int count)
            throws IOException, ClassNotFoundException {
        r.wantElements = true;
        r.into = into;
        r.intoAt = at;
        r.intoCount = count;
        try {
            Object value = r.whole();
            return r.elements != null ? r.elements : Codec.elements(value);
        } finally {
            r.release();
        }
    }

    /** @return the idle reader, or a new one, set to read the fast stream at {@code bytes[offset, offset + length)} */
    private static FastReader take(byte[] bytes, int offset, int length, ObjectInputFilter filter) {
        FastReader r;
        synchronized (IDLE_LOCK) {
            r = idle;
            idle = null;
        }
        if (r == null) {
            r = new FastReader();
        }
        r.buf = bytes;
        r.start = offset;
        r.end = offset + length;
        r.filter = filter;
        r.defaultFilter = filter == Codec.DEFAULT_FILTER;
        r.pos = offset + 1;
        return r;
    }

    /** @return the one value its stream holds, which must end there, checked by the filter as a whole */
    private Object whole() throws IOException, ClassNotFoundException {
        Object value;
        if (pos < end && buf[pos] == BOXED_LIST) {
            // a list of numbers (every chunk of a map or an imap, its arguments and its values): read as
            // value() would, without its switch of every tag, which the JIT then compiles only for other values;
            // the count of references a filter sees must stay as value() keeps it
            pos++;
            refs++;
            value = boxedList(1);
        } else {
            value = value(1);
        }
        if (pos != end) {
            throw new StreamCorruptedException((end - pos) + " bytes after the value");
        }
        check(null, -1, 1);
        return value;
    }

    /** Forgets the stream it read, then makes this reader the idle one. */
    private void release() {
        buf = null;
        filter = null;
        fromParent = false;
        wantElements = false;
        elements = null;
        into = null;
        refs = 0;
        checked = 0;
        if (classes != null) {
            Arrays.fill(classes, 0, classCount, null);
            Arrays.fill(classInfos, 0, classCount, null);
        }
        classCount = 0;
        synchronized (IDLE_LOCK) {
            idle = this;
        }
    }

    // --------------------------------------------------------------------------------------- values

    private Object value(int depth) throws IOException, ClassNotFoundException {
        int tag = tag();
        refs++;
        switch (tag) {
            case NULL:
                refs--;
                return null;
            case FALSE:
            case TRUE:
                once(tag, Boolean.class, depth);
                return tag == TRUE;
            case BYTE:
                number(tag, Byte.class, depth);
                need(1);
                return buf[pos++];
            case SHORT:
                number(tag, Short.class, depth);
                need(2);
                short s = (short) SHORT_LE.get(buf, pos);
                pos += 2;
                return s;
            case CHAR:
                once(tag, Character.class, depth);
                need(2);
                char c = (char) (short) SHORT_LE.get(buf, pos);
                pos += 2;
                return c;
            case INT:
                number(tag, Integer.class, depth);
                int zi = varint();
                return zi >>> 1 ^ -(zi & 1);
            case LONG:
                number(tag, Long.class, depth);
                long zl = varlong();
                return zl >>> 1 ^ -(zl & 1);
            case FLOAT:
                number(tag, Float.class, depth);
                need(4);
                float f = Float.intBitsToFloat((int) INT_LE.get(buf, pos));
                pos += 4;
                return f;
            case DOUBLE:
                number(tag, Double.class, depth);
                need(8);
                double d = Double.longBitsToDouble((long) LONG_LE.get(buf, pos));
                pos += 8;
                return d;
            case STR8:
            case STR16:
                return stringBody(tag);
            case BYTES:
            case BOOLEANS:
            case SHORTS:
            case CHARS:
            case INTS:
            case LONGS:
            case FLOATS:
            case DOUBLES:
                return primitiveArray(tag, depth);
            case OBJECTS:
            case STRINGS:
                return objectArray(tag, depth);
            case ARRAY_LIST:
            case LIST_OF:
            case LIST_NULLS:
            case SET_OF:
            case HASH_SET:
            case LINKED_HASH_SET:
                return collection(tag, depth);
            case MAP_OF:
            case HASH_MAP:
                return map(tag, depth);
            case RECORD_DEF:
            case RECORD_REF:
                return record(tag, depth);
            case LAMBDA:
                return lambda(depth);
            case ENUM_DEF:
            case ENUM_REF:
                return enumConstant(tag, depth);
            case DURATION:
                return duration(depth);
            case BOXED_LIST:
                return boxedList(depth);
            case PORTABLE:
                return portable(depth);
            default:
                throw new StreamCorruptedException("unknown tag " + tag + " at byte " + (pos - 1 - start));
        }
    }

    private Object primitiveArray(int tag, int depth) throws IOException {
        int n = length();
        int width = switch (tag) {
            case SHORTS, CHARS -> 2;
            case INTS, FLOATS -> 4;
            case LONGS, DOUBLES -> 8;
            default -> 1;
        };
        if ((long) n * width > end - pos) {
            throw truncated(n + " array elements");
        }
        Class<?> type = switch (tag) {
            case BYTES -> byte[].class;
            case BOOLEANS -> boolean[].class;
            case SHORTS -> short[].class;
            case CHARS -> char[].class;
            case INTS -> int[].class;
            case LONGS -> long[].class;
            case FLOATS -> float[].class;
            default -> double[].class;
        };
        check(type, n, depth);
        ByteBuffer bb = ByteBuffer.wrap(buf, pos, n * width).slice().order(ByteOrder.LITTLE_ENDIAN);
        pos += n * width;
        switch (tag) {
            case BYTES:
                byte[] b = new byte[n];
                bb.get(b);
                return b;
            case BOOLEANS:
                boolean[] z = new boolean[n];
                for (int i = 0; i < n; i++) {
                    byte v = bb.get(i);
                    if ((v & ~1) != 0) {
                        throw new StreamCorruptedException("boolean byte " + v);
                    }
                    z[i] = v != 0;
                }
                return z;
            case SHORTS:
                short[] s = new short[n];
                bb.asShortBuffer().get(s);
                return s;
            case CHARS:
                char[] c = new char[n];
                bb.asCharBuffer().get(c);
                return c;
            case INTS:
                int[] i = new int[n];
                bb.asIntBuffer().get(i);
                return i;
            case LONGS:
                long[] l = new long[n];
                bb.asLongBuffer().get(l);
                return l;
            case FLOATS:
                float[] f = new float[n];
                bb.asFloatBuffer().get(f);
                return f;
            default:
                double[] d = new double[n];
                bb.asDoubleBuffer().get(d);
                return d;
        }
    }

    private Object objectArray(int tag, int depth) throws IOException, ClassNotFoundException {
        int n = elementCount(depth);
        Class<?> type = tag == STRINGS ? String[].class : Object[].class;
        check(type, n, depth);
        elementsAt(n, depth);
        Object[] a = tag == STRINGS ? new String[n] : new Object[n];
        for (int i = 0; i < n; i++) {
            if (tag == STRINGS) {
                int t = tag();
                if (t == NULL) {
                    continue;
                }
                if (t != STR8 && t != STR16) {
                    throw new StreamCorruptedException("tag " + t + " in a String[]");
                }
                refs++;
                a[i] = stringBody(t);
            } else {
                a[i] = value(depth + 1);
            }
        }
        return a;
    }

    private Object collection(int tag, int depth) throws IOException, ClassNotFoundException {
        int n = elementCount(depth);
        boolean hashed = tag == HASH_SET || tag == LINKED_HASH_SET;
        collectionChecks(tag, n, depth);
        if (tag == ARRAY_LIST) {
            ArrayList<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(value(depth + 1));
            }
            return list;
        }
        if (hashed) {
            Set<Object> set = tag == HASH_SET ? HashSet.newHashSet(n) : LinkedHashSet.newLinkedHashSet(n);
            for (int i = 0; i < n; i++) {
                set.add(value(depth + 1));
            }
            return set;
        }
        Object[] a = new Object[n];
        for (int i = 0; i < n; i++) {
            a[i] = value(depth + 1);
            if (a[i] == null && tag != LIST_NULLS) {
                throw new StreamCorruptedException("null in an immutable " + (tag == SET_OF ? "set" : "list"));
            }
        }
        if (tag == LIST_OF) {
            return List.of(a);
        } else if (tag == LIST_NULLS) {
            return Stream.of(a).toList();
        }
        try {
            return Set.of(a);
        } catch (IllegalArgumentException e) {
            throw new StreamCorruptedException("duplicate elements in an immutable set");
        }
    }

    /** What the filter is shown of a collection of {@code n} elements before them, as in a JDK stream. */
    private void collectionChecks(int tag, int n, int depth) throws InvalidClassException {
        switch (tag) {
            case ARRAY_LIST -> once(tag, ArrayList.class, depth);
            case HASH_SET -> once(tag, HashSet.class, depth);
            case LINKED_HASH_SET -> {
                once(tag, LinkedHashSet.class, depth);
                once(HASH_SET, HashSet.class, depth);
            }
            default -> once(LIST_OF, COLL_SER, depth);
        }
        boolean hashed = tag == HASH_SET || tag == LINKED_HASH_SET;
        if (hashed) {
            once(SEEN_ENTRY_ARRAY, Map.Entry[].class, depth);
        } else {
            once(SEEN_OBJECT_ARRAY, Object[].class, depth);
        }
        check(hashed ? Map.Entry[].class : Object[].class, n, depth);
        elementsAt(n, depth);
    }

    /**
     * A {@link FastFormat#BOXED_LIST}: the list its kind names, of its numbers boxed. The filter sees what it
     * sees of that list with its elements tagged one by one: the list's checks, then the element class
     * (and {@code java.lang.Number}) at the first element, and a reference per element.
     */
    private Object boxedList(int depth) throws IOException {
        int kind = tag();
        int type = tag();
        if (kind != ARRAY_LIST && kind != LIST_OF && kind != LIST_NULLS) {
            throw new StreamCorruptedException("a boxed list of kind " + kind);
        }
        int width = switch (type) {
            case INT -> 4;
            case LONG, DOUBLE -> 8;
            default -> throw new StreamCorruptedException("a boxed list of element tag " + type);
        };
        int n = length();
        if ((long) n * width > end - pos) {
            throw truncated(n + " list elements");
        }
        if (depth >= MAX_DEPTH) {
            throw new StreamCorruptedException("nesting deeper than " + MAX_DEPTH);
        }
        collectionChecks(kind, n, depth);
        if (n > 0) {
            refs++;
            number(type, type == INT ? Integer.class : type == LONG ? Long.class : Double.class, depth + 1);
            refs += n - 1;
        }
        int body = pos;
        pos += n * width;
        // An ArrayList is filled as its elements are boxed: one array of references, not three (a boxed array,
        // then the copies of Arrays.asList's toArray and of ArrayList's constructor), where each fresh page of
        // a large list costs its first touch.
        // decodeElements: the top-level list's values boxed straight into the array it returns
        boolean toElements = wantElements && depth == 1 && kind == ARRAY_LIST;
        ArrayList<Object> list = kind == ARRAY_LIST && !toElements ? new ArrayList<>(n) : null;
        // decodeElements with a room of exactly n: boxed straight into it, from index base
        boolean inPlace = toElements && into != null && n == intoCount;
        Object[] a = list != null ? null : inPlace ? into : new Object[n];
        int base = inPlace ? intoAt : 0;
        if (toElements) {
            elements = a;
        }
        if (n <= SMALL_BULK) {
            // a short list (an imap's chunk): its values read straight from the body, a few bytecodes each,
            // where the bulk copy below takes a dozen calls of buffer views per list before its first value
            for (int i = 0; i < n; i += BLOCK) {
                int to = Math.min(n, i + BLOCK);
                if (type == INT) {
                    if (list != null) {
                        boxInts(buf, body, list, i, to);
                    } else {
                        boxInts(buf, body, a, base, i, to);
                    }
                } else if (list != null) {
                    boxLongs(buf, body, type == DOUBLE, list, i, to);
                } else {
                    boxLongs(buf, body, type == DOUBLE, a, base, i, to);
                }
            }
        } else {
            bulk(type, body, n, width, list, a, base);
        }
        if (list != null) {
            return list;
        }
        if (toElements) {
            return null; // decodeElements returns the array
        }
        return kind == LIST_OF ? List.of(a) : Stream.of(a).toList();
    }

    /**
     * Boxes the {@code n} values of a long list's body, read in one bulk copy: apart from {@link #boxedList}, whose
     * calls (a short list's each, as an imap's chunks) then leave this code out of the JIT's first compilation of it.
     */
    private void bulk(int type, int body, int n, int width, ArrayList<Object> list, Object[] a, int base) {
        ByteBuffer bb = ByteBuffer.wrap(buf, body, n * width).slice().order(ByteOrder.LITTLE_ENDIAN);
        if (type == INT) {
            int[] v = Scratch.ints(n);
            bb.asIntBuffer().get(v, 0, n);
            for (int i = 0; i < n; i += BLOCK) {
                if (list != null) {
                    box(v, list, i, Math.min(n, i + BLOCK));
                } else {
                    box(v, a, base, i, Math.min(n, i + BLOCK));
                }
            }
            Scratch.give(v);
        } else if (type == LONG) {
            long[] v = Scratch.longs(n);
            bb.asLongBuffer().get(v, 0, n);
            for (int i = 0; i < n; i += BLOCK) {
                if (list != null) {
                    box(v, list, i, Math.min(n, i + BLOCK));
                } else {
                    box(v, a, base, i, Math.min(n, i + BLOCK));
                }
            }
            Scratch.give(v);
        } else {
            double[] v = Scratch.doubles(n);
            bb.asDoubleBuffer().get(v, 0, n);
            for (int i = 0; i < n; i += BLOCK) {
                if (list != null) {
                    box(v, list, i, Math.min(n, i + BLOCK));
                } else {
                    box(v, a, base, i, Math.min(n, i + BLOCK));
                }
            }
            Scratch.give(v);
        }
    }

    private Object map(int tag, int depth) throws IOException, ClassNotFoundException {
        int n = length();
        if (n > (end - pos) / 2) {
            throw truncated(n + " map entries");
        }
        if (depth >= MAX_DEPTH) {
            throw new StreamCorruptedException("nesting deeper than " + MAX_DEPTH);
        }
        if (tag == HASH_MAP) {
            once(tag, HashMap.class, depth);
            once(SEEN_ENTRY_ARRAY, Map.Entry[].class, depth);
            check(Map.Entry[].class, n, depth);
            elementsAt(n, depth);
            HashMap<Object, Object> map = HashMap.newHashMap(n);
            for (int i = 0; i < n; i++) {
                Object k = value(depth + 1);
                map.put(k, value(depth + 1));
            }
            return map;
        }
        once(LIST_OF, COLL_SER, depth);
        once(SEEN_OBJECT_ARRAY, Object[].class, depth);
        check(Object[].class, 2L * n, depth);
        elementsAt(n, depth);
        @SuppressWarnings("unchecked")
        Map.Entry<Object, Object>[] entries = (Map.Entry<Object, Object>[]) new Map.Entry<?, ?>[n];
        for (int i = 0; i < n; i++) {
            Object k = value(depth + 1);
            Object v = value(depth + 1);
            if (k == null || v == null) {
                throw new StreamCorruptedException("null in an immutable map");
            }
            entries[i] = Map.entry(k, v);
        }
        try {
            return Map.ofEntries(entries);
        } catch (IllegalArgumentException e) {
            throw new StreamCorruptedException("duplicate keys in an immutable map");
        }
    }

    private Object record(int tag, int depth) throws IOException, ClassNotFoundException {
        if (depth >= MAX_DEPTH) {
            throw new StreamCorruptedException("nesting deeper than " + MAX_DEPTH);
        }
        FastFormat.RecordInfo info;
        Class<?> cl;
        if (tag == RECORD_REF) {
            int k = length();
            if (k >= classCount || classInfos[k] == null) {
                throw new StreamCorruptedException("record class #" + k + " is not defined");
            }
            cl = classes[k];
            info = classInfos[k];
        } else {
            String name = string();
            cl = resolve(name);
            check(cl, -1, depth);
            refs++;
            info = RECORDS.get(cl);
            if (!cl.isRecord() || !info.usable) {
                throw new InvalidClassException(name, "not a record class this process can read");
            }
            int count = length();
            boolean same = count == info.names.length;
            for (int i = 0; i < count; i++) {
                String component = string();
                String type = string();
                same &= i < info.names.length && component.equals(info.names[i]) && type.equals(info.typeNames[i]);
            }
            if (!same) {
                throw new InvalidClassException(name, "local class incompatible: its record components differ"
                        + " from the sender's");
            }
            define(cl, info);
        }
        Object[] args = new Object[info.names.length];
        for (int i = 0; i < args.length; i++) {
            args[i] = value(depth + 1);
        }
        try {
            return (Object) info.constructor.invokeExact(args);
        } catch (ClassCastException | NullPointerException e) {
            throw (IOException) new StreamCorruptedException("component values do not fit record " + cl.getName())
                    .initCause(e);
        } catch (RuntimeException e) {
            throw (IOException) new InvalidObjectException(cl.getName() + "'s canonical constructor threw " + e)
                    .initCause(e);
        } catch (Error e) {
            throw e;
        } catch (Throwable t) {
            throw (IOException) new InvalidObjectException(cl.getName() + "'s canonical constructor threw " + t)
                    .initCause(t);
        }
    }

    private void define(Class<?> cl, FastFormat.RecordInfo info) {
        if (classes == null) {
            classes = new Class<?>[4];
            classInfos = new FastFormat.RecordInfo[4];
        } else if (classCount == classes.length) {
            classes = Arrays.copyOf(classes, classCount * 2);
            classInfos = Arrays.copyOf(classInfos, classCount * 2);
        }
        classes[classCount] = cl;
        classInfos[classCount++] = info;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object enumConstant(int tag, int depth) throws IOException, ClassNotFoundException {
        Class<?> cl;
        if (tag == ENUM_REF) {
            int k = length();
            if (k >= classCount || classInfos[k] != null) {
                throw new StreamCorruptedException("enum class #" + k + " is not defined");
            }
            cl = classes[k];
        } else {
            String name = string();
            cl = resolve(name);
            check(cl, -1, depth);
            once(SEEN_ENUM, Enum.class, depth);
            refs++;
            if (!cl.isEnum()) {
                throw new InvalidClassException(name, "not an enum class");
            }
            define(cl, null);
        }
        String constant = string();
        try {
            return Enum.valueOf((Class) cl, constant);
        } catch (IllegalArgumentException e) {
            throw (IOException) new InvalidObjectException("enum constant " + constant + " does not exist in "
                    + cl).initCause(e);
        }
    }

    /**
     * A {@link Portable} handle, shown to the filter as a JDK stream shows it: its form class (resolved by mp4j's
     * own loader alone: no other class is a form), then, after the reader that class registered has rebuilt the
     * handle as the form's {@code readResolve} would (what that throws is thrown as it would be from there), the
     * handle's class, as a JDK stream checks what {@code readResolve} returned. The form's values are what its
     * fields hold: strings, numbers and flags, which a JDK stream writes as a string or a primitive and shows to
     * no filter; any other tag among them is a corrupt stream.
     */
    private Object portable(int depth) throws IOException, ClassNotFoundException {
        if (depth + 1 >= MAX_DEPTH) {
            throw new StreamCorruptedException("nesting deeper than " + MAX_DEPTH);
        }
        String name = string();
        Class<?> cl = Class.forName(name, false, Portable.class.getClassLoader());
        check(cl, -1, depth);
        refs++;
        PortableReader reader = portableReader(cl);
        if (reader == null) {
            throw new InvalidClassException(name, "not a handle's form this process can read");
        }
        int n = elementCount(depth + 1);
        if (n != reader.count()) {
            throw new StreamCorruptedException(name + " with " + n + " values, not " + reader.count());
        }
        elementsAt(n, depth);
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            values[i] = formValue(name);
        }
        Object handle = reader.reader().read(values);
        if (handle == null) {
            throw new InvalidObjectException("the handle of " + name + " resolved to null");
        }
        check(handle.getClass(), -1, depth);
        return handle;
    }

    /** A value of a handle's form: null, a string, an int or a boolean ({@link FastWriter}'s portable). */
    private Object formValue(String form) throws IOException {
        int tag = tag();
        switch (tag) {
            case NULL:
                return null;
            case FALSE:
            case TRUE:
                return tag == TRUE;
            case INT:
                int zi = varint();
                return zi >>> 1 ^ -(zi & 1);
            case STR8:
            case STR16:
                refs++;
                return stringBody(tag);
            default:
                throw new StreamCorruptedException("tag " + tag + " among the values of " + form);
        }
    }

    private Object duration(int depth) throws IOException {
        once(DURATION, TIME_SER, depth);
        long zl = varlong();
        long seconds = zl >>> 1 ^ -(zl & 1);
        int nanos = varint();
        if (nanos < 0 || nanos > 999_999_999) {
            throw new StreamCorruptedException("a Duration of " + nanos + " nanoseconds past its second");
        }
        return Duration.ofSeconds(seconds, nanos);
    }

    private Object lambda(int depth) throws IOException, ClassNotFoundException {
        if (depth >= MAX_DEPTH) {
            throw new StreamCorruptedException("nesting deeper than " + MAX_DEPTH);
        }
        once(SEEN_LAMBDA, SerializedLambda.class, depth);
        Class<?> capturing = resolve(string());
        check(capturing, -1, depth + 1);
        String fiClass = string();
        String fiName = string();
        String fiSig = string();
        int kind = length();
        String implClass = string();
        String implName = string();
        String implSig = string();
        String instantiated = string();
        int n = elementCount(depth + 1);
        check(Object[].class, n, depth + 1);
        elementsAt(n, depth + 1);
        Object[] captured = new Object[n];
        for (int i = 0; i < n; i++) {
            captured[i] = value(depth + 2);
        }
        // Another stream may hold a lambda its capturing class does not make, which $deserializeLambda$
        // rejects; a filter of the user's sees the lambda's class, which must then be the JDK's (the default
        // filter checks no class).
        boolean jdkClass = filter != null && !defaultFilter;
        boolean direct = fromParent && !jdkClass;
        // A lambda that captures nothing is one instance per call site (LambdaMetafactory's constant), so
        // the one a previous readResolve made is the one it would make again.
        String[] names = n == 0 ? new String[] {fiClass, fiName, fiSig, implClass, implName, implSig, instantiated}
                : null;
        Object lambda = !jdkClass && n == 0 ? Direct.find(directs, capturing, names, kind) : null;
        String key = null;
        if (lambda == null && n == 0 && statelessMapped) {
            key = statelessKey(names, kind);
            lambda = STATELESS_LAMBDAS.get(capturing).get(key);
        }
        // one made from the parent's stream is the lambda it names, whichever stream names it again: the same
        // instance, as for the JDK's lambdas
        if (lambda instanceof DirectRunnable && jdkClass) {
            lambda = null;
        }
        if (lambda == null && direct) {
            try {
                lambda = DirectRunnable.make(capturing, fiClass, fiName, fiSig, kind, implClass, implName, implSig,
                        instantiated, captured);
            } catch (LinkageError e) { // the capturing class's initialization, wrapped as $deserializeLambda$'s
                throw cannotMake(implClass, implName, e);
            }
            if (lambda != null && n == 0) {
                lambda = rememberDirect(capturing, names, kind, lambda);
            }
        }
        if (lambda == null) {
            try {
                SerializedLambda sl = new SerializedLambda(capturing, fiClass, fiName, fiSig, kind, implClass,
                        implName, implSig, instantiated, captured);
                MethodHandle deserializer = LAMBDA_DESERIALIZER.get(capturing);
                if (deserializer != null) {
                    try {
                        lambda = (Object) deserializer.invokeExact(sl);
                    } catch (LinkageError e) { // wrapped, as readResolve's Method.invoke would
                        throw cannotMake(implClass, implName, e);
                    }
                } else {
                    MethodHandle readResolve = lambdaReadResolve();
                    if (readResolve == null) {
                        throw new StreamCorruptedException("this JDK cannot read a lambda in the fast form");
                    }
                    lambda = (Object) readResolve.invokeExact((Object) sl);
                }
            } catch (IOException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw cannotMake(implClass, implName, t);
            }
            if (lambda == null) {
                throw new InvalidObjectException("the lambda " + implClass + "." + implName + " resolved to null");
            }
            if (n == 0) {
                Object kept = remember(capturing, key != null ? key : statelessKey(names, kind), lambda);
                if (!(kept instanceof DirectRunnable)) { // one of those is not for a read that made the JDK's
                    lambda = kept;
                }
            }
        }
        check(lambda.getClass(), -1, depth);
        return lambda;
    }

    /** @return the key of a lambda without captured arguments in {@link #STATELESS_LAMBDAS} */
    private static String statelessKey(String[] names, int kind) {
        return String.join("\n", names[0], names[1], names[2], Integer.toString(kind), names[3], names[4],
                names[5], names[6]);
    }

    /** Keeps a lambda that captures nothing for the next reads of its call site ({@link #STATELESS_LAMBDAS}). */
    private static Object remember(Class<?> capturing, String key, Object lambda) {
        Map<String, Object> cache = STATELESS_LAMBDAS.get(capturing);
        Object kept = cache.size() < 1024 ? cache.putIfAbsent(key, lambda) : null;
        statelessMapped = true;
        return kept != null ? kept : lambda;
    }

    /**
     * Keeps a lambda rebuilt as a {@link DirectRunnable} in {@link #directs}, or in {@link #STATELESS_LAMBDAS}
     * once that holds {@link #MAX_DIRECT}.
     */
    private static Object rememberDirect(Class<?> capturing, String[] names, int kind, Object lambda) {
        synchronized (STATELESS_LOCK) {
            Direct before = directs;
            Object made = Direct.find(before, capturing, names, kind); // by another thread meanwhile
            if (made != null) {
                return made;
            }
            if (before == null || before.count < MAX_DIRECT) {
                directs = new Direct(capturing, names, kind, lambda, before);
                return lambda;
            }
        }
        return remember(capturing, statelessKey(names, kind), lambda);
    }

    private static IOException cannotMake(String implClass, String implName, Throwable cause) {
        return (IOException) new InvalidObjectException("cannot make the lambda " + implClass + "." + implName
                + ": " + cause).initCause(cause);
    }

    /** @return the little-endian int at {@code b[p]} */
    private static int int32(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | b[p + 3] << 24;
    }

    /** @return the little-endian long at {@code b[p]} */
    private static long int64(byte[] b, int p) {
        return (int32(b, p) & 0xffffffffL) | (long) int32(b, p + 4) << 32;
    }

    /**
     * Boxes a value of Integer's cache and drops it, once per block of a boxed list's values (where
     * {@code from}, a block's first index, makes it one the compiler cannot fold). Integer.valueOf's profile
     * is the JVM's, shared by every caller: a first pass whose first values (0 to 99, an imap's first chunk)
     * were boxed before the profiling began leaves it without a cached value, and C2 compiles every loop
     * that boxes (these blocks', the worker's calls of the function, a map's results) to trap on one; the
     * next pass's first chunk then deoptimised them all and had them profiled and compiled again (5-8 ms
     * of compiling per worker, and the parent's reading of results). With a value of the cache in each
     * block, the profile has both outcomes while it is taken; compiled, the unused box is removed.
     */
    private static void seeCachedInt(int from) {
        Integer.valueOf(from & 0x7f);
    }

    /** {@link #seeCachedInt} for Long.valueOf's profile, which has the same cache test (Doubles have none). */
    private static void seeCachedLong(boolean doubles, int from) {
        if (!doubles) {
            Long.valueOf(from & 0x7f);
        }
    }

    /** Boxes the ints {@code from} to {@code to} of the body at {@code b[at]} into {@code a[base + from, base + to)}. */
    private static void boxInts(byte[] b, int at, Object[] a, int base, int from, int to) {
        seeCachedInt(from);
        for (int i = from; i < to; i++) {
            int p = at + 4 * i;
            a[base + i] = (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | b[p + 3] << 24;
        }
    }

    /** Boxes the ints {@code from} to {@code to} of the body at {@code b[at]} onto {@code list}. */
    private static void boxInts(byte[] b, int at, ArrayList<Object> list, int from, int to) {
        seeCachedInt(from);
        for (int i = from; i < to; i++) {
            int p = at + 4 * i;
            list.add((b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | b[p + 3] << 24);
        }
    }

    /** {@link #boxInts(byte[], int, Object[], int, int, int)} of 8-byte values: Longs, or Doubles of their raw bits. */
    private static void boxLongs(byte[] b, int at, boolean doubles, Object[] a, int base, int from, int to) {
        seeCachedLong(doubles, from);
        for (int i = from; i < to; i++) {
            long v = int64(b, at + 8 * i);
            a[base + i] = doubles ? (Object) Double.longBitsToDouble(v) : (Object) v;
        }
    }

    /** {@link #boxInts(byte[], int, ArrayList, int, int)} of 8-byte values: Longs, or Doubles of their raw bits. */
    private static void boxLongs(byte[] b, int at, boolean doubles, ArrayList<Object> list, int from, int to) {
        seeCachedLong(doubles, from);
        for (int i = from; i < to; i++) {
            long v = int64(b, at + 8 * i);
            list.add(doubles ? (Object) Double.longBitsToDouble(v) : (Object) v);
        }
    }

    private static void box(int[] v, Object[] a, int base, int from, int to) {
        seeCachedInt(from);
        for (int i = from; i < to; i++) {
            a[base + i] = v[i];
        }
    }

    private static void box(long[] v, Object[] a, int base, int from, int to) {
        seeCachedLong(false, from);
        for (int i = from; i < to; i++) {
            a[base + i] = v[i];
        }
    }

    private static void box(double[] v, Object[] a, int base, int from, int to) {
        for (int i = from; i < to; i++) {
            a[base + i] = v[i];
        }
    }

    private static void box(int[] v, ArrayList<Object> list, int from, int to) {
        seeCachedInt(from);
        for (int i = from; i < to; i++) {
            list.add(v[i]);
        }
    }

    private static void box(long[] v, ArrayList<Object> list, int from, int to) {
        seeCachedLong(false, from);
        for (int i = from; i < to; i++) {
            list.add(v[i]);
        }
    }

    private static void box(double[] v, ArrayList<Object> list, int from, int to) {
        for (int i = from; i < to; i++) {
            list.add(v[i]);
        }
    }

    // --------------------------------------------------------------------------------------- strings

    /** A name inside a record, enum or lambda: a string value that must not be null. */
    private String string() throws IOException {
        int t = tag();
        if (t != STR8 && t != STR16) {
            throw new StreamCorruptedException("tag " + t + " where a name was expected");
        }
        if (t == STR8) {
            int at = pos;
            int n = length();
            if (n <= MAX_NAME && n <= end - pos) {
                return name(n);
            }
            pos = at;
        }
        return stringBody(t);
    }

    /** The longest name kept in {@link #NAMES}, in bytes. */
    private static final int MAX_NAME = 256;

    /**
     * Names read before, each in the slot of a hash of its UTF-8 bytes (a later name of the same slot replaces
     * it): the class and component names of a task's record and the eight names of its lambda are the same in
     * every task, and making them new strings was most of the time of decoding one. Entries are immutable, so
     * a thread that reads an entry another thread has just stored sees it whole.
     */
    private static final Name[] NAMES = new Name[512];

    private record Name(byte[] utf8, String string) {}

    /** @return the STR8 of {@code n} bytes at {@link #pos} (which the caller checked are there), read past it */
    private String name(int n) {
        int h = n;
        for (int i = pos; i < pos + n; i++) {
            h = 31 * h + buf[i];
        }
        int slot = (h ^ h >>> 9) & (NAMES.length - 1);
        Name known = NAMES[slot];
        String s;
        if (known != null && Arrays.equals(known.utf8, 0, known.utf8.length, buf, pos, pos + n)) {
            s = known.string;
        } else {
            s = new String(buf, pos, n, StandardCharsets.UTF_8);
            NAMES[slot] = new Name(Arrays.copyOfRange(buf, pos, pos + n), s);
        }
        pos += n;
        return s;
    }

    private String stringBody(int tag) throws IOException {
        int n = length();
        if (tag == STR8) {
            if (n > end - pos) {
                throw truncated(n + " string bytes");
            }
            String s = new String(buf, pos, n, StandardCharsets.UTF_8);
            pos += n;
            return s;
        }
        if (n > (end - pos) / 2) {
            throw truncated(n + " string chars");
        }
        char[] chars = new char[n];
        for (int i = 0; i < n; i++) {
            chars[i] = (char) (short) SHORT_LE.get(buf, pos);
            pos += 2;
        }
        return new String(chars);
    }

    // --------------------------------------------------------------------------------------- filter

    /** Shows a class to the filter the first time it occurs in this stream. */
    private void once(int bit, Class<?> cl, int depth) throws InvalidClassException {
        long mask = 1L << bit;
        if ((checked & mask) == 0) {
            checked |= mask;
            check(cl, -1, depth);
        }
    }

    /** A boxed number's class and, as the JDK stream holds its descriptor too, java.lang.Number. */
    private void number(int tag, Class<?> cl, int depth) throws InvalidClassException {
        if ((checked & 1L << tag) == 0) {
            once(tag, cl, depth);
            once(SEEN_NUMBER, Number.class, depth);
        }
    }

    /** Before the elements of a container: their depth, and the references so far. */
    private void elementsAt(int n, int depth) throws InvalidClassException {
        if (n > 0) {
            check(null, -1, depth + 1);
        }
    }

    private void check(Class<?> cl, long arrayLength, int depth) throws InvalidClassException {
        if (filter == null) {
            return;
        }
        if (defaultFilter) {
            if (refs > DEFAULT_MAX_REFS) {
                throw new InvalidClassException(cl == null ? null : cl.getName(), "filter status: REJECTED");
            }
            return;
        }
        checkFilter(cl, arrayLength, depth);
    }

    /**
     * {@link #check} by a filter of the user's: apart, so that the JIT's first compilation of check, called a
     * few times for every stream, leaves this out when no such filter is set.
     */
    private void checkFilter(Class<?> cl, long arrayLength, int depth) throws InvalidClassException {
        ObjectInputFilter.Status status;
        try {
            status = filter.checkInput(new Info(cl, arrayLength, depth, refs, pos - start));
        } catch (RuntimeException e) {
            throw (InvalidClassException) new InvalidClassException(cl == null ? null : cl.getName(),
                    "filter status: REJECTED").initCause(e);
        }
        if (status == null || status == ObjectInputFilter.Status.REJECTED) {
            throw new InvalidClassException(cl == null ? null : cl.getName(), "filter status: " + status);
        }
    }

    // --------------------------------------------------------------------------------------- primitives

    private static Class<?> resolve(String name) throws ClassNotFoundException {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader != null) {
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException ignored) {
                // try mp4j's own loader below
            }
        }
        return Class.forName(name, false, FastReader.class.getClassLoader());
    }

    /** The element count of a container at this depth, bounded by the bytes left (one at least each). */
    private int elementCount(int depth) throws StreamCorruptedException {
        int n = length();
        if (n > end - pos) {
            throw truncated(n + " elements");
        }
        if (depth >= MAX_DEPTH) {
            throw new StreamCorruptedException("nesting deeper than " + MAX_DEPTH);
        }
        return n;
    }

    private int tag() throws StreamCorruptedException {
        need(1);
        return buf[pos++] & 0xFF;
    }

    private void need(int n) throws StreamCorruptedException {
        if (end - pos < n) {
            throw truncated(n + " bytes");
        }
    }

    private StreamCorruptedException truncated(String what) {
        return new StreamCorruptedException("the stream ends before " + what + " (at byte " + (pos - start) + " of "
                + (end - start) + ")");
    }

    /** A non-negative int (a length or count). */
    private int length() throws StreamCorruptedException {
        int v = varint();
        if (v < 0) {
            throw new StreamCorruptedException("negative length " + v + " at byte " + (pos - start));
        }
        return v;
    }

    private int varint() throws StreamCorruptedException {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            need(1);
            int b = buf[pos++];
            v |= (b & 0x7F) << shift;
            if (b >= 0) {
                if (shift == 28 && (b & 0x70) != 0) {
                    break;
                }
                return v;
            }
        }
        throw new StreamCorruptedException("malformed varint before byte " + (pos - start));
    }

    private long varlong() throws StreamCorruptedException {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            need(1);
            int b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                if (shift == 63 && (b & 0x7E) != 0) {
                    break;
                }
                return v;
            }
        }
        throw new StreamCorruptedException("malformed varint before byte " + (pos - start));
    }
}
