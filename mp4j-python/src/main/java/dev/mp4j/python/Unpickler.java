package dev.mp4j.python;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * CPython's unpickler, as a bounded, data-only stack machine over one byte array (one per {@code loads}).
 *
 * <p>It reads the opcodes of protocols 2 to 5 ({@code Lib/pickletools.py} lists them); the text opcodes of
 * protocols 0 and 1, persistent ids, the extension registry and out-of-band buffers are refused. A global
 * ({@code GLOBAL}, {@code STACK_GLOBAL}) is a {@link PyGlobal}, a name only; calling one ({@code REDUCE},
 * {@code NEWOBJ}) runs the loader's allow-listed constructor for that name if there is one, maps the few
 * builtins mp4j reads as values (set, frozenset, bytes, bytearray, {@code _codecs.encode}, exceptions), and makes
 * a {@link PyObject} of anything else. No Java class is looked up and no code the pickle names is run.
 *
 * <p>Bounds: every length is checked against the bytes left before anything is allocated, so memory stays in
 * proportion to the input; the nesting depth of the containers as they are built is at most the loader's
 * {@code maxDepth}; the memo grows with the {@code PUT}s the input holds.
 */
final class Unpickler {
    private static final int HIGHEST_PROTOCOL = 5;
    private static final Object MARK_VALUE = new Object();

    private final byte[] in;
    private final Map<PyGlobal, Function<List<Object>, Object>> allowed;
    private final int maxDepth;
    private int pos;
    private int proto = HIGHEST_PROTOCOL;

    private Object[] stack = new Object[16];
    private int sp;
    private int[] marks = new int[8];
    private int mp;

    private Object[] memo = new Object[16];
    private Map<Long, Object> farMemo;
    private long memoCount;
    private IdentityHashMap<Object, Integer> depths; // made at the first container inside another
    /**
     * Whether the input is long enough to nest deeper than maxDepth: each level a container gains takes a value
     * pushed (an opcode of at least one byte), so a pickle shorter than maxDepth bytes cannot.
     */
    private final boolean trackDepth;

    Unpickler(byte[] in, Map<PyGlobal, Function<List<Object>, Object>> allowed, int maxDepth) {
        this.in = in;
        this.allowed = allowed;
        this.maxDepth = maxDepth;
        this.trackDepth = in.length >= maxDepth;
    }

    Object load() {
        try {
            return run();
        } catch (StackOverflowError e) {
            // a structure nested past what depth tracking sees (built through the memo), hashed as a dict key
            throw new PickleError("structure nested too deeply", e);
        }
    }

    private Object run() {
        while (true) {
            if (pos >= in.length) {
                throw malformed("pickle data was truncated (no STOP)");
            }
            int at = pos;
            int op = in[pos++] & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    proto = u1();
                    if (proto > HIGHEST_PROTOCOL) {
                        throw new PickleError("unsupported pickle protocol: " + proto + " (read: 2 to 5)");
                    }
                }
                case 0x95 -> { // FRAME: a length hint only
                    long n = u8();
                    if (n > in.length - pos) {
                        throw malformed("FRAME of " + n + " bytes with " + (in.length - pos) + " left");
                    }
                }
                case '.' -> { // STOP
                    if (sp == 0) {
                        throw malformed("STOP with an empty stack");
                    }
                    return value(stack[sp - 1]);
                }
                case '(' -> pushMark();
                case '0' -> { // POP
                    if (sp > 0 && (mp == 0 || marks[mp - 1] < sp)) {
                        value(pop());
                    } else if (mp > 0) {
                        sp = popMark();
                    } else {
                        throw malformed("POP of an empty stack");
                    }
                }
                case '1' -> sp = popMark(); // POP_MARK
                case '2' -> push(peek()); // DUP
                case 'J' -> push((long) s4());
                case 'K' -> push((long) u1());
                case 'M' -> push((long) (u1() | u1() << 8));
                case 0x8a -> push(longOf(take(u1()))); // LONG1
                case 0x8b -> { // LONG4
                    int n = s4();
                    if (n < 0) {
                        throw malformed("LONG4 with a negative length");
                    }
                    push(longOf(take(n)));
                }
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'G' -> push(Double.longBitsToDouble(be8()));
                case 'X' -> push(str(u4())); // BINUNICODE
                case 0x8c -> push(str(u1())); // SHORT_BINUNICODE
                case 0x8d -> push(str(u8())); // BINUNICODE8
                case 'T' -> push(ascii(u4())); // BINSTRING (Python 2's str)
                case 'U' -> push(ascii(u1())); // SHORT_BINSTRING
                case 'B' -> push(take(u4())); // BINBYTES
                case 'C' -> push(take(u1())); // SHORT_BINBYTES
                case 0x8e -> push(take(u8())); // BINBYTES8
                case 0x96 -> push(new PyByteArray(take(u8()))); // BYTEARRAY8
                case ')' -> push(PyTuple.EMPTY);
                case 't' -> push(tuple(popMarkItems()));
                case 0x85 -> push(tuple(new Object[] {value(pop())}));
                case 0x86 -> {
                    Object b = value(pop());
                    push(tuple(new Object[] {value(pop()), b}));
                }
                case 0x87 -> {
                    Object c = value(pop());
                    Object b = value(pop());
                    push(tuple(new Object[] {value(pop()), b, c}));
                }
                case ']' -> push(new ArrayList<>());
                case 'l' -> { // LIST
                    Object[] items = popMarkItems();
                    ArrayList<Object> list = new ArrayList<>(Arrays.asList(items));
                    for (Object item : items) {
                        nest(list, item);
                    }
                    push(list);
                }
                case 'a' -> { // APPEND
                    Object item = value(pop());
                    append(target(sp - 1), item);
                }
                case 'e' -> { // APPENDS
                    Object[] items = popMarkItems();
                    Object list = target(sp - 1);
                    if (list instanceof ArrayList<?> a) { // the common case
                        @SuppressWarnings("unchecked")
                        ArrayList<Object> l = (ArrayList<Object>) a;
                        l.ensureCapacity(l.size() + items.length);
                        for (Object item : items) {
                            l.add(item);
                            nest(l, item);
                        }
                    } else {
                        for (Object item : items) {
                            append(list, item);
                        }
                    }
                }
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> { // DICT
                    Map<Object, Object> map = new LinkedHashMap<>();
                    setItems(map, popMarkItems());
                    push(map);
                }
                case 's' -> { // SETITEM
                    Object v = value(pop());
                    Object k = value(pop());
                    setItems(target(sp - 1), new Object[] {k, v});
                }
                case 'u' -> { // SETITEMS
                    Object[] items = popMarkItems();
                    setItems(target(sp - 1), items);
                }
                case 0x8f -> push(new LinkedHashSet<>()); // EMPTY_SET
                case 0x90 -> { // ADDITEMS
                    Object[] items = popMarkItems();
                    if (!(target(sp - 1) instanceof Set<?> s)) {
                        throw malformed("ADDITEMS to a " + typeName(stack[sp - 1]));
                    }
                    @SuppressWarnings("unchecked")
                    Set<Object> set = (Set<Object>) s;
                    for (Object item : items) {
                        checkKey(item);
                        set.add(item);
                        nest(set, item);
                    }
                }
                case 0x91 -> { // FROZENSET
                    Object[] items = popMarkItems();
                    for (Object item : items) {
                        checkKey(item);
                    }
                    Set<Object> set = new FrozenSet(Arrays.asList(items));
                    for (Object item : items) {
                        nest(set, item);
                    }
                    push(set);
                }
                case 'c' -> push(global(line(), line())); // GLOBAL
                case 0x93 -> { // STACK_GLOBAL
                    Object name = value(pop());
                    Object module = value(pop());
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw malformed("STACK_GLOBAL of a " + typeName(module) + " and a " + typeName(name));
                    }
                    push(global(m, n));
                }
                case 'R' -> { // REDUCE
                    Object args = value(pop());
                    Object callable = value(pop());
                    push(call(callable, args, false));
                }
                case 0x81 -> { // NEWOBJ
                    Object args = value(pop());
                    Object cls = value(pop());
                    push(call(cls, args, true));
                }
                case 0x92 -> { // NEWOBJ_EX
                    Object kwargs = value(pop());
                    Object args = value(pop());
                    Object cls = value(pop());
                    if (!(kwargs instanceof Map<?, ?> kw) || !kw.isEmpty()) {
                        throw new PickleError("NEWOBJ_EX with keyword arguments is not supported, at " + at);
                    }
                    push(call(cls, args, true));
                }
                case 'b' -> build(value(pop()));
                case 'h' -> push(memoGet(u1()));
                case 'j' -> push(memoGet(u4()));
                case 'q' -> memoPut(u1());
                case 'r' -> memoPut(u4());
                case 0x94 -> memoPut(memoCount); // MEMOIZE
                case 0x97, 0x98 -> throw new PickleError("out-of-band buffers are not supported (opcode at " + at
                        + ")");
                case 'P', 'Q' -> throw new PickleError("persistent ids are not supported (opcode at " + at + ")");
                case 0x82, 0x83, 0x84 -> throw new PickleError("the extension registry is not supported (opcode at "
                        + at + ")");
                case 'I', 'L', 'F', 'S', 'V', 'g', 'p', 'i', 'o' -> throw new PickleError("opcode '" + (char) op
                        + "' at " + at + " belongs to protocols 0 and 1; protocols 2 to 5 are read");
                default -> throw malformed(String.format("invalid load key 0x%02x", op));
            }
        }
    }

    // ---- input ----

    private PickleError malformed(String what) {
        return new PickleError(what + " (at byte " + pos + " of " + in.length + ")");
    }

    private int u1() {
        need(1);
        return in[pos++] & 0xff;
    }

    private int s4() {
        need(4);
        int v = (in[pos] & 0xff) | (in[pos + 1] & 0xff) << 8 | (in[pos + 2] & 0xff) << 16 | in[pos + 3] << 24;
        pos += 4;
        return v;
    }

    private long u4() {
        return s4() & 0xffffffffL;
    }

    private long u8() {
        need(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (in[pos + i] & 0xff);
        }
        pos += 8;
        if (v < 0) {
            throw malformed("a length of 2^63 bytes or more");
        }
        return v;
    }

    private long be8() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (in[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    private void need(long n) {
        if (n > in.length - pos) {
            throw malformed("pickle data was truncated: " + n + " bytes needed, " + (in.length - pos) + " left");
        }
    }

    private String str(long n) {
        need(n);
        int start = pos;
        pos += (int) n;
        return Strings.decode(in, start, pos, this::malformed);
    }

    private byte[] take(long n) {
        need(n);
        byte[] b = Arrays.copyOfRange(in, pos, pos + (int) n);
        pos += (int) n;
        return b;
    }

    private String ascii(long n) {
        need(n);
        int start = pos;
        pos += (int) n;
        for (int i = start; i < pos; i++) {
            if (in[i] < 0) {
                throw malformed("a Python 2 str that is not ASCII");
            }
        }
        return new String(in, start, pos - start, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private String line() {
        int start = pos;
        while (pos < in.length && in[pos] != '\n') {
            pos++;
        }
        if (pos >= in.length) {
            throw malformed("pickle data was truncated in a GLOBAL's name");
        }
        int end = pos++;
        return Strings.decode(in, start, end, this::malformed);
    }

    private static Object longOf(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        if (le.length <= 8) {
            long v = le[le.length - 1]; // sign-extended
            for (int i = le.length - 2; i >= 0; i--) {
                v = v << 8 | (le[i] & 0xff);
            }
            return v;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        BigInteger b = new BigInteger(be);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    // ---- stack ----

    private void push(Object o) {
        if (sp == stack.length) {
            stack = Arrays.copyOf(stack, sp * 2);
        }
        stack[sp++] = o;
    }

    private Object pop() {
        if (sp == 0 || (mp > 0 && marks[mp - 1] >= sp)) {
            throw malformed("unpickling stack underflow");
        }
        Object o = stack[--sp];
        stack[sp] = null;
        return o;
    }

    private Object peek() {
        if (sp == 0 || (mp > 0 && marks[mp - 1] >= sp)) {
            throw malformed("unpickling stack underflow");
        }
        return stack[sp - 1];
    }

    private void pushMark() {
        if (mp == marks.length) {
            marks = Arrays.copyOf(marks, mp * 2);
        }
        marks[mp++] = sp;
    }

    private int popMark() {
        if (mp == 0) {
            throw malformed("could not find MARK");
        }
        int m = marks[--mp];
        Arrays.fill(stack, m, sp, null);
        return m;
    }

    private Object[] popMarkItems() {
        if (mp == 0) {
            throw malformed("could not find MARK");
        }
        int m = marks[--mp];
        Object[] items = Arrays.copyOfRange(stack, m, sp);
        Arrays.fill(stack, m, sp, null);
        sp = m;
        for (int i = 0; i < items.length; i++) {
            if (items[i] instanceof Pending) {
                items[i] = value(items[i]);
            }
        }
        return items;
    }

    /** @return the stack item at {@code i} (below the top mark), an allow-listed object now constructed */
    private Object target(int i) {
        if (i < 0 || (mp > 0 && marks[mp - 1] > i)) {
            throw malformed("unpickling stack underflow");
        }
        Object o = value(stack[i]);
        stack[i] = o;
        return o;
    }

    // ---- memo ----

    private void memoPut(long index) {
        Object o = peek();
        if (o instanceof Pending p) {
            p.memoIndexes.add(index);
        }
        store(index, o == null ? NoneSlot.NONE : o);
    }

    private void store(long index, Object o) {
        if (index <= in.length) { // a real pickle numbers its PUTs below its length
            if (index >= memo.length) {
                memo = Arrays.copyOf(memo, (int) Math.max(index + 1, Math.min(memo.length * 2L, in.length + 1L)));
            }
            if (memo[(int) index] == null) {
                memoCount++;
            }
            memo[(int) index] = o;
        } else {
            if (farMemo == null) {
                farMemo = new HashMap<>();
            }
            if (farMemo.put(index, o) == null) {
                memoCount++;
            }
        }
    }

    private Object memoGet(long index) {
        Object o = index < memo.length ? memo[(int) index] : farMemo == null ? null : farMemo.get(index);
        if (o == null) {
            throw malformed("memo value not found at index " + index);
        }
        return o == NoneSlot.NONE ? null : o;
    }

    /** The memo's stand-in for None, so that an empty slot (null) means "never stored". */
    private enum NoneSlot { NONE }

    // ---- containers ----

    private void append(Object list, Object item) {
        if (list instanceof List<?> l) {
            @SuppressWarnings("unchecked")
            List<Object> target = (List<Object>) l;
            if (target instanceof PyTuple) {
                throw malformed("APPEND to a tuple");
            }
            target.add(item);
            nest(target, item);
        } else if (list instanceof PyObject p) {
            unusedAsKey(p);
            p.append(item);
            nest(p, item);
        } else {
            throw malformed("APPEND to a " + typeName(list));
        }
    }

    private void setItems(Object target, Object[] kv) {
        if ((kv.length & 1) != 0) {
            throw malformed("odd number of items for SETITEMS");
        }
        if (target instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> map = (Map<Object, Object>) m;
            for (int i = 0; i < kv.length; i += 2) {
                checkKey(kv[i]);
                map.put(kv[i], kv[i + 1]);
                nest(map, kv[i]);
                nest(map, kv[i + 1]);
            }
        } else if (target instanceof PyObject p) {
            unusedAsKey(p);
            for (int i = 0; i < kv.length; i += 2) {
                checkKey(kv[i]);
                p.put(kv[i], kv[i + 1]);
                nest(p, kv[i]);
                nest(p, kv[i + 1]);
            }
        } else {
            throw malformed("SETITEMS to a " + typeName(target));
        }
    }

    /** The most values, counted through nested tuples, objects and their states, that a dict key may hold. */
    static final long MAX_KEY_WEIGHT = 1L << 20;
    private static final Long IN_PROGRESS = -1L;
    private IdentityHashMap<Object, Long> keyWeights; // made at the first key that is not a plain value

    /**
     * Refuses a dict key or set item that Python could not hash (a list, dict, set or bytearray, or a tuple that
     * holds one), and one whose hashing and comparing would walk more than {@link #MAX_KEY_WEIGHT} values: tuples
     * and objects that share their parts through the memo can be exponentially large when walked, as a Java
     * {@code equals} walks them.
     */
    private void checkKey(Object k) {
        long w = keyWeight(k);
        if (w > MAX_KEY_WEIGHT) {
            throw malformed("a dict key or set item of more than " + MAX_KEY_WEIGHT + " values counted through its "
                    + "parts");
        }
    }

    /** @return the values {@code o} holds when walked (saturating past the bound), each distinct part once cached */
    private long keyWeight(Object o) {
        if (!(o instanceof PyTuple || o instanceof PyObject || o instanceof FrozenSet || o instanceof java.util.List
                || o instanceof Map || o instanceof Set || o instanceof PyByteArray)) {
            return 1;
        }
        if (keyWeights == null) {
            keyWeights = new IdentityHashMap<>();
        }
        Long cached = keyWeights.get(o);
        if (cached != null) {
            if (cached.equals(IN_PROGRESS)) {
                throw malformed("a dict key or set item that contains itself");
            }
            return cached;
        }
        keyWeights.put(o, IN_PROGRESS);
        long w = 1;
        switch (o) {
            case PyTuple t -> {
                for (Object item : t) {
                    w = add(w, keyWeight(item));
                }
            }
            case FrozenSet f -> {
                for (Object item : f) {
                    w = add(w, keyWeight(item));
                }
            }
            case PyObject p -> {
                if (!p.listItems().isEmpty() || !p.dictItems().isEmpty()) {
                    throw malformed("unhashable type as a dict key or set item: " + p.module() + "." + p.name());
                }
                for (Object a : p.args()) {
                    w = add(w, keyWeight(a));
                }
                if (p.state() instanceof Map<?, ?> m) { // an instance's __dict__ (a frozen dataclass, say)
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        w = add(add(w, keyWeight(e.getKey())), keyWeight(e.getValue()));
                    }
                } else if (p.state() != null) {
                    w = add(w, keyWeight(p.state()));
                }
            }
            default -> throw malformed("unhashable type as a dict key or set item: " + typeName(o));
        }
        keyWeights.put(o, w);
        return w;
    }

    /** A Python object already inside a key (its weight counted) may not change: its count would be stale. */
    private void unusedAsKey(PyObject p) {
        if (keyWeights != null && keyWeights.containsKey(p)) {
            throw malformed("an object changed after it was used in a dict key or set item");
        }
    }

    private static long add(long a, long b) {
        return Math.min(a + b, MAX_KEY_WEIGHT + 1);
    }

    private PyTuple tuple(Object[] items) {
        PyTuple t = PyTuple.owning(items);
        for (Object item : items) {
            nest(t, item);
        }
        return t;
    }

    private static boolean container(Object o) {
        return o instanceof List || o instanceof Map || o instanceof Set || o instanceof PyObject
                || o instanceof PythonError;
    }

    private int depth(Object o) {
        if (!container(o)) {
            return 0;
        }
        Integer d = depths == null ? null : depths.get(o);
        return d == null ? 1 : d;
    }

    /** Records that {@code child} is now inside {@code parent}, refusing a nesting deeper than maxDepth. */
    private void nest(Object parent, Object child) {
        if (!trackDepth || !container(child)) {
            return;
        }
        int d = depth(child) + 1;
        if (d > depth(parent)) {
            if (d > maxDepth) {
                throw new PickleError("structure nested deeper than " + maxDepth + " levels (at byte " + pos + ")");
            }
            if (depths == null) {
                depths = new IdentityHashMap<>();
            }
            depths.put(parent, d);
        }
    }

    // ---- globals and calls ----

    private PyGlobal global(String module, String name) {
        if (proto < 3) {
            String[] fixed = Names.fromPython2(module, name);
            module = fixed[0];
            name = fixed[1];
        }
        return new PyGlobal(module, name);
    }

    private Object call(Object callable, Object args, boolean viaNew) {
        if (!(callable instanceof PyGlobal g)) {
            throw malformed((viaNew ? "NEWOBJ" : "REDUCE") + " of a " + typeName(callable) + ", not a class");
        }
        if (!(args instanceof PyTuple t)) {
            throw malformed((viaNew ? "NEWOBJ" : "REDUCE") + " with arguments that are a " + typeName(args)
                    + ", not a tuple");
        }
        Function<List<Object>, Object> constructor = allowed.get(g);
        if (constructor != null) {
            return new Pending(g, constructor, t);
        }
        if (!viaNew) {
            if ((g.name().equals("set") || g.name().equals("frozenset")) && g.module().equals("builtins")
                    && t.size() == 1 && t.get(0) instanceof java.util.Collection<?> items) {
                for (Object item : items) {
                    checkKey(item);
                }
            }
            Object mapped = Builtins.call(g, t);
            if (mapped != null) {
                for (Object item : t) {
                    nest(mapped, item);
                }
                return mapped;
            }
        }
        Object o = viaNew ? PyObject.viaNew(g.module(), g.name(), t, null) : new PyObject(g.module(), g.name(), t,
                null);
        for (Object item : t) {
            nest(o, item);
        }
        return o;
    }

    private void build(Object state) {
        Object target = peek();
        if (target instanceof Pending p) {
            if (p.done) {
                throw new PickleError("state for " + p.global + " after the object was used (a cyclic reference to "
                        + "an allow-listed object is not supported)");
            }
            List<Object> args = new ArrayList<>(p.args);
            args.add(state);
            Object value = p.finish(args);
            stack[sp - 1] = value;
            return;
        }
        if (target instanceof PyObject o) {
            unusedAsKey(o);
            o.setState(state);
        } else if (target instanceof PythonError e) {
            e.setState(state);
        } else {
            throw malformed("BUILD of a " + typeName(target));
        }
        nest(target, state);
    }

    /** An allow-listed object whose constructor runs when the object is complete (or first used). */
    private final class Pending {
        final PyGlobal global;
        final Function<List<Object>, Object> constructor;
        final List<Object> args;
        final List<Long> memoIndexes = new ArrayList<>(1);
        boolean done;
        Object value;

        Pending(PyGlobal global, Function<List<Object>, Object> constructor, List<Object> args) {
            this.global = global;
            this.constructor = constructor;
            this.args = args;
        }

        Object finish(List<Object> arguments) {
            try {
                value = constructor.apply(java.util.Collections.unmodifiableList(new ArrayList<>(arguments)));
            } catch (RuntimeException e) {
                throw new PickleError("the constructor allowed for " + global + " refused its arguments: " + e, e);
            }
            done = true;
            for (long i : memoIndexes) {
                store(i, value == null ? NoneSlot.NONE : value);
            }
            return value;
        }
    }

    /** @return {@code o}, or the value of an allow-listed object, constructed now if it was not yet */
    private Object value(Object o) {
        if (o instanceof Pending p) {
            return p.done ? p.value : p.finish(p.args);
        }
        return o;
    }

    private static String typeName(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
    }
}
