package dev.mp4j.multiprocessing;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Python's {@code multiprocessing.shared_memory.ShareableList}: a list of fixed length whose items live in a
 * {@link SharedMemory} block, readable and writable by every process that attaches to it by name, CPython's
 * included.
 *
 * <p>Items are {@code null}, {@link Boolean}, {@link Integer} or {@link Long} (a signed 64-bit integer, read
 * back as {@code Long}), {@link Double}, {@link String} and {@code byte[]} — Python's {@code None},
 * {@code bool}, {@code int}, {@code float}, {@code str} and {@code bytes}. Each item has a slot fixed when
 * the list is made: 8 bytes for a number, a boolean or null; for a string or bytes, CPython's size — its
 * length (a string's in characters) rounded up past the next multiple of 8: 8 for an empty one, 16 for 8
 * characters — or, for a string whose UTF-8 form is longer than that (CPython would truncate it), the
 * same rule on its UTF-8 length. {@link #set} may put an item of another type in a slot: a string (by its
 * UTF-8 form) or bytes longer than the slot is refused with {@link IllegalArgumentException} and nothing
 * is written.
 *
 * <p>The bytes are CPython's (3.9 and later: 3.9.x and 3.10.x releases have the layout of 3.11), in native
 * byte order, so a list made by either side is read by the other: {@code ShareableList.attach(name)} reads
 * one made by Python's {@code ShareableList([...])}, and Python's {@code ShareableList(name=...)} reads one
 * made here. The block holds, from offset 0: the item count {@code n} (8 bytes); {@code n + 1} offsets of
 * the slots from the start of the data (8 bytes each, the first 0, the last the data's size); the data;
 * each item's {@code struct} format, 8 bytes each, NUL-padded ({@code "q"}, {@code "d"},
 * {@code "xxxxxxx?"} for a boolean, {@code "xxxxxx?x"} for None, {@code "<size>s"} for a string or bytes);
 * and one byte per item saying how to read it back (0 as the format says, 1 a UTF-8 string, 2 bytes, 3
 * None). As in CPython, trailing NUL characters of a string or bytes item are not kept, and a list made
 * by CPython 3.8 (which stored slot sizes, not offsets) is refused.
 *
 * <p>Sharing: {@code get} reads the item's format and value from the block each time, so a {@code set} from
 * another process is seen — but a {@code set} is several writes, not atomic against a concurrent
 * {@code get} or {@code set} of the same item: guard them with a lock (a {@link Multiprocessing#lock()})
 * when processes write while others read. The list holds no lock of its own, so nothing a killed process
 * held can block the others. A {@code set} writes the item's format, then its read-back code, then its
 * bytes (CPython's order): a process killed in the middle leaves that one item with the new format and
 * part of the new bytes — a string of old and new bytes, or, where the type changed, a number made of
 * the old bytes; the other items and the list's shape (count, offsets) are never written after creation. Serialized (sent to a child), a list travels as its name: the receiver
 * attaches.
 *
 * <p>Lifetime, as for {@link SharedMemory}: {@link #close()} unmaps this handle's view; {@link #unlink()}
 * removes the block's name, once, from any process. Indexes run from 0 to {@code size() - 1}
 * ({@link IndexOutOfBoundsException} otherwise; there are no negative indexes).
 *
 * @since 0.1
 */
public final class ShareableList implements Serializable, Iterable<Object>, AutoCloseable {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final int SLOT = 8;
    private static final String INT = "q";
    private static final String DOUBLE = "d";
    private static final String BOOL = "xxxxxxx?";
    private static final String NONE = "xxxxxx?x";
    private static final byte AS_FORMAT = 0;
    private static final byte STR = 1;
    private static final byte BYTES = 2;
    private static final byte NULL = 3;
    private static final ValueLayout.OfLong Q = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private final transient SharedMemory shm;
    private final transient int size;
    private final transient long[] offsets;   // n + 1 slot offsets from the start of the data; fixed

    /**
     * Makes a list in a new block with a fresh name (Python's {@code ShareableList(sequence)}).
     *
     * @param values the items: null, Boolean, Integer, Long, Double, String or byte[]
     * @throws IllegalArgumentException naming the item and its index if one is of another type
     * @throws NullPointerException if {@code values} is null
     */
    public ShareableList(List<?> values) {
        this(values, null);
    }

    /**
     * Makes a list in a new block (Python's {@code ShareableList(sequence, name=name)}).
     *
     * @param values the items: null, Boolean, Integer, Long, Double, String or byte[]
     * @param name the block's name (as {@link SharedMemory#create} takes it), or null for a fresh one
     * @throws IllegalArgumentException naming the item and its index if one is of another type, or for a bad name
     * @throws UncheckedIOException if a block of that name exists (the cause is a
     *         {@link java.nio.file.FileAlreadyExistsException}) or it cannot be made
     */
    public ShareableList(List<?> values, String name) {
        Objects.requireNonNull(values, "values");
        int n = values.size();
        Item[] items = new Item[n];
        long[] offs = new long[n + 1];
        for (int i = 0; i < n; i++) {
            items[i] = Item.of(values.get(i), i);
            offs[i + 1] = offs[i] + items[i].slotSize();
        }
        SharedMemory block = SharedMemory.create(name, dataStart(n) + offs[n] + (long) n * SLOT + n);
        try {
            MemorySegment m = block.segment();
            m.set(Q, 0, n);
            for (int i = 0; i <= n; i++) {
                m.set(Q, SLOT + (long) i * SLOT, offs[i]);
            }
            long formats = dataStart(n) + offs[n];
            for (int i = 0; i < n; i++) {
                long slot = dataStart(n) + offs[i];
                String format = items[i].format(offs[i + 1] - offs[i]);
                items[i].write(m, slot, offs[i + 1] - offs[i]);
                writeFormat(m, formats + (long) i * SLOT, format);
                m.set(ValueLayout.JAVA_BYTE, formats + (long) n * SLOT + i, items[i].code());
            }
        } catch (RuntimeException | Error e) {
            block.close();
            block.unlink();
            throw e;
        }
        this.shm = block;
        this.size = n;
        this.offsets = offs;
    }

    private ShareableList(SharedMemory shm) {
        this.shm = shm;
        MemorySegment m = shm.segment();
        long bytes = m.byteSize();
        if (bytes < 2 * SLOT) {
            throw notAList("it holds " + bytes + " bytes");
        }
        long n = m.get(Q, 0);
        if (n < 0 || n > (bytes - 2 * SLOT) / (2 * SLOT + 1)) {
            throw notAList("its item count " + n + " does not fit its " + bytes + " bytes");
        }
        int count = (int) n;
        long[] offs = new long[count + 1];
        for (int i = 0; i <= count; i++) {
            offs[i] = m.get(Q, SLOT + (long) i * SLOT);
            if (i == 0 && offs[0] != 0) {
                throw notAList("its first slot offset is " + offs[0] + ", not 0 (a list made by CPython 3.8,"
                        + " which stored slot sizes, is not readable)");
            }
            if (i > 0 && offs[i] - offs[i - 1] < SLOT) {
                throw notAList("slot " + (i - 1) + " is " + (offs[i] - offs[i - 1]) + " bytes");
            }
        }
        if (dataStart(count) + offs[count] + (long) count * SLOT + count > bytes) {
            throw notAList("its " + count + " items need more than its " + bytes + " bytes");
        }
        this.size = count;
        this.offsets = offs;
    }

    private IllegalArgumentException notAList(String why) {
        return new IllegalArgumentException("shared memory '" + shm.name() + "' is not a ShareableList in"
                + " CPython's layout: " + why);
    }

    /**
     * Attaches to a list made by this or another process, CPython's included (Python's
     * {@code ShareableList(name=name)}).
     *
     * @param name the block's name, with or without a leading {@code /}
     * @return the list, open
     * @throws UncheckedIOException if there is no such block (the cause is a
     *         {@link java.nio.file.NoSuchFileException})
     * @throws IllegalArgumentException if the block does not hold a list in CPython's layout
     */
    public static ShareableList attach(String name) {
        SharedMemory block = SharedMemory.attach(name);
        try {
            return new ShareableList(block);
        } catch (RuntimeException e) {
            block.close();
            throw e;
        }
    }

    private static long dataStart(int n) {
        return (n + 2L) * SLOT;
    }

    private long slot(int index) {
        return dataStart(size) + offsets[index];
    }

    private long formatAt(int index) {
        return dataStart(size) + offsets[size] + (long) index * SLOT;
    }

    private long codeAt(int index) {
        return dataStart(size) + offsets[size] + (long) size * SLOT + index;
    }

    /**
     * @param index the item's index
     * @return the item: null, Boolean, Long, Double, String or byte[]
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
     * @throws IllegalStateException if the block holds a format or code this list does not know
     */
    public Object get(int index) {
        Objects.checkIndex(index, size);
        MemorySegment m = shm.segment();
        String format = readFormat(m, formatAt(index));
        byte code = m.get(ValueLayout.JAVA_BYTE, codeAt(index));
        long at = slot(index);
        return switch (code) {
            case NULL -> null;
            case STR, BYTES -> {
                byte[] raw = trimNuls(m.asSlice(at, stringLength(format, index)).toArray(ValueLayout.JAVA_BYTE));
                yield code == BYTES ? raw : decode(raw, index);
            }
            case AS_FORMAT -> switch (format) {
                case INT -> m.get(Q, at);
                case DOUBLE -> m.get(D, at);
                case BOOL -> m.get(ValueLayout.JAVA_BYTE, at + 7) != 0;
                default -> throw new IllegalStateException("item " + index + " of " + this.name()
                        + " has the format '" + format + "', which ShareableList does not read");
            };
            default -> throw new IllegalStateException("item " + index + " of " + this.name()
                    + " has the back-transform code " + code + " (expected 0 to 3)");
        };
    }

    private int stringLength(String format, int index) {
        if (format.length() > 1 && format.endsWith("s")) {
            try {
                return Integer.parseInt(format.substring(0, format.length() - 1));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalStateException("item " + index + " of " + name() + " is a string or bytes with the format '"
                + format + "' (expected '<size>s')");
    }

    private String decode(byte[] utf8, int index) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("item " + index + " of " + name() + " is not valid UTF-8", e);
        }
    }

    /**
     * Replaces an item. A string or bytes must fit the item's slot (its UTF-8 form for a string); any other
     * item fits every slot.
     *
     * @param index the item's index
     * @param value null, Boolean, Integer, Long, Double, String or byte[]
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, size())}
     * @throws IllegalArgumentException naming the value if it is of another type or does not fit the slot;
     *         nothing is written then
     */
    public void set(int index, Object value) {
        Objects.checkIndex(index, size);
        Item item = Item.of(value, index);
        long slotSize = offsets[index + 1] - offsets[index];
        if (item.encoded != null && item.encoded.length > slotSize) {
            throw new IllegalArgumentException("item " + index + " of " + name() + " holds at most " + slotSize
                    + " bytes; " + describe(value) + " takes " + item.encoded.length);
        }
        MemorySegment m = shm.segment();
        String format = item.encoded == null ? item.format(slotSize)
                : keptStringFormat(m, index, slotSize, item.encoded.length);
        writeFormat(m, formatAt(index), format);
        m.set(ValueLayout.JAVA_BYTE, codeAt(index), item.code());
        item.write(m, slot(index), item.encoded == null ? SLOT : stringLength(format, index));
    }

    /**
     * A string or bytes keeps the item's string format when the value fits it (as CPython keeps it), else
     * gets the slot's size.
     */
    private String keptStringFormat(MemorySegment m, int index, long slotSize, int length) {
        String current = readFormat(m, formatAt(index));
        if (current.length() > 1 && current.endsWith("s")) {
            try {
                long width = Long.parseLong(current.substring(0, current.length() - 1));
                if (width >= length && width <= slotSize) {
                    return current;
                }
            } catch (NumberFormatException e) {
                // not a string format: replaced below
            }
        }
        return slotSize + "s";
    }

    /** @return the number of items (fixed) */
    public int size() {
        return size;
    }

    /**
     * Python's {@code L.count(value)}: integers compare by value ({@code Integer} 1 equals {@code Long} 1),
     * {@code byte[]} by content, the rest by {@code equals} (unlike Python, a Boolean never equals a number).
     *
     * @param value what to look for
     * @return how many items equal it
     */
    public int count(Object value) {
        int c = 0;
        for (int i = 0; i < size; i++) {
            if (same(value, get(i))) {
                c++;
            }
        }
        return c;
    }

    /**
     * Python's {@code L.index(value)}, comparing as {@link #count} does.
     *
     * @param value what to look for
     * @return the index of the first item equal to it
     * @throws IllegalArgumentException if there is none (Python's {@code ValueError})
     */
    public int index(Object value) {
        for (int i = 0; i < size; i++) {
            if (same(value, get(i))) {
                return i;
            }
        }
        throw new IllegalArgumentException(describe(value) + " is not in " + name());
    }

    private static boolean same(Object a, Object b) {
        Object x = a instanceof Integer i ? (Object) i.longValue() : a;
        Object y = b instanceof Integer i ? (Object) i.longValue() : b;
        if (x instanceof byte[] p && y instanceof byte[] q) {
            return Arrays.equals(p, q);
        }
        return Objects.equals(x, y);
    }

    /** @return the {@code struct} formats of the items, concatenated (Python's {@code format}) */
    public String format() {
        MemorySegment m = shm.segment();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < size; i++) {
            b.append(readFormat(m, formatAt(i)));
        }
        return b.toString();
    }

    /** @return the block that holds the list */
    public SharedMemory shm() {
        return shm;
    }

    /** @return the block's name, as {@link #attach(String)} takes it */
    public String name() {
        return shm.name();
    }

    /** @return the items, in order, each read when the iteration reaches it */
    @Override
    public Iterator<Object> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Object next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                return get(next++);
            }
        };
    }

    /** @return a copy of the items (Python's {@code list(sl)}) */
    public List<Object> toList() {
        List<Object> items = new ArrayList<>(size);
        for (Object o : this) {
            items.add(o);
        }
        return items;
    }

    /** Unmaps this handle's view of the block (the list stays for others); idempotent. */
    @Override
    public void close() {
        shm.close();
    }

    /**
     * Removes the block's name (see {@link SharedMemory#unlink()}).
     *
     * @throws UncheckedIOException if it was removed already
     */
    public void unlink() {
        shm.unlink();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("ShareableList([");
        try {
            for (int i = 0; i < size; i++) {
                b.append(i == 0 ? "" : ", ").append(describe(get(i)));
            }
        } catch (IllegalStateException closed) {
            b.append("...");
        }
        return b.append("], name='").append(name()).append("')").toString();
    }

    private static String describe(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "'" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "'";
            case byte[] bytes -> "byte[" + bytes.length + "]";
            default -> v.getClass().getSimpleName() + " " + v;
        };
    }

    private static String readFormat(MemorySegment m, long at) {
        byte[] raw = trimNuls(m.asSlice(at, SLOT).toArray(ValueLayout.JAVA_BYTE));
        return new String(raw, StandardCharsets.US_ASCII);
    }

    private static void writeFormat(MemorySegment m, long at, String format) {
        byte[] b = Arrays.copyOf(format.getBytes(StandardCharsets.US_ASCII), SLOT);
        MemorySegment.copy(b, 0, m, ValueLayout.JAVA_BYTE, at, SLOT);
    }

    private static byte[] trimNuls(byte[] b) {
        int end = b.length;
        while (end > 0 && b[end - 1] == 0) {
            end--;
        }
        return end == b.length ? b : Arrays.copyOf(b, end);
    }

    /**
     * One item, checked and encoded before anything is written.
     *
     * @param value the item
     * @param encoded the UTF-8 form of a string or the bytes; null for the other types
     */
    private record Item(Object value, byte[] encoded) {
        static Item of(Object value, int index) {
            return switch (value) {
                case null -> new Item(null, null);
                case Boolean _, Long _, Double _ -> new Item(value, null);
                case Integer i -> new Item(i.longValue(), null);
                case String s -> new Item(s, s.getBytes(StandardCharsets.UTF_8));
                case byte[] b -> new Item(b, b.clone());
                default -> throw new IllegalArgumentException("item " + index + " (" + describe(value)
                        + ") cannot be held by a ShareableList: items are null, Boolean, Integer, Long, Double,"
                        + " String or byte[]");
            };
        }

        /**
         * CPython's slot: 8 bytes; for a string or bytes, its length rounded up past the next multiple of 8
         * (CPython counts a string's characters; where its UTF-8 form would not fit that — CPython would
         * truncate it — the UTF-8 length is rounded the same way).
         */
        long slotSize() {
            if (encoded == null) {
                return SLOT;
            }
            int length = value instanceof String s ? s.codePointCount(0, s.length()) : encoded.length;
            long slot = (long) SLOT * (length / SLOT + 1);
            return encoded.length <= slot ? slot : (long) SLOT * (encoded.length / SLOT + 1);
        }

        String format(long slotSize) {
            return switch (value) {
                case null -> NONE;
                case Boolean _ -> BOOL;
                case Long _ -> INT;
                case Double _ -> DOUBLE;
                default -> slotSize + "s";
            };
        }

        byte code() {
            return switch (value) {
                case null -> NULL;
                case String _ -> STR;
                case byte[] _ -> BYTES;
                default -> AS_FORMAT;
            };
        }

        /** Writes the item as {@code struct.pack_into} does: every byte of its format, padding zeroed. */
        void write(MemorySegment m, long at, long width) {
            switch (value) {
                case null -> m.set(Q, at, 0L);
                case Boolean b -> {
                    m.set(Q, at, 0L);
                    m.set(ValueLayout.JAVA_BYTE, at + 7, (byte) (b ? 1 : 0));
                }
                case Long l -> m.set(Q, at, l);
                case Double d -> m.set(D, at, d);
                default -> {
                    m.asSlice(at, width).fill((byte) 0);
                    MemorySegment.copy(encoded, 0, m, ValueLayout.JAVA_BYTE, at, encoded.length);
                }
            }
        }
    }

    @Serial
    private Object writeReplace() {
        return new Form(shm);
    }

    @Serial
    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("ShareableList travels as its Form");
    }

    /**
     * The serialized form (Python's {@code __reduce__}): the block, which travels as its name and attaches on
     * arrival; the receiver reads the list's layout from it.
     */
    private record Form(SharedMemory block) implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private Object readResolve() throws ObjectStreamException {
            if (block == null) {
                throw new InvalidObjectException("ShareableList without a block");
            }
            try {
                return new ShareableList(block);
            } catch (IllegalArgumentException e) {
                block.close();
                throw (InvalidObjectException) new InvalidObjectException(e.getMessage()).initCause(e);
            }
        }
    }
}
