package dev.mp4j.python;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * CPython's pickler at protocol 4, for the types of API.md's mapping (one {@code dumps} at a time). Mutable objects
 * (lists, dicts, sets, bytearrays, {@link PyObject}s) and tuples are memoized by identity, so shared references
 * stay shared and cycles through a mutable object are written as CPython writes them; a tuple that reaches itself
 * through a mutable object is handled as CPython's {@code save_tuple} does. Frames are not written (they are a
 * hint; every protocol-4 reader accepts a pickle without them).
 */
final class Pickler {
    private static final int BATCH = 1000;
    private static final int SMALL_MEMO = 8;
    /** The longest output buffer kept between calls. */
    private static final int MAX_KEPT = 256 << 10;
    /**
     * An idle pickler with its output buffer, taken by one call at a time (getAndSet) and given back after it: a
     * fresh buffer doubling up to a long pickle's size costs twice that size in garbage, and fresh memory a page
     * fault per 4 KiB on first touch. A call that finds none (another thread has it) makes its own.
     */
    private static final AtomicReference<Pickler> KEPT = new AtomicReference<>();

    /** The settings of the current call; null between calls. */
    private Map<Class<?>, PyGlobal> records;
    private Function<Object, Object> replacer;
    private int maxDepth;
    /** The memo's first entries, looked up by a scan (most pickles hold a few containers); null for a global. */
    private final Object[] few = new Object[SMALL_MEMO];
    /** The memo once it outgrows {@link #few}; it then holds every entry. */
    private IdentityHashMap<Object, Integer> many;
    private int memoSize;
    private byte[] out = new byte[256];
    private int n;
    private int depth;

    private Pickler() {}

    /**
     * Pickles one value at protocol 4.
     *
     * @param value the value
     * @param records the dumper's registered records
     * @param replacer the dumper's replacer, or null
     * @param maxDepth the deepest nesting written
     * @return the pickle
     */
    static byte[] dump(Object value, Map<Class<?>, PyGlobal> records, Function<Object, Object> replacer,
            int maxDepth) {
        Pickler kept = KEPT.getAndSet(null);
        Pickler p = kept != null ? kept : new Pickler();
        p.records = records;
        p.replacer = replacer;
        p.maxDepth = maxDepth;
        p.write(0x80);
        p.write(4);
        p.save(value);
        p.write('.');
        byte[] result = Arrays.copyOf(p.out, p.n);
        p.reset(); // a call that failed above drops its pickler with whatever it holds
        return result;
    }

    /** Puts every per-call field back as a new pickler has it, then keeps this one if its buffer is not too long. */
    private void reset() {
        if (out.length > MAX_KEPT) {
            return;
        }
        Arrays.fill(few, 0, Math.min(memoSize, SMALL_MEMO), null);
        records = null;
        replacer = null;
        many = null;
        memoSize = 0;
        n = 0;
        depth = 0;
        KEPT.set(this);
    }

    // ---- output ----

    private void ensure(int more) {
        if (out.length - n < more) {
            long size = Math.max((long) out.length * 2, (long) n + more);
            if (size > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("the pickle would be longer than a Java array can hold");
            }
            out = Arrays.copyOf(out, (int) size);
        }
    }

    /** Kept under 35 bytes of bytecode, so that C1 inlines it: the interpreter and C1 make one call a byte. */
    private void write(int b) {
        if (n == out.length) {
            growByOne();
        }
        out[n++] = (byte) b;
    }

    private void growByOne() {
        ensure(1);
    }

    private void writeLe(long v, int bytes) {
        ensure(bytes);
        for (int i = 0; i < bytes; i++) {
            out[n++] = (byte) (v >>> (8 * i));
        }
    }

    private void write(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, out, n, b.length);
        n += b.length;
    }

    // ---- values ----

    private void save(Object o) {
        if (o == null) {
            write('N');
        } else if (o instanceof Long l) {
            saveLong(l);
        } else if (o instanceof String s) {
            saveString(s);
        } else if (o instanceof Integer || o instanceof Short || o instanceof Byte) {
            saveLong(((Number) o).longValue());
        } else if (o instanceof Boolean b) {
            write(b ? 0x88 : 0x89);
        } else if (o instanceof Double || o instanceof Float) {
            write('G');
            long bits = Double.doubleToRawLongBits(((Number) o).doubleValue());
            ensure(8);
            for (int i = 7; i >= 0; i--) {
                out[n++] = (byte) (bits >>> (8 * i));
            }
        } else if (o instanceof BigInteger b) {
            saveBigInteger(b);
        } else if (o instanceof byte[] b) {
            if (!get(o)) {
                saveBytes(b);
                memoize(o);
            }
        } else if (get(o)) {
            // memoized: written as a reference
        } else {
            enter(o);
            try {
                saveObject(o);
            } finally {
                depth--;
            }
        }
    }

    private void enter(Object o) {
        if (++depth > maxDepth) {
            depth--;
            throw new IllegalArgumentException("cannot pickle a structure nested deeper than " + maxDepth
                    + " levels (at a " + o.getClass().getName() + ")");
        }
    }

    /**
     * Writes a container or an object. A chain of type tests, not a pattern {@code switch}: the first such switch
     * a JVM runs spins its dispatch class (about 20 ms before the first pickle), and the interpreter and C1 call
     * its dispatch through a method handle.
     */
    private void saveObject(Object o) {
        if (o instanceof PyTuple t) {
            saveTuple(t);
        } else if (o instanceof ArrayList<?> l && l.getClass() == ArrayList.class) {
            write(']');
            memoize(o);
            saveArrayList(l);
        } else if (o instanceof List<?> l) {
            write(']');
            memoize(o);
            saveItems(l.iterator(), l.size(), 'a', 'e');
        } else if (o instanceof Map<?, ?> m) {
            write('}');
            memoize(o);
            saveEntries(m.entrySet().iterator(), m.size());
        } else if (o instanceof FrozenSet s) { // written whole before it is memoized, as CPython writes a frozenset
            write('(');
            for (Object item : s) {
                save(item);
            }
            Integer ref = memoIndex(s);
            if (ref != null) { // it reached itself through a mutable item and was written there
                write('1');
                writeGet(ref);
            } else {
                write(0x91);
                memoize(s);
            }
        } else if (o instanceof Set<?> s) {
            write(0x8f);
            memoize(o);
            Iterator<?> it = s.iterator();
            while (it.hasNext()) {
                write('(');
                for (int i = 0; i < BATCH && it.hasNext(); i++) {
                    save(it.next());
                }
                write(0x90);
            }
        } else if (o instanceof PyByteArray b) { // protocol 4 has no BYTEARRAY8: bytearray(bytes), as CPython does
            saveGlobal("builtins", "bytearray");
            saveBytes(b.bytes());
            write(0x85);
            write('R');
            memoize(o);
        } else if (o instanceof PyGlobal g) {
            saveGlobal(g.module(), g.name());
        } else if (o instanceof PyObject p) {
            saveGlobal(p.module(), p.name());
            saveTuple(PyTuple.of(p.args()));
            if (!p.kwargs().isEmpty()) {
                save(p.kwargs());
                write(0x92); // NEWOBJ_EX
            } else {
                write(p.viaNew() ? 0x81 : 'R');
            }
            memoize(o);
            if (!p.listItems().isEmpty()) {
                saveItems(p.listItems().iterator(), p.listItems().size(), 'a', 'e');
            }
            if (!p.dictItems().isEmpty()) {
                saveEntries(p.dictItems().entrySet().iterator(), p.dictItems().size());
            }
            if (p.state() != null) {
                save(p.state());
                write('b');
            }
        } else if (o instanceof PythonError e) {
            saveGlobal(e.module(), e.name());
            saveTuple(PyTuple.of(e.args()));
            write('R');
            memoize(o);
            if (e.state() != null) {
                save(e.state());
                write('b');
            }
        } else if (o instanceof Record r && records.containsKey(r.getClass())) {
            PyGlobal g = records.get(r.getClass());
            saveGlobal(g.module(), g.name());
            saveTuple(PyTuple.owning(components(r)));
            write('R');
            memoize(o);
        } else {
            Object replacement = replacer == null ? null : replacer.apply(o);
            if (replacement == null) {
                throw new IllegalArgumentException("cannot pickle a " + o.getClass().getName()
                        + ": not a type mp4j maps to Python (a record must be registered with Pickle.dumper())");
            }
            save(replacement);
        }
    }

    private static Object[] components(Record r) {
        RecordComponent[] cs = r.getClass().getRecordComponents();
        Object[] values = new Object[cs.length];
        for (int i = 0; i < cs.length; i++) {
            try {
                values[i] = cs[i].getAccessor().invoke(r);
            } catch (IllegalAccessException e) {
                throw new IllegalArgumentException("cannot read the components of " + r.getClass().getName()
                        + " (a registered record must be public, in a package its module exports)", e);
            } catch (InvocationTargetException e) {
                throw new IllegalArgumentException("the accessor " + cs[i].getName() + " of "
                        + r.getClass().getName() + " threw", e.getCause());
            }
        }
        return values;
    }

    private void saveItems(Iterator<?> it, int size, int one, int many) {
        if (size == 1) {
            save(it.next());
            write(one);
            return;
        }
        while (it.hasNext()) {
            write('(');
            for (int i = 0; i < BATCH && it.hasNext(); i++) {
                save(it.next());
            }
            write(many);
        }
    }

    /**
     * {@link #saveItems} of an {@code ArrayList}, by index: its items in batches, each batch's run of
     * {@code Long}s written in one loop without a call per item (see {@link #saveLongs}).
     */
    private void saveArrayList(ArrayList<?> l) {
        int size = l.size();
        if (size == 1) {
            save(l.get(0));
            write('a');
            return;
        }
        for (int from = 0; from < size; from += BATCH) {
            int to = Math.min(size, from + BATCH);
            write('(');
            int i = from;
            while (i < to) {
                Object item = l.get(i);
                if (item instanceof Long) {
                    i = saveLongs(l, i, to);
                } else {
                    save(item);
                    i++;
                }
            }
            write('e');
        }
        if (l.size() != size) {
            throw new ConcurrentModificationException("the list changed while it was pickled");
        }
    }

    /**
     * Writes the {@code Long} items of {@code l} from {@code from} on, as {@link #saveLong} writes each, up to
     * {@code to} or the first item of another class.
     *
     * @return the index of the first item not written
     */
    private int saveLongs(ArrayList<?> l, int from, int to) {
        ensure(MAX_LONG * (to - from));
        byte[] b = out;
        int at = n;
        int i = from;
        for (; i < to; i++) {
            if (!(l.get(i) instanceof Long boxed)) {
                break;
            }
            at = putLong(b, at, boxed);
        }
        n = at;
        return i;
    }

    private void saveEntries(Iterator<? extends Map.Entry<?, ?>> it, int size) {
        if (size == 1) {
            Map.Entry<?, ?> e = it.next();
            save(e.getKey());
            save(e.getValue());
            write('s');
            return;
        }
        while (it.hasNext()) {
            write('(');
            for (int i = 0; i < BATCH && it.hasNext(); i++) {
                Map.Entry<?, ?> e = it.next();
                save(e.getKey());
                save(e.getValue());
            }
            write('u');
        }
    }

    private void saveTuple(PyTuple t) {
        int size = t.size();
        if (size == 0) {
            write(')');
            return;
        }
        if (size > 3) {
            write('(');
        }
        for (int i = 0; i < size; i++) {
            save(t.get(i));
        }
        Integer ref = memoIndex(t);
        if (ref != null) { // the tuple reached itself through a mutable item and was written there: use that one
            if (size > 3) {
                write('1');
            } else {
                for (int i = 0; i < size; i++) {
                    write('0');
                }
            }
            writeGet(ref);
            return;
        }
        write(size == 1 ? 0x85 : size == 2 ? 0x86 : size == 3 ? 0x87 : 't');
        memoize(t);
    }

    private void saveGlobal(String module, String name) {
        saveString(module);
        saveString(name);
        write(0x93);
        write(0x94);
        memoPut(null); // CPython numbers the global; keep the indexes in step
    }

    /** The most bytes {@link #putLong} writes. */
    private static final int MAX_LONG = 10;

    private void saveLong(long v) {
        ensure(MAX_LONG);
        n = putLong(out, n, v);
    }

    /**
     * Writes {@code v} at {@code b[at]} as CPython writes an int: BININT1, BININT2, BININT or LONG1.
     *
     * @return the index after it
     */
    private static int putLong(byte[] b, int at, long v) {
        if (v >= 0 && v < 0x100) {
            b[at] = 'K';
            b[at + 1] = (byte) v;
            return at + 2;
        } else if (v >= 0 && v < 0x10000) {
            b[at] = 'M';
            b[at + 1] = (byte) v;
            b[at + 2] = (byte) (v >>> 8);
            return at + 3;
        } else if (v == (int) v) {
            b[at] = 'J';
            b[at + 1] = (byte) v;
            b[at + 2] = (byte) (v >>> 8);
            b[at + 3] = (byte) (v >>> 16);
            b[at + 4] = (byte) (v >>> 24);
            return at + 5;
        }
        int bytes = (64 - Long.numberOfLeadingZeros(v ^ (v >> 63))) / 8 + 1;
        b[at] = (byte) 0x8a;
        b[at + 1] = (byte) bytes;
        for (int i = 0; i < bytes; i++) {
            b[at + 2 + i] = (byte) (v >>> (8 * i));
        }
        return at + 2 + bytes;
    }

    private void saveBigInteger(BigInteger b) {
        if (b.bitLength() < 64) {
            saveLong(b.longValue());
            return;
        }
        byte[] be = b.toByteArray();
        if (be.length < 0x100) {
            write(0x8a);
            write(be.length);
        } else {
            write(0x8b);
            writeLe(be.length, 4);
        }
        ensure(be.length);
        for (int i = be.length - 1; i >= 0; i--) {
            out[n++] = be[i];
        }
    }

    private void saveString(String s) {
        int len = s.length();
        if (len < 0x100) { // a short ASCII string goes straight into the output
            ensure(2 + len);
            int at = n + 2;
            int i = 0;
            while (i < len) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                out[at + i++] = (byte) c;
            }
            if (i == len) {
                out[n] = (byte) 0x8c;
                out[n + 1] = (byte) len;
                n = at + len;
                return;
            }
        }
        byte[] b = Strings.encode(s);
        if (b.length < 0x100) {
            write(0x8c);
            write(b.length);
        } else {
            write('X');
            writeLe(b.length, 4);
        }
        write(b);
    }

    private void saveBytes(byte[] b) {
        if (b.length < 0x100) {
            write('C');
            write(b.length);
        } else {
            write('B');
            writeLe(b.length, 4);
        }
        write(b);
    }

    // ---- memo ----

    private void memoize(Object o) {
        write(0x94);
        memoPut(o);
    }

    /** Writes a reference to {@code o} if it is memoized; @return whether it was */
    private boolean get(Object o) {
        Integer i = memoIndex(o);
        if (i == null) {
            return false;
        }
        writeGet(i);
        return true;
    }

    /** Gives {@code o} (null: an entry nothing refers to) the next memo index. */
    private void memoPut(Object o) {
        if (many == null && memoSize < SMALL_MEMO) {
            few[memoSize++] = o;
            return;
        }
        if (many == null) {
            many = new IdentityHashMap<>();
            for (int i = 0; i < SMALL_MEMO; i++) {
                if (few[i] != null) {
                    many.put(few[i], i);
                }
            }
        }
        if (o != null) {
            many.put(o, memoSize);
        }
        memoSize++;
    }

    /** @return the memo index of {@code o}, or null */
    private Integer memoIndex(Object o) {
        if (many != null) {
            return many.get(o);
        }
        for (int i = 0; i < memoSize; i++) {
            if (few[i] == o) {
                return i;
            }
        }
        return null;
    }

    private void writeGet(int i) {
        if (i < 0x100) {
            write('h');
            write(i);
        } else {
            write('j');
            writeLe(i, 4);
        }
    }
}
