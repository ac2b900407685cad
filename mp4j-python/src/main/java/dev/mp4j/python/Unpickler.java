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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * CPython's unpickler, as a bounded, data-only stack machine over one byte array (one {@code loads} at a time).
 *
 * <p>It reads the opcodes of protocols 0 to 5 ({@code Lib/pickletools.py} lists them), the text ones of protocol 0
 * as CPython's unpickler reads them (an int's text at most 4300 digits, as Python's int limits it); persistent
 * ids, the extension registry and out-of-band buffers are refused, the message naming the opcode. A global
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

    /** The input and settings of the current load; null between loads. */
    private byte[] in;
    private Map<PyGlobal, Function<List<Object>, Object>> allowed;
    private int maxDepth;
    /**
     * Whether the input is long enough to nest deeper than maxDepth: each level a container gains takes a value
     * pushed (an opcode of at least one byte), so a pickle shorter than maxDepth bytes cannot.
     */
    private boolean trackDepth;
    private int pos;
    private int proto; // 0 until a PROTO opcode says otherwise, as for CPython

    private Object[] stack = new Object[16];
    private int sp;
    private int[] marks = new int[8];
    private int mp;
    /** Where the last MARK's items begin in the input. */
    private int lastMark;
    /** The fewest items of a batch that may size its list for the rest ({@link #appends}). */
    private static final int MIN_SIZED = 256;
    /** The list {@link #appends} sized for the rest of the input, if any, and the size it was given. */
    private ArrayList<Object> sized;
    private int sizedFor;

    private Object[] memo = new Object[16];
    /** One past the highest memo slot stored. */
    private int memoEnd;
    private Map<Long, Object> farMemo;
    private long memoCount;
    private IdentityHashMap<Object, Integer> depths; // made at the first container inside another

    private Unpickler() {}

    /** The longest stack and memo an unpickler that is kept for the next load may have. */
    private static final int MAX_KEPT = 4096;
    /**
     * An idle unpickler, its stack and memo cleared; taken by one load at a time (getAndSet) and given back after
     * it: a small pickle's load then allocates its values alone. A load that finds none (another thread has it, or
     * an allowed constructor loads while its own pickle is read) makes its own.
     */
    private static final AtomicReference<Unpickler> KEPT = new AtomicReference<>();

    /**
     * Reads one pickle.
     *
     * @param in the pickle
     * @param allowed the loader's allowed constructors
     * @param maxDepth the deepest nesting accepted
     * @return its value
     */
    static Object load(byte[] in, Map<PyGlobal, Function<List<Object>, Object>> allowed, int maxDepth) {
        Unpickler kept = KEPT.getAndSet(null);
        Unpickler u = kept != null ? kept : new Unpickler();
        u.in = in;
        u.allowed = allowed;
        u.maxDepth = maxDepth;
        u.trackDepth = in.length >= maxDepth;
        try {
            return u.run();
        } catch (StackOverflowError e) {
            // a structure nested past what depth tracking sees (built through the memo), hashed as a dict key
            throw new PickleError("structure nested too deeply", e);
        } finally {
            u.reset();
        }
    }

    /**
     * Clears what this load read and puts every per-load field back as a new unpickler has it, then keeps this
     * one for the next load if its stack and memo are not too long.
     */
    private void reset() {
        if (stack.length > MAX_KEPT || memo.length > MAX_KEPT) {
            return;
        }
        Arrays.fill(stack, 0, sp, null);
        Arrays.fill(memo, 0, memoEnd, null);
        in = null;
        allowed = null;
        pos = 0;
        proto = 0;
        sp = 0;
        mp = 0;
        lastMark = 0;
        sized = null;
        sizedFor = 0;
        memoEnd = 0;
        farMemo = null;
        memoCount = 0;
        depths = null;
        keyWeights = null;
        KEPT.set(this);
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
                        throw new PickleError("unsupported pickle protocol: " + proto + " (read: 0 to 5)");
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
                    if (sized != null && sized.size() < sizedFor - sizedFor / 3) {
                        sized.trimToSize(); // its batches promised more items than came
                    }
                    return value(stack[sp - 1]);
                }
                case '(' -> pushMark();
                case 'J', 'K', 'M' -> ints(op); // BININT, BININT1, BININT2
                case 0x8a -> push(longOf(take(u1()))); // LONG1
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'G' -> push(Double.longBitsToDouble(be8()));
                case 'X' -> push(str(u4())); // BINUNICODE
                case 0x8c -> push(str(u1())); // SHORT_BINUNICODE
                case 0x8d -> push(str(u8())); // BINUNICODE8
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
                case 'a' -> { // APPEND
                    Object item = value(pop());
                    append(target(sp - 1), item);
                }
                case 'e' -> { // APPENDS
                    int m = popMarkInPlace();
                    appends(target(m - 1), m);
                }
                case '}' -> push(new LinkedHashMap<>());
                case 's' -> { // SETITEM
                    Object v = value(pop());
                    Object k = value(pop());
                    setItems(target(sp - 1), new Object[] {k, v}, 0, 2);
                }
                case 'u' -> { // SETITEMS
                    int m = popMarkInPlace();
                    setItems(target(m - 1), stack, m, sp);
                    drop(m);
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
                case 'b' -> build(value(pop()));
                case 'h' -> push(memoGet(u1()));
                case 'j' -> push(memoGet(u4()));
                case 'q' -> memoPut(u1());
                case 'r' -> memoPut(u4());
                case 0x94 -> memoPut(memoCount); // MEMOIZE
                default -> rare(op, at);
            }
        }
    }

    /**
     * The opcodes that CPython's pickler does not write at protocols 2 to 5 (protocol 0 and 1's, Python 2's strs,
     * the refused ones) and invalid ones: out of {@link #run}'s loop, so that the JIT compiles a loop of the
     * opcodes of the common pickles sooner.
     */
    private void rare(int op, int at) {
        switch (op) {
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
            case 0x8b -> { // LONG4
                int n = s4();
                if (n < 0) {
                    throw malformed("LONG4 with a negative length");
                }
                push(longOf(take(n)));
            }
            case 'T' -> push(ascii(u4())); // BINSTRING (Python 2's str)
            case 'U' -> push(ascii(u1())); // SHORT_BINSTRING
            case 'l' -> { // LIST
                Object[] items = popMarkItems();
                ArrayList<Object> list = new ArrayList<>(Arrays.asList(items));
                for (Object item : items) {
                    nest(list, item);
                }
                push(list);
            }
            case 'd' -> { // DICT
                Map<Object, Object> map = new LinkedHashMap<>();
                Object[] items = popMarkItems();
                setItems(map, items, 0, items.length);
                push(map);
            }
            case 'c' -> push(global(line(), line())); // GLOBAL
            case 0x92 -> { // NEWOBJ_EX
                Object kwargs = value(pop());
                Object args = value(pop());
                Object cls = value(pop());
                if (!(kwargs instanceof Map<?, ?> kw)) {
                    throw malformed("NEWOBJ_EX with keyword arguments that are a " + typeName(kwargs)
                            + ", not a dict");
                }
                push(kw.isEmpty() ? call(cls, args, true) : callWithKeywords(cls, args, kw, at));
            }
            case 0x97, 0x98 -> throw refused(op == 0x97 ? "NEXT_BUFFER" : "READONLY_BUFFER", op, at,
                    "out-of-band buffers (protocol 5's buffer_callback) are not supported");
            case 'P', 'Q' -> throw refused(op == 'P' ? "PERSID" : "BINPERSID", op, at,
                    "persistent ids (persistent_load) are not supported");
            case 0x82, 0x83, 0x84 -> throw refused("EXT" + (op == 0x82 ? 1 : op == 0x83 ? 2 : 4), op, at,
                    "the extension registry (copyreg.add_extension) is not supported");
            // the text opcodes of protocol 0, and the instance opcodes of protocols 0 and 1
            case 'I' -> { // INT: also I00 and I01, protocol 0's False and True
                String text = line();
                push(text.equals("00") ? Boolean.FALSE : text.equals("01") ? Boolean.TRUE : integer(text, "INT"));
            }
            case 'L' -> { // LONG: decimal digits and an L
                String text = line();
                push(integer(text.endsWith("L") ? text.substring(0, text.length() - 1) : text, "LONG"));
            }
            case 'F' -> push(floatText(line())); // FLOAT: repr of a float
            case 'S' -> push(quotedString(pos, lineEnd())); // STRING: Python 2's str, escaped and quoted
            case 'V' -> push(rawUnicodeEscape(pos, lineEnd())); // UNICODE
            case 'g' -> push(memoGet(index(line(), "GET"))); // GET
            case 'p' -> memoPut(index(line(), "PUT")); // PUT
            case 'i' -> { // INST: module and name on lines, the arguments since the mark
                PyGlobal cls = global(line(), line());
                Object[] items = popMarkItems();
                push(call(cls, tuple(items), items.length == 0));
            }
            case 'o' -> { // OBJ: the class and the arguments since the mark
                Object[] items = popMarkItems();
                if (items.length == 0) {
                    throw malformed("OBJ without a class");
                }
                push(call(items[0], tuple(Arrays.copyOfRange(items, 1, items.length)), items.length == 1));
            }
            default -> throw malformed(String.format("invalid load key 0x%02x", op));
        }
    }

    /** The most ints {@link #ints} reads in one call. */
    private static final int INT_RUN = 128;

    /**
     * Pushes the int of {@code op} (BININT, BININT1 or BININT2, just read) and of the like opcodes right after
     * it, at most {@link #INT_RUN} in all: a list of ints is a run of them, read here in one loop where the
     * opcode loop would take a turn and a few calls for each. Runs are bounded so that this method is called
     * often, and a JVM compiles it soon (as {@code FastFormat.BLOCK} explains for mp4j's codec).
     */
    private void ints(int op) {
        if (stack.length - sp < INT_RUN) {
            stack = Arrays.copyOf(stack, Math.max(stack.length * 2, sp + INT_RUN));
        }
        byte[] b = in;
        Object[] st = stack;
        int p = pos;
        int s = sp;
        for (int k = 1; ; k++) {
            int width = op == 'K' ? 1 : op == 'M' ? 2 : 4;
            if (b.length - p < width) {
                pos = p;
                sp = s;
                need(width); // throws
            }
            if (op == 'J') {
                st[s++] = (long) ((b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | b[p + 3] << 24);
            } else {
                st[s++] = small(op == 'K' ? b[p] & 0xff : (b[p] & 0xff) | (b[p + 1] & 0xff) << 8);
            }
            p += width;
            if (k == INT_RUN || p >= b.length) {
                break;
            }
            op = b[p] & 0xff;
            if (op != 'K' && op != 'M' && op != 'J') {
                break;
            }
            p++;
        }
        pos = p;
        sp = s;
    }

    /**
     * The {@code Long}s of 0 to 65,535 (the values of BININT1 and BININT2) made so far, shared by every load, in
     * rows of 256 made when a value of theirs is first read: a pickle's small ints are then read without
     * allocating (as {@link Long#valueOf} does for -128 to 127), at a cost of at most 1.5 MiB kept. Threads
     * may race to fill a slot or a row; the loser's {@code Long} is an equal one, and a {@code Long} is safe to
     * publish without a barrier (its value is final).
     */
    private static final Long[][] SMALL = new Long[256][];

    /** @return the shared {@code Long} of {@code v}, 0 to 65,535 */
    static Long small(int v) {
        Long[] row = SMALL[v >>> 8];
        if (row == null) {
            row = new Long[256];
            SMALL[v >>> 8] = row;
        }
        Long l = row[v & 0xff];
        if (l == null) {
            l = (long) v;
            row[v & 0xff] = l;
        }
        return l;
    }

    private static PickleError refused(String name, int op, int at, String why) {
        return new PickleError(String.format("opcode %s (0x%02x) at byte %d: %s", name, op, at, why));
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
        return utf8(start, pos);
    }

    private String utf8(int start, int end) {
        String s = Strings.decode(in, start, end);
        if (s == null) {
            throw malformed("a str that is not UTF-8 (a malformed, overlong or out-of-range sequence)");
        }
        return s;
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
        int end = lineEnd();
        return utf8(start, end);
    }

    /** Moves past the next newline; @return where the line ends (the newline's index) */
    private int lineEnd() {
        while (pos < in.length && in[pos] != '\n') {
            pos++;
        }
        if (pos >= in.length) {
            throw malformed("pickle data was truncated in a line of text");
        }
        return pos++;
    }

    /** Python's limit on the digits of an int read from text (sys.get_int_max_str_digits()). */
    private static final int MAX_DIGITS = 4300;

    /** @return a decimal integer, as Python's int(text) reads it: Long when it fits, else BigInteger */
    private Object integer(String text, String opcode) {
        String t = text.strip();
        int digits = t.length() - (t.startsWith("-") || t.startsWith("+") ? 1 : 0);
        if (digits < 1 || digits > MAX_DIGITS || !t.substring(t.length() - digits).chars().allMatch(
                c -> c >= '0' && c <= '9')) {
            throw malformed(opcode + " of " + shortened(text) + ", not a decimal integer of at most " + MAX_DIGITS
                    + " digits");
        }
        BigInteger b = new BigInteger(t);
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private long index(String text, String opcode) {
        Object i = integer(text, opcode);
        if (!(i instanceof Long l) || l < 0) {
            throw malformed(opcode + " of a memo index that is not a small non-negative integer: " + shortened(text));
        }
        return l;
    }

    /**
     * The syntax of a FLOAT's text, compiled at the first FLOAT (a protocol-0 opcode): compiling a pattern loads
     * and spins some 50 classes, which a JVM's first load of any pickle would otherwise wait for.
     */
    private static final class FloatSyntax {
        static final java.util.regex.Pattern FLOAT = java.util.regex.Pattern.compile(
                "[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    }

    /** @return a float from its repr, as Python's float(text) reads it (inf, nan and their spellings included) */
    private Double floatText(String text) {
        String t = text.strip();
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        String unsigned = lower.startsWith("-") || lower.startsWith("+") ? lower.substring(1) : lower;
        boolean negative = lower.startsWith("-");
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (unsigned.equals("nan")) {
            return Double.NaN;
        }
        if (t.length() > 1000 || !FloatSyntax.FLOAT.matcher(t).matches()) {
            throw malformed("FLOAT of " + shortened(text) + ", not a float's repr");
        }
        return Double.parseDouble(t);
    }

    private static String shortened(String text) {
        return '"' + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + '"';
    }

    /**
     * STRING: a quoted Python 2 str with Python's escapes, read as CPython reads it (its default encoding,
     * ASCII): {@code \\ \' \" \a \b \f \n \r \t \v}, up to three octal digits, {@code \x} and two hex digits,
     * a backslash before a newline dropped; any other backslash stays.
     */
    private String quotedString(int from, int end) {
        if (end - from < 2 || in[from] != in[end - 1] || (in[from] != '"' && in[from] != '\'')) {
            throw malformed("the STRING opcode argument must be quoted");
        }
        StringBuilder out = new StringBuilder(end - from);
        for (int i = from + 1; i < end - 1; i++) {
            int c = in[i] & 0xff;
            if (c != '\\') {
                out.append(ascii7(c));
                continue;
            }
            if (++i >= end - 1) {
                throw malformed("STRING ending in a lone backslash");
            }
            int e = in[i] & 0xff;
            switch (e) {
                case '\\', '\'', '"' -> out.append((char) e);
                case 'a' -> out.append('\u0007');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'v' -> out.append('\u000b');
                case 'x' -> {
                    if (i + 2 >= end || hex(in[i + 1]) < 0 || hex(in[i + 2]) < 0) {
                        throw malformed("STRING with an invalid \\x escape");
                    }
                    out.append(ascii7(hex(in[i + 1]) << 4 | hex(in[i + 2])));
                    i += 2;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        for (int k = 0; k < 2 && i + 1 < end - 1 && in[i + 1] >= '0' && in[i + 1] <= '7'; k++) {
                            v = v * 8 + (in[++i] - '0');
                        }
                        out.append(ascii7(v & 0xff));
                    } else {
                        out.append('\\').append(ascii7(e));
                    }
                }
            }
        }
        return out.toString();
    }

    private char ascii7(int c) {
        if (c >= 0x80) {
            throw malformed("a Python 2 str that is not ASCII");
        }
        return (char) c;
    }

    private static int hex(byte b) {
        return b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10
                : -1;
    }

    /**
     * UNICODE: Python's raw-unicode-escape, each byte a Latin-1 character except {@code \\uXXXX} and
     * {@code \\UXXXXXXXX} after an odd number of backslashes.
     */
    private String rawUnicodeEscape(int from, int end) {
        StringBuilder out = new StringBuilder(end - from);
        int i = from;
        while (i < end) {
            int c = in[i] & 0xff;
            if (c != '\\') {
                out.append((char) c);
                i++;
                continue;
            }
            int backslashes = 0;
            while (i < end && in[i] == '\\') {
                out.append('\\');
                backslashes++;
                i++;
            }
            if ((backslashes & 1) == 0 || i >= end || (in[i] != 'u' && in[i] != 'U')) {
                continue;
            }
            out.setLength(out.length() - 1);
            int digits = in[i] == 'u' ? 4 : 8;
            i++;
            if (end - i < digits) {
                throw malformed("UNICODE with a truncated \\" + (digits == 4 ? "uXXXX" : "UXXXXXXXX") + " escape");
            }
            int cp = 0;
            for (int k = 0; k < digits; k++) {
                int h = hex(in[i + k]);
                if (h < 0) {
                    throw malformed("UNICODE with a truncated \\" + (digits == 4 ? "uXXXX" : "UXXXXXXXX") + " escape");
                }
                cp = cp << 4 | h;
            }
            if (cp < 0 || cp > Character.MAX_CODE_POINT) {
                throw malformed("UNICODE with a \\UXXXXXXXX escape out of range");
            }
            out.appendCodePoint(cp);
            i += digits;
        }
        return out.toString();
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

    /** Kept under 35 bytes of bytecode, so that C1 inlines it (the stack grows out of line). */
    private void push(Object o) {
        if (sp == stack.length) {
            growStack();
        }
        stack[sp++] = o;
    }

    private void growStack() {
        stack = Arrays.copyOf(stack, sp * 2);
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
        lastMark = pos;
    }

    /**
     * Pops the top mark and leaves the items above it where they are, each allow-listed object among them
     * constructed now (as {@link #popMarkItems} does); the caller {@linkplain #drop drops} them once used.
     *
     * @return the index of the first item (the mark's)
     */
    private int popMarkInPlace() {
        if (mp == 0) {
            throw malformed("could not find MARK");
        }
        int m = marks[--mp];
        for (int i = m; i < sp; i++) {
            if (stack[i] instanceof Pending) {
                stack[i] = value(stack[i]);
            }
        }
        return m;
    }

    /** Removes the stack's items from {@code m} up. */
    private void drop(int m) {
        Arrays.fill(stack, m, sp, null);
        sp = m;
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
            memoEnd = (int) Math.max(memoEnd, index + 1);
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

    /**
     * APPENDS of the stack's items from {@code m} up to {@code list}; drops them. An {@code ArrayList}'s first
     * long batch sizes it for as many more items as the rest of the input holds at that batch's bytes per item
     * (once a load: see {@link #sized}), so that a long list is not copied as it grows.
     */
    private void appends(Object list, int m) {
        int count = sp - m;
        if (list instanceof ArrayList<?> a) {
            @SuppressWarnings("unchecked")
            ArrayList<Object> l = (ArrayList<Object>) a;
            if (sized == null && l.isEmpty() && count >= MIN_SIZED && pos > lastMark) {
                long left = in.length - pos;
                long more = Math.min(left, count * left / (pos - lastMark));
                sizedFor = (int) Math.min(Integer.MAX_VALUE - 16, count + more);
                sized = l;
                l.ensureCapacity(sizedFor);
            } else {
                l.ensureCapacity(l.size() + count);
            }
            boolean track = trackDepth;
            for (int i = m; i < sp; i++) {
                Object item = stack[i];
                stack[i] = null;
                l.add(item);
                if (track && !plain(item)) {
                    nest(l, item);
                }
            }
            sp = m;
            return;
        }
        for (int i = m; i < sp; i++) {
            append(list, stack[i]);
        }
        drop(m);
    }

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

    /** SETITEMS of the pairs of {@code kv[from, to)}. */
    private void setItems(Object target, Object[] kv, int from, int to) {
        if (((to - from) & 1) != 0) {
            throw malformed("odd number of items for SETITEMS");
        }
        if (target instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> map = (Map<Object, Object>) m;
            for (int i = from; i < to; i += 2) {
                checkKey(kv[i]);
                map.put(kv[i], kv[i + 1]);
                nest(map, kv[i]);
                nest(map, kv[i + 1]);
            }
        } else if (target instanceof PyObject p) {
            unusedAsKey(p);
            for (int i = from; i < to; i += 2) {
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
        if (plain(o) || !(o instanceof PyTuple || o instanceof PyObject || o instanceof FrozenSet
                || o instanceof java.util.List || o instanceof Map || o instanceof Set || o instanceof PyByteArray)) {
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
        if (o instanceof PyTuple || o instanceof FrozenSet) { // type tests, not a pattern switch: see Pickler
            for (Object item : (java.util.Collection<?>) o) {
                w = add(w, keyWeight(item));
            }
        } else if (o instanceof PyObject p) {
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
        } else {
            throw malformed("unhashable type as a dict key or set item: " + typeName(o));
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
        return !plain(o) && (o instanceof List || o instanceof Map || o instanceof Set || o instanceof PyObject
                || o instanceof PythonError);
    }

    /**
     * @return whether {@code o} is None, a str, an int or a float, the commonest values: a test of a final class
     *     is one comparison, where a test of an interface searches the object's interfaces until the JIT has
     *     profiled the call
     */
    private static boolean plain(Object o) {
        return o == null || o instanceof Long || o instanceof String || o instanceof Double;
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

    /** NEWOBJ_EX with keyword arguments: {@code cls.__new__(cls, *args, **kwargs)}, kept as a PyObject. */
    private Object callWithKeywords(Object cls, Object args, Map<?, ?> kwargs, int at) {
        if (!(cls instanceof PyGlobal g)) {
            throw malformed("NEWOBJ_EX of a " + typeName(cls) + ", not a class");
        }
        if (!(args instanceof PyTuple t)) {
            throw malformed("NEWOBJ_EX with arguments that are a " + typeName(args) + ", not a tuple");
        }
        Map<String, Object> kw = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : kwargs.entrySet()) {
            if (!(e.getKey() instanceof String k)) {
                throw malformed("NEWOBJ_EX with a keyword that is a " + typeName(e.getKey()) + ", not a str");
            }
            kw.put(k, e.getValue());
        }
        if (allowed.containsKey(g)) {
            throw new PickleError("NEWOBJ_EX with keyword arguments of " + g + ", an allowed class: its constructor "
                    + "takes positional arguments only (at byte " + at + ")");
        }
        PyObject o = PyObject.viaNew(g.module(), g.name(), t, kw, null);
        for (Object item : t) {
            nest(o, item);
        }
        nest(o, kwargs);
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
