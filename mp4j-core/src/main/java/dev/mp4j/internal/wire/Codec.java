package dev.mp4j.internal.wire;

import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.RemoteTraceback;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BinaryOperator;

/**
 * How objects become bytes and back. Common values — null, boxed primitives, strings, primitive arrays,
 * {@code Object[]} and {@code String[]}, {@code ArrayList}, {@code HashMap}, {@code HashSet},
 * {@code LinkedHashSet}, the immutable collections of {@code List.of}, {@code Set.of}, {@code Map.of} and
 * {@code Stream.toList}, {@code Duration}, enums, serializable records and serializable lambdas of these, and
 * mp4j's queue, pipe, lock and semaphore handles ({@link Portable}), nested — take a tagged binary form
 * ({@code FastFormat}); any other object anywhere in the graph, a mutable container or handle that occurs
 * twice (shared or cyclic), or nesting deeper than 200, and the whole graph takes JDK serialization instead.
 * Both decode to the same classes, so a reader cannot tell which form was used, except that a {@code HashMap}
 * or {@code HashSet} is rebuilt with the default load factor and a capacity for its size (JDK serialization
 * keeps both; its contents and equality are the same either way).
 *
 * <p>Every inbound stream passes an {@link ObjectInputFilter}: the caller's, or by default one that bounds
 * depth, references and array sizes (the JDK's own meaning of an undecided status holds). It applies to
 * both forms, through the JVM-wide filter factory as an {@link ObjectInputStream} does, and sees the same
 * classes in the fast form as in the equivalent JDK stream ({@code FastReader}). No length read from a
 * stream allocates more than the stream's own size can justify: the fast form bounds each by the bytes
 * left, and a JDK stream's arrays are refused beyond eight times the stream's length. A corrupt stream
 * gives an {@link IOException}, never another exception.
 */
public final class Codec {
    /**
     * The default limits on inbound object graphs: what {@code ObjectInputFilter.Config.createFilter(
     * "maxdepth=10000;maxrefs=50000000;maxarray=2147483639")} makes, without starting the JDK's serial filter
     * configuration (a child JVM's first use of it costs 10–30 ms: the security properties and the logging
     * back end).
     */
    public static final ObjectInputFilter DEFAULT_FILTER = new Limits(10_000, 50_000_000, Integer.MAX_VALUE - 8);

    /** What {@code decode(bytes, null)} applies: the default, or the filter a child JVM was given. */
    private static volatile ObjectInputFilter processFilter = DEFAULT_FILTER;

    private Codec() {}

    /**
     * Makes a filter this JVM's default for {@code decode(bytes, null)}, combined with the default limits: a
     * child JVM does this with the serial filter of the context that started it, before it reads its job.
     *
     * @param filter the filter
     */
    public static void installProcessFilter(ObjectInputFilter filter) {
        processFilter = SerialFilters.effective(java.util.Objects.requireNonNull(filter, "filter"));
    }

    /**
     * @param obj any object, null included
     * @return its serialized form
     * @throws NotSerializableException naming the class that is not serializable
     * @throws IOException on another serialization failure
     */
    public static byte[] encode(Object obj) throws IOException {
        byte[] fast;
        try {
            fast = FastWriter.encode(obj);
        } catch (FastWriter.HandleFailed e) {
            throw e.reason();
        }
        return fast != null ? fast : encodeJdk(obj);
    }

    /**
     * {@link #encode(Object)} into an array that leaves room for a frame's header before the form, so that
     * the frame is that array, not a copy of it.
     *
     * @param obj any object, null included
     * @param headroom the bytes left free (zero) at the start
     * @return {@code headroom} bytes, then the serialized form to the end of the array
     * @throws NotSerializableException naming the class that is not serializable
     * @throws IOException on another serialization failure
     */
    public static byte[] encode(Object obj, int headroom) throws IOException {
        byte[] fast;
        try {
            fast = FastWriter.encode(obj, headroom);
        } catch (FastWriter.HandleFailed e) {
            throw e.reason();
        }
        return fast != null ? fast : behind(headroom, encodeJdk(obj));
    }

    /**
     * Serializes {@code a[from, to)} as {@link #encode(Object, int)} serializes an {@code ArrayList} of those
     * elements (which is what {@link #decode} returns), without making the list: a map's chunk of arguments
     * or of results.
     *
     * @param a the elements
     * @param from the first index
     * @param to the index after the last
     * @param headroom the bytes left free (zero) at the start
     * @return {@code headroom} bytes, then the serialized form to the end of the array
     * @throws NotSerializableException naming the class that is not serializable
     * @throws IOException on another serialization failure
     */
    public static byte[] encodeList(Object[] a, int from, int to, int headroom) throws IOException {
        return encodeList(a, from, to, headroom, null);
    }

    /**
     * {@link #encodeList(Object[], int, int, int)} that may write into {@code reuse}, a buffer the caller no
     * longer needs: it does when the form is exactly as long as it (see {@link #bulkListLength}), and then
     * returns it; otherwise it makes its own array, and {@code reuse} is left as it was.
     *
     * @param reuse a buffer to write into, or null
     * @return {@code reuse}, or a fresh array; either way exactly the headroom and the serialized form
     */
    public static byte[] encodeList(Object[] a, int from, int to, int headroom, byte[] reuse) throws IOException {
        Objects.checkFromToIndex(from, to, a.length);
        byte[] fast;
        try {
            fast = FastWriter.encodeList(a, from, to, headroom, reuse);
        } catch (FastWriter.HandleFailed e) {
            throw e.reason();
        }
        return fast != null ? fast : behind(headroom, encodeJdk(new ArrayList<>(Arrays.asList(a).subList(from, to))));
    }

    /**
     * @return how long {@link #encodeList} makes {@code a[from, to)} with {@code headroom} when its elements are
     *     all Integers, all Longs or all Doubles (one bulk list): the length of a buffer worth handing it to write
     *     into; for other elements, a guess
     */
    public static int bulkListLength(Object[] a, int from, int to, int headroom) {
        Objects.checkFromToIndex(from, to, a.length);
        return FastWriter.listLength(a, from, to, headroom);
    }

    private static byte[] behind(int headroom, byte[] form) {
        if (headroom == 0) {
            return form;
        }
        byte[] out = new byte[headroom + form.length];
        System.arraycopy(form, 0, out, headroom, form.length);
        return out;
    }

    /**
     * Marks an exception with where it was raised (a suppressed {@link RemoteTraceback}) and returns it if it
     * can be serialized, else a {@link ProcessError} stand-in with its class, message, stack trace and mark:
     * what a process sends back in place of an exception raised for another.
     *
     * @param error the exception; the mark is added to it
     * @param where the mark's message, e.g. "raised in process 'name' (pid 123)"
     * @return something that serializes
     */
    public static Throwable portable(Throwable error, String where) {
        RemoteTraceback mark = new RemoteTraceback(where);
        error.addSuppressed(mark);
        try {
            encode(error);
            return error;
        } catch (IOException e) {
            ProcessError standIn = new ProcessError(error.getClass().getName() + ": " + error.getMessage()
                    + " (the exception itself could not be serialized: " + e + ")");
            standIn.setStackTrace(error.getStackTrace());
            standIn.addSuppressed(mark);
            return standIn;
        }
    }

    /**
     * @param obj any object, null included
     * @return its JDK serialization form, whatever its class
     * @throws NotSerializableException naming the class that is not serializable
     * @throws IOException on another serialization failure
     */
    static byte[] encodeJdk(Object obj) throws IOException {
        JdkWriter w = null;
        for (int i = 0; i < WRITERS.length() && w == null; i++) {
            w = WRITERS.getAndSet(i, null);
        }
        if (w == null) {
            w = new JdkWriter();
        }
        byte[] result = w.write(obj); // a writer that failed is dropped with its broken stream
        if (w.reusable()) {
            for (int i = 0; i < WRITERS.length(); i++) {
                if (WRITERS.compareAndSet(i, null, w)) {
                    break;
                }
            }
        }
        return result;
    }

    /** Idle JDK writers, each owned by one call at a time (taken by getAndSet). */
    private static final AtomicReferenceArray<JdkWriter> WRITERS = new AtomicReferenceArray<>(4);

    /**
     * An {@link ObjectOutputStream} kept between calls, which saves making its buffers and tables each
     * time. After each object it is {@link ObjectOutputStream#reset() reset} (so it holds no reference to
     * what it wrote, and numbers handles from the start again) and the reset's marker is dropped, so each
     * result is the stream header and one object, byte for byte what a new stream writes.
     */
    private static final class JdkWriter {
        /** A kept writer's buffer stays at most this long. */
        private static final int MAX_KEPT_BUFFER = 64 << 10;
        private final Output bytes = new Output();
        private final ObjectOutputStream out;
        private final int headerLength;

        JdkWriter() throws IOException {
            out = new KnownArrays(bytes);
            out.flush();
            headerLength = bytes.count;
        }

        byte[] write(Object obj) throws IOException {
            out.writeObject(obj);
            out.flush();
            byte[] result = Arrays.copyOf(bytes.buf, bytes.count);
            out.reset();
            out.flush();
            bytes.count = headerLength;
            return result;
        }

        boolean reusable() {
            return bytes.buf.length <= MAX_KEPT_BUFFER;
        }
    }

    /**
     * An {@link ObjectOutputStream} that writes the class descriptors of common array classes from constants.
     * An array class declares no {@code serialVersionUID}, so the JDK computes its default one (a SHA-1 of the
     * class's name, modifiers and interfaces) the first time it writes one: for the {@code Object[]} of a
     * lambda's captured values (a process's target that captures a queue, a lock ...) that loaded
     * {@code MessageDigest}, the security providers and their configuration: a program that encodes one such
     * lambda loads 1,014 classes instead of 1,143, and the textbook "a Process puts on a Queue" parent 1,505
     * instead of 1,589, its encoding running while its first child boots, on 2 CPUs beside that child. The
     * constants are those default values (the JDK's reader checks none for an array class), so the stream is
     * byte for byte the JDK's own.
     */
    private static final class KnownArrays extends ObjectOutputStream {
        /** {@code ObjectStreamConstants.SC_SERIALIZABLE}: an array's only flag. */
        private static final int SERIALIZABLE = 0x02;

        KnownArrays(OutputStream out) throws IOException {
            super(out);
        }

        @Override
        protected void writeClassDescriptor(ObjectStreamClass desc) throws IOException {
            long suid = knownSuid(desc.forClass());
            if (suid == 0) {
                super.writeClassDescriptor(desc);
                return;
            }
            // as ObjectStreamClass.writeNonProxy writes an array class: no fields
            writeUTF(desc.getName());
            writeLong(suid);
            writeByte(SERIALIZABLE);
            writeShort(0);
        }
    }

    /**
     * @param c a class, or null
     * @return the default {@code serialVersionUID} of {@code c} if it is one of the array classes common in
     *     jobs, else 0
     */
    static long knownSuid(Class<?> c) {
        if (c == Object[].class) {
            return -8012369246846506644L;
        } else if (c == String[].class) {
            return -5921575005990323385L;
        } else if (c == byte[].class) {
            return -5984413125824719648L;
        } else if (c == int[].class) {
            return 5600894804908749477L;
        } else if (c == long[].class) {
            return 8655923659555304851L;
        } else if (c == double[].class) {
            return 4514449696888150558L;
        } else if (c == boolean[].class) {
            return 6309297032502205922L;
        } else if (c == char[].class) {
            return -5753798564021173076L;
        } else if (c == short[].class) {
            return -1188055269542874886L;
        } else if (c == float[].class) {
            return 836686056779680834L;
        } else if (c == Integer[].class) {
            return -101421563860753893L;
        } else if (c == Long[].class) {
            return 9070542887271031595L;
        } else if (c == Double[].class) {
            return -2228528061661948250L;
        }
        return 0;
    }

    /**
     * @param bytes what {@link #encode} made
     * @param filter the filter to apply, or null for this JVM's default ({@link #DEFAULT_FILTER}, or the
     *     one {@link #installProcessFilter} installed)
     * @return the object
     * @throws ClassNotFoundException naming a class this JVM cannot load
     * @throws InvalidClassException if the filter rejects the stream
     * @throws IOException on a corrupt stream
     */
    public static Object decode(byte[] bytes, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        return decode(bytes, 0, bytes.length, filter != null ? filter : processFilter, true, false);
    }

    /**
     * {@link #decode(byte[], ObjectInputFilter)} of the form at {@code bytes[offset, offset + length)} (a
     * frame's body), without copying it out.
     *
     * @param bytes holds the form
     * @param offset where it starts
     * @param length its length
     * @param filter the filter to apply, or null for this JVM's default
     * @return the object
     * @throws ClassNotFoundException naming a class this JVM cannot load
     * @throws InvalidClassException if the filter rejects the stream
     * @throws IOException on a corrupt stream
     */
    public static Object decode(byte[] bytes, int offset, int length, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return decode(bytes, offset, length, filter != null ? filter : processFilter, true, false);
    }

    /**
     * The elements of an encoded list, as {@link #decode} would read the list, in an array: for a list of one
     * boxed number class in the fast form, the very array its values are boxed into, with no list made and no
     * copy of it (a map's chunk of results is copied once more, into the map's result, and read from there).
     *
     * @param bytes holds the encoded list at {@code [offset, offset + length)}
     * @param offset where it starts
     * @param length its length
     * @param filter the filter to apply, or null for this JVM's default
     * @return the elements, in a fresh array the caller owns
     * @throws ClassNotFoundException naming a class this JVM cannot load
     * @throws InvalidClassException if the filter rejects the stream
     * @throws IOException on a corrupt stream, or one that holds something other than a list
     */
    public static Object[] decodeElements(byte[] bytes, int offset, int length, ObjectInputFilter filter)
            throws IOException, ClassNotFoundException {
        return decodeElements(bytes, offset, length, filter, null, 0, 0);
    }

    /**
     * {@link #decodeElements(byte[], int, int, ObjectInputFilter)}, but a list of exactly {@code count} boxed
     * numbers in the fast form is boxed straight into {@code into[at, at + count)}: a map's chunk of results
     * read into the map's result, with no array of its own.
     *
     * @param into where the elements go when they can; null: an array of their own
     * @param at where the first goes in {@code into}
     * @param count the room there, in elements: a list of another size gets an array of its own
     * @return {@code into} if the elements went there (and only then), else a fresh array the caller owns
     * @throws IndexOutOfBoundsException if {@code [at, at + count)} is not within {@code into}
     */
    public static Object[] decodeElements(byte[] bytes, int offset, int length, ObjectInputFilter filter,
                                          Object[] into, int at, int count)
            throws IOException, ClassNotFoundException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (into != null) {
            Objects.checkFromIndexSize(at, count, into.length);
        }
        return decodeElements(bytes, offset, length, filter != null ? filter : processFilter, true, false, into, at,
                count);
    }

    /**
     * {@link #decode(byte[], int, int, ObjectInputFilter, boolean, boolean)} of a list, as an array of its
     * elements ({@link #decodeElements(byte[], int, int, ObjectInputFilter, Object[], int, int)}).
     */
    private static Object[] decodeElements(byte[] bytes, int offset, int length, ObjectInputFilter requested,
                                           boolean askFactory, boolean fromParent, Object[] into, int at, int count)
            throws IOException, ClassNotFoundException {
        Object value;
        try {
            if (length > 0 && bytes[offset] == FastFormat.MAGIC) {
                return FastReader.decodeElements(bytes, offset, length, askFactory ? effective(requested) : requested,
                        fromParent, into, at, count);
            }
            value = decodeJdk(bytes, offset, length, requested);
        } catch (RuntimeException e) {
            // as decode: a class's own readObject, a record's constructor, a filter that fails
            throw (IOException) new StreamCorruptedException("cannot deserialize: " + e).initCause(e);
        }
        return elements(value);
    }

    /**
     * @param value a decoded value
     * @return the elements of {@code value}, which must be a list
     * @throws StreamCorruptedException if it is not one
     */
    static Object[] elements(Object value) throws StreamCorruptedException {
        if (value instanceof List<?> list) {
            return list.toArray();
        }
        throw new StreamCorruptedException("a list was expected, not "
                + (value == null ? "null" : value.getClass().getName()));
    }

    /**
     * @param requested the filter asked for
     * @param askFactory whether the fast form is shown to what the JVM-wide filter factory makes of
     *     {@code requested} (as an {@link ObjectInputStream} does), or to {@code requested} alone
     * @param fromParent whether the bytes come from the JVM that started this one
     *     ({@link FastReader#decodeFromParent})
     */
    private static Object decode(byte[] bytes, int offset, int length, ObjectInputFilter requested,
                                 boolean askFactory, boolean fromParent) throws IOException, ClassNotFoundException {
        try {
            if (length > 0 && bytes[offset] == FastFormat.MAGIC) {
                ObjectInputFilter filter = askFactory ? effective(requested) : requested;
                return fromParent ? FastReader.decodeFromParent(bytes, offset, length, filter)
                        : FastReader.decode(bytes, offset, length, filter);
            }
            return decodeJdk(bytes, offset, length, requested);
        } catch (RuntimeException e) {
            // a class's own readObject, a record's constructor, a filter that fails: still a bad stream
            throw (IOException) new StreamCorruptedException("cannot deserialize: " + e).initCause(e);
        }
    }

    /**
     * Decodes what another process sent, failing as the public API does: with a {@link ProcessError} that
     * says what could not be read and why (see {@link #received}).
     *
     * @param bytes what {@link #encode} made
     * @param filter the filter to apply, or null for this JVM's default
     * @param what what the bytes are, for the messages
     * @return the object
     * @throws ProcessError if it cannot be decoded
     */
    public static Object decodeReceived(byte[] bytes, ObjectInputFilter filter, String what) {
        return received(() -> decode(bytes, filter), what);
    }

    /**
     * A reading of what another process sent.
     *
     * @param <T> what it reads
     */
    @FunctionalInterface
    public interface Reading<T> {
        /**
         * @return what was read
         * @throws IOException if the bytes are not what they should be, or the filter rejects them
         * @throws ClassNotFoundException naming a class this JVM cannot load
         */
        T read() throws IOException, ClassNotFoundException;
    }

    /**
     * Runs a reading of what another process sent, its failures turned into what the public API promises.
     *
     * @param <T> what it reads
     * @param reading the reading
     * @param what what is read, for the messages: "cannot load class C of <i>what</i>", "<i>what</i> was
     *     rejected: ..." (by the filter), "cannot deserialize <i>what</i>: ..."
     * @return what was read
     * @throws ProcessError if it failed
     */
    public static <T> T received(Reading<T> reading, String what) {
        try {
            return reading.read();
        } catch (ClassNotFoundException e) {
            throw new ProcessError("cannot load class " + e.getMessage() + " of " + what, e);
        } catch (InvalidClassException e) {
            throw new ProcessError(what + " was rejected: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ProcessError("cannot deserialize " + what + ": " + e, e);
        }
    }

    /**
     * Decodes what this JVM's parent sent it on its control channel (a child's job), as
     * {@code decode(bytes, null)} does, except that the fast form is shown to this JVM's process filter
     * alone: a serial filter factory configured in the child's security properties is not asked. The
     * JDK's builtin factory gives a stream's own filter alone too, so this differs only under a custom
     * factory: a security property, as the system property {@code jdk.serialFilterFactory} is honoured.
     * The bytes come from the JVM that started this one and chose its code and options. Not asking spares
     * the child the JDK's serial filter configuration while it starts (see {@link #DEFAULT_FILTER}). For the
     * same reason a runnable lambda that captures nothing may be made without its capturing class's
     * {@code $deserializeLambda$} ({@link FastReader#decodeFromParent}).
     *
     * @param bytes what {@link #encode} made
     * @return the object
     * @throws ClassNotFoundException naming a class this JVM cannot load
     * @throws InvalidClassException if the filter rejects the stream
     * @throws IOException on a corrupt stream
     */
    public static Object decodeFromParent(byte[] bytes) throws IOException, ClassNotFoundException {
        return decodeFromParent(bytes, 0, bytes.length);
    }

    /**
     * The class that stands for {@code value}'s code where a child must find it: a runnable that
     * {@link #decodeFromParent} made without its capturing class's {@code $deserializeLambda$} is an mp4j
     * class, and the class whose lambda it is stands for it, as a JDK lambda's class names it.
     *
     * @param value a value, not null
     * @return its class, or that capturing class
     */
    public static Class<?> codeClass(Object value) {
        return value instanceof DirectRunnable d ? d.capturingClass() : value.getClass();
    }

    /**
     * {@link #decodeFromParent(byte[])} of the form at {@code bytes[offset, offset + length)} (a frame's
     * body), without copying it out.
     *
     * @param bytes holds the form
     * @param offset where it starts
     * @param length its length
     * @return the object
     * @throws ClassNotFoundException naming a class this JVM cannot load
     * @throws InvalidClassException if the filter rejects the stream
     * @throws IOException on a corrupt stream
     */
    public static Object decodeFromParent(byte[] bytes, int offset, int length)
            throws IOException, ClassNotFoundException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return decode(bytes, offset, length, processFilter, factoryProperty(), true);
    }

    /**
     * {@link #decodeElements(byte[], int, int, ObjectInputFilter)} of what the parent sent, read as
     * {@link #decodeFromParent(byte[], int, int)} reads it: a worker's chunk of arguments.
     *
     * @return the elements, in a fresh array the caller owns
     * @throws IOException on a corrupt stream, or one that holds something other than a list
     */
    public static Object[] decodeElementsFromParent(byte[] bytes, int offset, int length)
            throws IOException, ClassNotFoundException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return decodeElements(bytes, offset, length, processFilter, factoryProperty(), true, null, 0, 0);
    }

    /** 0 until read, then 1 if the system property {@code jdk.serialFilterFactory} is set, else 2. */
    private static int factoryProperty;

    /**
     * @return whether the system property {@code jdk.serialFilterFactory} is set, read once (as the JDK reads
     *     it once): a child decodes every chunk its parent sends through here, and a property look-up is a
     *     dozen calls in the interpreter that runs a fresh JVM's first chunks
     */
    private static boolean factoryProperty() {
        int known = factoryProperty;
        if (known == 0) {
            known = System.getProperty("jdk.serialFilterFactory") != null ? 1 : 2;
            factoryProperty = known;
        }
        return known == 1;
    }

    /**
     * Readies the reader of the fast form (its classes): a child JVM does this on another thread while it
     * waits for its job.
     */
    public static void prepareReader() {
        FastReader.prepare();
    }

    /** Whether {@link #prepareDecoding} has run in this JVM. */
    private static volatile boolean decodingPrepared;

    /** @return whether {@link #prepareDecoding} has run in this JVM: a receive asks before it looks further */
    public static boolean decodingPrepared() {
        return decodingPrepared;
    }

    /**
     * Readies what the first {@link #decode(byte[], ObjectInputFilter)} of this JVM does before it reads a byte:
     * the serial filter configuration (the security properties, 10–30 ms on a cold JVM) and the fast form's
     * reader classes. A receive that finds no message and may wait a while for one does this meanwhile, so that
     * the message is read as soon as it comes; once per JVM, it does what that first decode would (ahead of a
     * message that may never come: a receive that finds none and may not wait, a {@code getNowait}, leaves it
     * to the first decode). Never fails: what fails here fails again, and is reported, where it is used.
     */
    public static void prepareDecoding() {
        if (decodingPrepared()) {
            return;
        }
        decodingPrepared = true;
        try {
            FastReader.prepare();
            ObjectInputFilter.Config.getSerialFilterFactory();
        } catch (RuntimeException e) {
            // the first decode meets it again, and reports it
        }
    }

    /**
     * Readies the fast form's writer and reader: loads and initializes their classes and runs their common
     * paths once (a boxed list, a nested list, a string, numbers; and, written only, a serializable lambda, as a
     * pool writes its tasks' functions), showing nothing to any filter; and, if
     * asked, this JVM's serial filter configuration, which the first {@link #decode(byte[], ObjectInputFilter)}
     * would otherwise initialize (the security properties, 10–30 ms on a cold JVM). A pool does this on
     * another thread while its worker JVMs boot, so that its first results do not wait for it. Never fails:
     * what fails here fails again, and is reported, where it is used.
     *
     * @param filterConfiguration whether to initialize the serial filter configuration too (a child JVM
     *     decodes what its parent sends without it, see {@link #decodeFromParent})
     */
    public static void prepare(boolean filterConfiguration) {
        try {
            ArrayList<Object> numbers = new ArrayList<>();
            for (int i = 0; i < FastFormat.MIN_BOXED; i++) {
                numbers.add(i);
            }
            List<Object> values = List.of(1, 2L, 3.0, "s");
            dev.mp4j.function.SerializableFunction<Object, Object> fn = x -> x;
            FastWriter.encode(fn);
            // the lambda written only: what a pool's JVM reads is its workers' results, and a lambda's first
            // reading spins a class of its own and bootstraps the JDK's lambda deserialization
            byte[] sample = FastWriter.encode(new ArrayList<>(List.of(numbers, values)));
            if (sample != null) {
                FastReader.decode(sample, null);
            }
            if (filterConfiguration) {
                ObjectInputFilter.Config.getSerialFilterFactory();
            }
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            // the first real use meets it again, and reports it
        }
    }

    private static Object decodeJdk(byte[] bytes, int offset, int length, ObjectInputFilter requested)
            throws IOException, ClassNotFoundException {
        long maxArray = 8L * length + 1024;
        try (ObjectInputStream in = new LoaderAwareInput(new ByteArrayInputStream(bytes, offset, length))) {
            in.setObjectInputFilter(new Bounded(maxArray, requested));
            return in.readObject();
        }
    }

    /**
     * {@code requested}, after a bound on arrays' lengths from the stream's own length (a class, not a lambda:
     * the first in a JVM spins no class).
     */
    private static final class Bounded implements ObjectInputFilter {
        private final long maxArray;
        private final ObjectInputFilter requested;

        Bounded(long maxArray, ObjectInputFilter requested) {
            this.maxArray = maxArray;
            this.requested = requested;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            Class<?> cl = info.serialClass();
            if (cl != null && cl.isArray() && info.arrayLength() > maxArray) {
                return Status.REJECTED; // more elements than the stream could hold
            }
            return requested.checkInput(info);
        }
    }

    /** The filter an {@link ObjectInputStream} would apply when asked for {@code requested}. */
    private static ObjectInputFilter effective(ObjectInputFilter requested) throws InvalidClassException {
        BinaryOperator<ObjectInputFilter> factory;
        try {
            factory = ObjectInputFilter.Config.getSerialFilterFactory();
        } catch (IllegalStateException e) {
            throw (InvalidClassException) new InvalidClassException("the serial filter factory: " + e.getMessage())
                    .initCause(e);
        }
        if (factory == builtinFactory || factory.getClass().getName().equals(BUILTIN_FACTORY)) {
            builtinFactory = factory; // known at once next time: a comparison of its name is a loop per decode
            return requested; // the builtin factory's answer, without asking it
        }
        return factory.apply(factory.apply(null, ObjectInputFilter.Config.getSerialFilter()), requested);
    }

    private static final String BUILTIN_FACTORY = "java.io.ObjectInputFilter$Config$BuiltinFilterFactory";
    /** The JDK's builtin filter factory, once {@link #effective} has seen it; null before. */
    private static volatile BinaryOperator<ObjectInputFilter> builtinFactory;

    /** Limits on depth, references and array lengths, decided as a JDK pattern filter of them decides. */
    private record Limits(long maxDepth, long maxRefs, long maxArray) implements ObjectInputFilter {
        @Override
        public Status checkInput(FilterInfo info) {
            if (info.references() < 0 || info.depth() < 0 || info.streamBytes() < 0
                    || info.references() > maxRefs || info.depth() > maxDepth) {
                return Status.REJECTED;
            }
            Class<?> cl = info.serialClass();
            if (cl != null && cl.isArray() && info.arrayLength() > maxArray) {
                return Status.REJECTED;
            }
            return Status.UNDECIDED;
        }

        @Override
        public String toString() {
            return "maxdepth=" + maxDepth + ";maxrefs=" + maxRefs + ";maxarray=" + maxArray;
        }
    }

    /** A byte array output stream without locks. */
    private static final class Output extends OutputStream {
        private byte[] buf = new byte[256];
        private int count;

        @Override
        public void write(int b) {
            if (count == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            if (buf.length - count < len) {
                long want = Math.max(buf.length * 2L, (long) count + len);
                if (want > Integer.MAX_VALUE - 16) {
                    if ((long) count + len > Integer.MAX_VALUE - 16) {
                        throw new OutOfMemoryError("a serialized form of more than 2 GiB");
                    }
                    want = Integer.MAX_VALUE - 16;
                }
                buf = Arrays.copyOf(buf, (int) want);
            }
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

    }

    /** Resolves classes through the thread's context loader first, so application classes are found. */
    private static final class LoaderAwareInput extends ObjectInputStream {
        LoaderAwareInput(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException ignored) {
                    // fall back to the default resolution below
                }
            }
            return super.resolveClass(desc);
        }
    }
}
