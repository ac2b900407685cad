package dev.mp4j.internal.wire;

import static dev.mp4j.internal.wire.FastFormat.*;

import java.io.ObjectStreamException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.SerializedLambda;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Writes one value in the {@link FastFormat}, or reports that it cannot: then the caller uses JDK
 * serialization for the whole graph. Not thread-safe: one call at a time owns an instance (a fresh one, or
 * the idle one taken from {@link #idle}).
 */
final class FastWriter {
    /**
     * The longest estimate written with the idle writer: a value estimated longer gets a buffer of its
     * estimate, which is the result itself when the estimate is exact (a byte[], a boxed list of numbers).
     */
    private static final int MAX_POOLED_ESTIMATE = 1024;
    /** The idle writer keeps a buffer at most this long. */
    private static final int MAX_KEPT_BUFFER = 64 << 10;
    /**
     * A writer and its buffer kept between calls, taken by one call at a time: a small value's call then
     * allocates its result and nothing else, where a fresh writer would allocate itself and a buffer (grown
     * by doubling for a task's lambda and its record), and fresh memory costs a page fault per 4 KiB the first
     * time it is touched. A call that finds none idle (another thread holds it) makes its own. Guarded by
     * {@link #IDLE_LOCK}, a monitor, as {@code FastReader}'s idle reader.
     */
    private static FastWriter idle;
    private static final Object IDLE_LOCK = new Object();

    /** Thrown out of an encoding when a handle written in it can no longer be sent ({@link Portable#formWritten}). */
    static final class HandleFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HandleFailed(ObjectStreamException cause) {
            super(cause);
        }

        ObjectStreamException reason() {
            return (ObjectStreamException) getCause();
        }
    }

    /** Tells the handles written that the whole value was: what their writeReplace does besides their form. */
    private void handlesWritten() {
        for (int i = 0; i < handleCount; i++) {
            try {
                handles[i].formWritten();
            } catch (ObjectStreamException e) {
                throw new HandleFailed(e);
            }
        }
    }

    /** Thrown (never out of this class) when the value needs JDK serialization. */
    private static final class Fallback extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Fallback() {
            super(null, null, false, false);
        }
    }

    private static final Fallback FALLBACK = new Fallback();

    private byte[] buf;
    private int pos;
    /** The first mutable container written; the identity set is made only when a second one comes. */
    private Object firstContainer;
    private IdentityHashMap<Object, Boolean> containers;
    /** The handles written, told once the whole value is ({@link Portable#formWritten}); null for none. */
    private Portable[] handles;
    private int handleCount;
    /** Record and enum classes defined in this stream, by number. */
    private Class<?>[] classes;
    private int classCount;

    private FastWriter(int capacity) {
        buf = new byte[capacity];
    }

    private FastWriter(byte[] buf) {
        this.buf = buf;
    }

    /**
     * @return the length of {@link #encodeList}'s result for {@code a[from, to)} when they make one bulk list
     *     of numbers (exact then), else its first buffer's
     */
    static int listLength(Object[] a, int from, int to, int headroom) {
        int n = to - from;
        return headroom + 1 + listCapacity(n, n > 0 ? a[from] : null);
    }

    /**
     * @param obj any value
     * @return its fast form, or null if it must take JDK serialization
     */
    static byte[] encode(Object obj) {
        return encode(obj, 0);
    }

    /**
     * @param obj any value
     * @param headroom bytes left free before the stream, for the caller's header
     * @return {@code headroom} bytes, then the fast form to the end of the array; or null if it must take
     *     JDK serialization
     */
    static byte[] encode(Object obj, int headroom) {
        int estimate = headroom + initialCapacity(obj);
        boolean small = estimate <= MAX_POOLED_ESTIMATE;
        FastWriter w = small ? takeIdle() : null;
        boolean pooled = w != null;
        if (pooled) {
            w.ensure(estimate);
            Arrays.fill(w.buf, 0, headroom, (byte) 0);
        } else {
            w = new FastWriter(estimate);
        }
        w.pos = headroom;
        w.buf[w.pos++] = MAGIC;
        try {
            w.value(obj, 1);
        } catch (Fallback f) {
            if (small) {
                w.release();
            }
            return null;
        }
        w.handlesWritten();
        byte[] result = pooled ? Arrays.copyOf(w.buf, w.pos) : w.result();
        if (small && result != w.buf) {
            w.release(); // a writer that threw anything else is dropped
        }
        return result;
    }

    /** Forgets the value this writer wrote and makes it the idle one, if its buffer is not too long. */
    private void release() {
        if (buf.length > MAX_KEPT_BUFFER) {
            return;
        }
        pos = 0;
        firstContainer = null;
        containers = null;
        handles = null;
        handleCount = 0;
        if (classes != null) {
            Arrays.fill(classes, 0, classCount, null);
        }
        classCount = 0;
        synchronized (IDLE_LOCK) {
            idle = this;
        }
    }

    /** @return the idle writer, now this call's, or null if another call holds it */
    private static FastWriter takeIdle() {
        synchronized (IDLE_LOCK) {
            FastWriter w = idle;
            idle = null;
            return w;
        }
    }

    /**
     * Writes {@code a[from, to)} as an {@code ArrayList} of those elements would be written, without the list.
     *
     * @param headroom bytes left free before the stream, for the caller's header
     * @return {@code headroom} bytes, then the fast form to the end of the array; or null if it must take
     *     JDK serialization
     */
    static byte[] encodeList(Object[] a, int from, int to, int headroom) {
        return encodeList(a, from, to, headroom, null);
    }

    /**
     * {@link #encodeList(Object[], int, int, int)} written into {@code reuse} when it is exactly as long as the
     * estimate ({@link #listLength}): for a bulk list of numbers, the result is then {@code reuse} itself.
     *
     * @param reuse a buffer the caller no longer needs, or null
     */
    static byte[] encodeList(Object[] a, int from, int to, int headroom, byte[] reuse) {
        int capacity = listLength(a, from, to, headroom);
        FastWriter w;
        if (reuse != null && reuse.length == capacity) {
            w = new FastWriter(reuse);
            Arrays.fill(reuse, 0, headroom, (byte) 0);
        } else {
            w = new FastWriter(capacity);
        }
        w.pos = headroom;
        w.buf[w.pos++] = MAGIC;
        try {
            if (!w.boxedList(ARRAY_LIST, a, from, to, 1)) {
                w.elements(ARRAY_LIST, Arrays.asList(a).subList(from, to), to - from, 1);
            }
        } catch (Fallback f) {
            return null;
        }
        w.handlesWritten();
        return w.result();
    }

    /** @return the bytes written, the buffer itself when it is full (the estimates aim at that) */
    private byte[] result() {
        return pos == buf.length ? buf : Arrays.copyOf(buf, pos);
    }

    private static int initialCapacity(Object obj) {
        // exact for a byte[], an ASCII string and a boxed list of numbers, so that the result is the buffer
        // itself, not a copy
        if (obj instanceof byte[] b && b.length < Integer.MAX_VALUE - 16) {
            return 2 + varintSize(b.length) + b.length;
        } else if (obj instanceof String s && s.length() < Integer.MAX_VALUE - 16) {
            return 2 + varintSize(s.length()) + s.length();
        } else if (isKnownList(obj) && !((List<?>) obj).isEmpty()) {
            // only lists of the JDK's own classes are asked for an element: another list's get may be anything
            // (a manager's list proxy asks its server)
            List<?> l = (List<?>) obj;
            return 1 + listCapacity(l.size(), l.get(0));
        } else if (obj instanceof Collection<?> c) {
            return 1 + listCapacity(c.size(), null);
        }
        return 64;
    }

    private static boolean isKnownList(Object obj) {
        Class<?> c = obj == null ? null : obj.getClass();
        return c == ArrayList.class || c == LIST12 || c == LISTN;
    }

    /**
     * @param first the first element, or null if unknown
     * @return the bytes of a list of {@code n} elements after MAGIC: exact for a {@link FastFormat#BOXED_LIST}
     *     of numbers of {@code first}'s class, else a guess
     */
    private static int listCapacity(int n, Object first) {
        int count = Math.min(n, 1 << 20);
        int width = first instanceof Long || first instanceof Double ? 8 : 4;
        return 3 + varintSize(count) + count * width;
    }

    // --------------------------------------------------------------------------------------- values

    private void value(Object v, int depth) {
        if (v == null) {
            put(NULL);
            return;
        }
        Class<?> c = v.getClass();
        if (c == Integer.class) {
            ensure(6);
            buf[pos++] = INT;
            varint(zigzag((Integer) v));
        } else if (c == String.class) {
            string((String) v);
        } else if (c == Long.class) {
            ensure(11);
            buf[pos++] = LONG;
            varlong(zigzag((Long) v));
        } else if (c == Double.class) {
            ensure(9);
            buf[pos++] = DOUBLE;
            LONG_LE.set(buf, pos, Double.doubleToRawLongBits((Double) v));
            pos += 8;
        } else if (c == Boolean.class) {
            put((Boolean) v ? TRUE : FALSE);
        } else if (c == ArrayList.class) {
            track(v);
            List<?> list = (List<?>) v;
            if (!boxedList(ARRAY_LIST, list, depth)) {
                elements(ARRAY_LIST, list, list.size(), depth);
            }
        } else if (c == LIST12 || c == LISTN) {
            immutableList((List<?>) v, depth);
        } else if (c == HashMap.class) {
            track(v);
            map(HASH_MAP, (Map<?, ?>) v, depth);
        } else if (c == MAP1 || c == MAPN) {
            map(MAP_OF, (Map<?, ?>) v, depth);
        } else if (c == SET12 || c == SETN) {
            Collection<?> set = (Collection<?>) v;
            elements(SET_OF, set, set.size(), depth);
        } else if (c == HashSet.class) {
            track(v);
            Collection<?> set = (Collection<?>) v;
            elements(HASH_SET, set, set.size(), depth);
        } else if (c == LinkedHashSet.class) {
            track(v);
            Collection<?> set = (Collection<?>) v;
            elements(LINKED_HASH_SET, set, set.size(), depth);
        } else if (c == Float.class) {
            ensure(5);
            buf[pos++] = FLOAT;
            INT_LE.set(buf, pos, Float.floatToRawIntBits((Float) v));
            pos += 4;
        } else if (c == Byte.class) {
            ensure(2);
            buf[pos++] = BYTE;
            buf[pos++] = (Byte) v;
        } else if (c == Short.class) {
            ensure(3);
            buf[pos++] = SHORT;
            SHORT_LE.set(buf, pos, (Short) v);
            pos += 2;
        } else if (c == Character.class) {
            ensure(3);
            buf[pos++] = CHAR;
            SHORT_LE.set(buf, pos, (short) (char) (Character) v);
            pos += 2;
        } else if (c == Duration.class) {
            Duration d = (Duration) v;
            ensure(16);
            buf[pos++] = DURATION;
            varlong(zigzag(d.getSeconds()));
            varint(d.getNano());
        } else if (c.isArray()) {
            array(v, c, depth);
        } else if (c.isRecord()) {
            record(v, c, depth);
        } else if (v instanceof Enum<?> e) {
            Class<?> type = e.getDeclaringClass();
            int index = classIndex(type);
            if (index >= 0) {
                put(ENUM_REF);
                ensure(5);
                varint(index);
            } else {
                define(type);
                put(ENUM_DEF);
                string(type.getName());
            }
            string(e.name());
        } else if (c.isHidden()) {
            lambda(v, c, depth);
        } else if (c == DirectRunnable.class) {
            // a target this JVM read from its parent, passed on: the lambda's form, fast as it came
            lambdaForm(((DirectRunnable) v).form(), null, depth);
        } else if (v instanceof Portable p) {
            portable(p, depth);
        } else {
            throw FALLBACK;
        }
    }

    /**
     * A handle as its serial form's class and values; one that cannot make them takes JDK serialization, and so
     * does a handle that occurs twice, which a JDK stream reads back as one object.
     */
    private void portable(Portable p, int depth) {
        if (depth + 1 >= MAX_DEPTH) {
            throw FALLBACK;
        }
        track(p);
        Object[] values;
        try {
            values = p.formValues();
        } catch (ObjectStreamException e) {
            throw FALLBACK; // JDK serialization's writeReplace fails as it did, and says why
        }
        if (handles == null) {
            handles = new Portable[2];
        } else if (handleCount == handles.length) {
            handles = Arrays.copyOf(handles, handleCount * 2);
        }
        handles[handleCount++] = p;
        put(PORTABLE);
        string(p.formClass().getName());
        ensure(5);
        varint(values.length);
        for (Object value : values) {
            Class<?> c = value == null ? null : value.getClass();
            if (c != null && c != String.class && c != Integer.class && c != Boolean.class) {
                throw FALLBACK;
            }
            value(value, depth + 1);
        }
    }

    private void array(Object v, Class<?> c, int depth) {
        track(v);
        ByteBuffer bb;
        if (c == byte[].class) {
            byte[] a = (byte[]) v;
            header(BYTES, a.length, a.length);
            System.arraycopy(a, 0, buf, pos, a.length);
            pos += a.length;
        } else if (c == int[].class) {
            int[] a = (int[]) v;
            bb = header(INTS, a.length, a.length * 4L);
            bb.asIntBuffer().put(a);
            pos += a.length * 4;
        } else if (c == long[].class) {
            long[] a = (long[]) v;
            bb = header(LONGS, a.length, a.length * 8L);
            bb.asLongBuffer().put(a);
            pos += a.length * 8;
        } else if (c == double[].class) {
            double[] a = (double[]) v;
            bb = header(DOUBLES, a.length, a.length * 8L);
            // raw bits: DoubleBuffer.put keeps NaN payloads (a bulk copy)
            bb.asDoubleBuffer().put(a);
            pos += a.length * 8;
        } else if (c == float[].class) {
            float[] a = (float[]) v;
            bb = header(FLOATS, a.length, a.length * 4L);
            bb.asFloatBuffer().put(a);
            pos += a.length * 4;
        } else if (c == short[].class) {
            short[] a = (short[]) v;
            bb = header(SHORTS, a.length, a.length * 2L);
            bb.asShortBuffer().put(a);
            pos += a.length * 2;
        } else if (c == char[].class) {
            char[] a = (char[]) v;
            bb = header(CHARS, a.length, a.length * 2L);
            bb.asCharBuffer().put(a);
            pos += a.length * 2;
        } else if (c == boolean[].class) {
            boolean[] a = (boolean[]) v;
            header(BOOLEANS, a.length, a.length);
            for (boolean b : a) {
                buf[pos++] = (byte) (b ? 1 : 0);
            }
        } else if (c == Object[].class) {
            Object[] a = (Object[]) v;
            elements(OBJECTS, Arrays.asList(a), a.length, depth);
        } else if (c == String[].class) {
            String[] a = (String[]) v;
            elements(STRINGS, Arrays.asList(a), a.length, depth);
        } else {
            throw FALLBACK;
        }
    }

    /** Writes tag and length, makes room for the body, and returns a little-endian view at the body. */
    private ByteBuffer header(int tag, int length, long bodyBytes) {
        if (bodyBytes > Integer.MAX_VALUE - 64) {
            throw FALLBACK;
        }
        ensure(1 + varintSize(length) + bodyBytes);
        buf[pos++] = (byte) tag;
        varint(length);
        return ByteBuffer.wrap(buf, pos, (int) bodyBytes).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private void immutableList(List<?> list, int depth) {
        int start = pos;
        int n = list.size();
        if (boxedList(LIST_OF, list, depth)) {
            if (List.copyOf(list) != list) {
                buf[start + 1] = LIST_NULLS; // the kind, after the BOXED_LIST tag
            }
            return;
        }
        boolean nulls = elements(LIST_OF, list, n, depth);
        if (nulls || List.copyOf(list) != list) {
            // Stream.toList()'s list takes nulls, List.of's does not: the copy tells them apart
            buf[start] = LIST_NULLS;
        }
    }

    /**
     * Writes a list of at least {@link FastFormat#MIN_BOXED} elements that are all Integers, all Longs or all
     * Doubles as one {@link FastFormat#BOXED_LIST}: a bulk copy of their values, where a map's chunk of
     * numbers would otherwise take a tagged value, and a call or two of a JVM's interpreter, per element.
     *
     * @param kind the list's tag (ARRAY_LIST, LIST_OF or LIST_NULLS)
     * @return false, having written nothing, for any other list
     */
    private boolean boxedList(int kind, List<?> list, int depth) {
        if (list.size() < MIN_BOXED || depth >= MAX_DEPTH) {
            return false;
        }
        Object[] a = list.toArray();
        return boxedList(kind, a, 0, a.length, depth);
    }

    /** {@link #boxedList(int, List, int)} of the list of {@code a[from, to)}. */
    private boolean boxedList(int kind, Object[] a, int from, int to, int depth) {
        int n = to - from;
        if (n < MIN_BOXED || depth >= MAX_DEPTH) {
            return false;
        }
        Class<?> type = a[from] == null ? null : a[from].getClass();
        if (n <= SMALL_BULK) {
            return smallBoxedList(kind, a, from, n, type);
        }
        return bulkBoxedList(kind, a, from, n, type);
    }

    /**
     * {@link #boxedList(int, Object[], int, int, int)} of a long list, its values written in one bulk copy: apart,
     * so that the short lists of imap's chunks, a boxedList call each, leave it out of the JIT's first
     * compilation of that.
     *
     * @return false, having written nothing, unless {@code a[from, from + n)} are all of class {@code type},
     *     Integer, Long or Double
     */
    private boolean bulkBoxedList(int kind, Object[] a, int from, int n, Class<?> type) {
        if (type == Integer.class) {
            int[] v = Scratch.ints(n);
            boolean all = true;
            for (int i = 0; i < n && all; i += BLOCK) {
                all = unboxInts(a, from, v, i, Math.min(n, i + BLOCK));
            }
            if (all) {
                boxedHeader(kind, INT, n, 4L * n).asIntBuffer().put(v, 0, n);
                pos += 4 * n;
            }
            Scratch.give(v);
            return all;
        } else if (type == Long.class) {
            long[] v = Scratch.longs(n);
            boolean all = true;
            for (int i = 0; i < n && all; i += BLOCK) {
                all = unboxLongs(a, from, v, i, Math.min(n, i + BLOCK));
            }
            if (all) {
                boxedHeader(kind, LONG, n, 8L * n).asLongBuffer().put(v, 0, n);
                pos += 8 * n;
            }
            Scratch.give(v);
            return all;
        } else if (type == Double.class) {
            double[] v = Scratch.doubles(n);
            boolean all = true;
            for (int i = 0; i < n && all; i += BLOCK) {
                all = unboxDoubles(a, from, v, i, Math.min(n, i + BLOCK));
            }
            if (all) {
                // raw bits, as array() writes them
                boxedHeader(kind, DOUBLE, n, 8L * n).asDoubleBuffer().put(v, 0, n);
                pos += 8 * n;
            }
            Scratch.give(v);
            return all;
        }
        return false;
    }

    /**
     * {@link #boxedList(int, Object[], int, int, int)} of a short list (an imap's chunk): each value written
     * straight into the little-endian body, a few bytecodes each, where the bulk copy takes a dozen calls of
     * buffer views per list.
     *
     * @return false, having written nothing, unless {@code a[from, from + n)} are all of class {@code type},
     *     Integer, Long or Double
     */
    private boolean smallBoxedList(int kind, Object[] a, int from, int n, Class<?> type) {
        int element = type == Integer.class ? INT : type == Long.class ? LONG : type == Double.class ? DOUBLE : -1;
        if (element < 0) {
            return false;
        }
        int start = pos;
        int width = element == INT ? 4 : 8;
        ensure(3 + varintSize(n) + (long) width * n);
        buf[pos++] = BOXED_LIST;
        buf[pos++] = (byte) kind;
        buf[pos++] = (byte) element;
        varint(n);
        byte[] b = buf;
        int body = pos;
        boolean all = true;
        for (int i = 0; i < n && all; i += BLOCK) {
            int end = Math.min(n, i + BLOCK);
            all = element == INT ? putInts(a, from, b, body, i, end) : putLongs(a, from, element == DOUBLE, b, body, i, end);
        }
        pos = all ? body + width * n : start;
        return all;
    }

    /**
     * Writes {@code a[base + from, base + to)} little-endian at {@code b[at + 4 * from]} on, while they are
     * {@code Integer}s.
     *
     * @return whether they all were
     */
    private static boolean putInts(Object[] a, int base, byte[] b, int at, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!(a[base + i] instanceof Integer x)) {
                return false;
            }
            int v = x;
            int p = at + 4 * i;
            b[p] = (byte) v;
            b[p + 1] = (byte) (v >> 8);
            b[p + 2] = (byte) (v >> 16);
            b[p + 3] = (byte) (v >> 24);
        }
        return true;
    }

    /** {@link #putInts} of {@code Long}s, or of {@code Double}s' raw bits (as {@code array()} writes them), 8 bytes each. */
    private static boolean putLongs(Object[] a, int base, boolean doubles, byte[] b, int at, int from, int to) {
        for (int i = from; i < to; i++) {
            Object o = a[base + i];
            long v;
            if (!doubles && o instanceof Long x) {
                v = x;
            } else if (doubles && o instanceof Double x) {
                v = Double.doubleToRawLongBits(x);
            } else {
                return false;
            }
            int p = at + 8 * i;
            b[p] = (byte) v;
            b[p + 1] = (byte) (v >> 8);
            b[p + 2] = (byte) (v >> 16);
            b[p + 3] = (byte) (v >> 24);
            b[p + 4] = (byte) (v >> 32);
            b[p + 5] = (byte) (v >> 40);
            b[p + 6] = (byte) (v >> 48);
            b[p + 7] = (byte) (v >> 56);
        }
        return true;
    }

    /** @return whether {@code a[base + from, base + to)} are all {@code Integer}s, their values then in {@code v[from, to)} */
    private static boolean unboxInts(Object[] a, int base, int[] v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!(a[base + i] instanceof Integer x)) {
                return false;
            }
            v[i] = x;
        }
        return true;
    }

    /** @return whether {@code a[base + from, base + to)} are all {@code Long}s, their values then in {@code v[from, to)} */
    private static boolean unboxLongs(Object[] a, int base, long[] v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!(a[base + i] instanceof Long x)) {
                return false;
            }
            v[i] = x;
        }
        return true;
    }

    /** @return whether {@code a[base + from, base + to)} are all {@code Double}s, their values then in {@code v[from, to)} */
    private static boolean unboxDoubles(Object[] a, int base, double[] v, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!(a[base + i] instanceof Double x)) {
                return false;
            }
            v[i] = x;
        }
        return true;
    }

    private ByteBuffer boxedHeader(int kind, int element, int length, long bodyBytes) {
        ensure(2);
        buf[pos++] = BOXED_LIST;
        buf[pos++] = (byte) kind;
        return header(element, length, bodyBytes);
    }

    /** @return whether a null element was written */
    private boolean elements(int tag, Iterable<?> items, int n, int depth) {
        if (depth >= MAX_DEPTH) {
            throw FALLBACK;
        }
        ensure(6);
        buf[pos++] = (byte) tag;
        varint(n);
        int count = 0;
        boolean nulls = false;
        for (Object item : items) {
            if (++count > n) {
                throw new ConcurrentModificationException("the collection grew while it was serialized");
            }
            nulls |= item == null;
            value(item, depth + 1);
        }
        if (count != n) {
            throw new ConcurrentModificationException("the collection shrank while it was serialized");
        }
        return nulls;
    }

    private void map(int tag, Map<?, ?> map, int depth) {
        if (depth >= MAX_DEPTH) {
            throw FALLBACK;
        }
        int n = map.size();
        ensure(6);
        buf[pos++] = (byte) tag;
        varint(n);
        int count = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (++count > n) {
                throw new ConcurrentModificationException("the map grew while it was serialized");
            }
            value(e.getKey(), depth + 1);
            value(e.getValue(), depth + 1);
        }
        if (count != n) {
            throw new ConcurrentModificationException("the map shrank while it was serialized");
        }
    }

    private void record(Object v, Class<?> c, int depth) {
        FastFormat.RecordInfo info = RECORDS.get(c);
        if (!info.usable || depth >= MAX_DEPTH) {
            throw FALLBACK;
        }
        int index = classIndex(c);
        if (index >= 0) {
            put(RECORD_REF);
            ensure(5);
            varint(index);
        } else {
            define(c);
            put(RECORD_DEF);
            string(c.getName());
            ensure(5);
            varint(info.names.length);
            for (int i = 0; i < info.names.length; i++) {
                string(info.names[i]);
                string(info.typeNames[i]);
            }
        }
        for (MethodHandle getter : info.fields) {
            Object component;
            try {
                component = (Object) getter.invokeExact(v);
            } catch (Throwable t) {
                throw FALLBACK;
            }
            value(component, depth + 1);
        }
    }

    /** @return the class's number in this stream, or -1 if it is not defined yet */
    private int classIndex(Class<?> c) {
        for (int i = 0; i < classCount; i++) {
            if (classes[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private void define(Class<?> c) {
        if (classes == null) {
            classes = new Class<?>[4];
        } else if (classCount == classes.length) {
            classes = Arrays.copyOf(classes, classCount * 2);
        }
        classes[classCount++] = c;
    }

    private void lambda(Object v, Class<?> c, int depth) {
        MethodHandle writeReplace = LAMBDA_WRITE_REPLACE.get(c);
        // the captured arguments are an Object[] (depth + 1) of values (depth + 2), as a reader counts them
        if (writeReplace == null || depth + 1 >= MAX_DEPTH) {
            throw FALLBACK;
        }
        Object replaced;
        try {
            replaced = (Object) writeReplace.invokeExact(v);
        } catch (Throwable t) {
            throw FALLBACK;
        }
        if (!(replaced instanceof SerializedLambda sl)) {
            throw FALLBACK;
        }
        lambdaForm(sl, LAMBDA_HEADS.get(c), depth);
    }

    /**
     * @param sl the lambda's form
     * @param known its class's constant names as written before, kept there after the first; null: not kept
     * @param depth the lambda's depth
     */
    private void lambdaForm(SerializedLambda sl, LambdaHead known, int depth) {
        if (depth + 1 >= MAX_DEPTH) {
            throw FALLBACK;
        }
        put(LAMBDA);
        byte[] head = known == null ? null : known.bytes;
        if (head != null) {
            ensure(head.length);
            System.arraycopy(head, 0, buf, pos, head.length);
            pos += head.length;
        } else {
            int at = pos;
            string(sl.getCapturingClass().replace('/', '.'));
            string(sl.getFunctionalInterfaceClass());
            string(sl.getFunctionalInterfaceMethodName());
            string(sl.getFunctionalInterfaceMethodSignature());
            ensure(5);
            varint(sl.getImplMethodKind());
            string(sl.getImplClass());
            string(sl.getImplMethodName());
            string(sl.getImplMethodSignature());
            string(sl.getInstantiatedMethodType());
            if (known != null) {
                known.bytes = Arrays.copyOfRange(buf, at, pos);
            }
        }
        int n = sl.getCapturedArgCount();
        ensure(5);
        varint(n);
        for (int i = 0; i < n; i++) {
            value(sl.getCapturedArg(i), depth + 2);
        }
    }

    /**
     * Per serializable lambda class: its {@link SerializedLambda}'s names as {@link #lambda} writes them, from
     * the capturing class to the instantiated method type, once its first instance is written. They are
     * constants of the class (only the captured arguments differ between its instances), so each later
     * instance copies them instead of writing eight strings again.
     */
    private static final ClassValue<LambdaHead> LAMBDA_HEADS = new ClassValue<>() {
        @Override
        protected LambdaHead computeValue(Class<?> type) {
            return new LambdaHead();
        }
    };

    /** The bytes of a lambda class's constant names, or null before its first instance is written. */
    private static final class LambdaHead {
        volatile byte[] bytes;
    }

    /** A mutable container may appear once: sharing and cycles need JDK serialization. */
    private void track(Object container) {
        if (firstContainer == null) {
            firstContainer = container;
            return;
        }
        if (containers == null) {
            if (container == firstContainer) {
                throw FALLBACK;
            }
            containers = new IdentityHashMap<>();
            containers.put(firstContainer, Boolean.TRUE);
        }
        if (containers.put(container, Boolean.TRUE) != null) {
            throw FALLBACK;
        }
    }

    // --------------------------------------------------------------------------------------- strings

    private void string(String s) {
        int n = s.length();
        int lenBytes = varintSize(n);
        ensure(1L + lenBytes + n);
        int start = pos;
        int p = start + 1 + lenBytes;
        byte[] b = buf;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch >= 0x80) {
                nonAscii(s, start);
                return;
            }
            b[p++] = (byte) ch;
        }
        b[start] = STR8;
        pos = start + 1;
        varint(n);
        pos = p;
    }

    /** The string has a non-ASCII char: UTF-8 when it is well-formed UTF-16, else the code units. */
    private void nonAscii(String s, int start) {
        pos = start;
        int n = s.length();
        long utf8 = 0;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                utf8++;
            } else if (ch < 0x800) {
                utf8 += 2;
            } else if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                utf8 += 4;
                i++;
            } else if (Character.isSurrogate(ch)) {
                utf16(s);
                return;
            } else {
                utf8 += 3;
            }
        }
        if (utf8 > Integer.MAX_VALUE - 64) {
            throw FALLBACK;
        }
        ensure(6 + (int) utf8);
        buf[pos++] = STR8;
        varint((int) utf8);
        byte[] b = buf;
        int p = pos;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (ch < 0x80) {
                b[p++] = (byte) ch;
            } else if (ch < 0x800) {
                b[p++] = (byte) (0xC0 | ch >> 6);
                b[p++] = (byte) (0x80 | ch & 0x3F);
            } else if (Character.isHighSurrogate(ch)) {
                int cp = Character.toCodePoint(ch, s.charAt(++i));
                b[p++] = (byte) (0xF0 | cp >> 18);
                b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
                b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | cp & 0x3F);
            } else {
                b[p++] = (byte) (0xE0 | ch >> 12);
                b[p++] = (byte) (0x80 | ch >> 6 & 0x3F);
                b[p++] = (byte) (0x80 | ch & 0x3F);
            }
        }
        pos = p;
    }

    private void utf16(String s) {
        int n = s.length();
        if (n > (Integer.MAX_VALUE - 64) / 2) {
            throw FALLBACK;
        }
        ensure(6 + 2L * n);
        buf[pos++] = STR16;
        varint(n);
        for (int i = 0; i < n; i++) {
            SHORT_LE.set(buf, pos, (short) s.charAt(i));
            pos += 2;
        }
    }

    // --------------------------------------------------------------------------------------- primitives

    private void put(int tag) {
        ensure(1);
        buf[pos++] = (byte) tag;
    }

    private void ensure(long more) {
        if (buf.length - pos < more) {
            long want = Math.max((long) buf.length * 2, pos + more);
            if (want > Integer.MAX_VALUE - 16) {
                if (pos + more > Integer.MAX_VALUE - 16) {
                    throw FALLBACK;
                }
                want = Integer.MAX_VALUE - 16;
            }
            buf = Arrays.copyOf(buf, (int) want);
        }
    }

    private static int zigzag(int n) {
        return n << 1 ^ n >> 31;
    }

    private static long zigzag(long n) {
        return n << 1 ^ n >> 63;
    }

    private static int varintSize(int v) {
        return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
    }

    /** Unsigned LEB128; the caller made room for 5 bytes. */
    private void varint(int v) {
        while ((v & ~0x7F) != 0) {
            buf[pos++] = (byte) (v & 0x7F | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    /** Unsigned LEB128; the caller made room for 10 bytes. */
    private void varlong(long v) {
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) (v & 0x7F | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }
}
