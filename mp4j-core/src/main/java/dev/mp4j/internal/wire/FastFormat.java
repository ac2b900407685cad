package dev.mp4j.internal.wire;

import java.io.Serializable;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tagged binary form {@link Codec} uses for common values, and what it knows about record and lambda
 * classes. A JDK serialization stream starts with {@code 0xAC 0xED}; a fast stream starts with
 * {@link #MAGIC}, followed by exactly one value, and nothing after it.
 *
 * <pre>
 * value   := tag body
 * varint  := unsigned LEB128 (7 bits a byte, low first), at most 5 bytes (int) or 10 (long)
 * zigzag  := varint of (n &lt;&lt; 1) ^ (n &gt;&gt; 31) (int) or (n &lt;&lt; 1) ^ (n &gt;&gt; 63) (long)
 *
 * NULL, FALSE, TRUE                          no body
 * BYTE b | SHORT s16 | CHAR c16             little-endian fixed width
 * INT zigzag | LONG zigzag
 * FLOAT i32 | DOUBLE i64                    raw IEEE bits (NaN payloads kept), little-endian
 * STR8 len bytes                            UTF-8 of a string without unpaired surrogates
 * STR16 len chars16                         any string, as UTF-16 code units
 * BYTES, BOOLEANS (one byte each), SHORTS, CHARS, INTS, LONGS, FLOATS, DOUBLES
 *                                           len, then the elements little-endian fixed width
 * OBJECTS, STRINGS len value*               Object[] / String[] (a STRINGS element is NULL, STR8 or STR16)
 * ARRAY_LIST, LIST_OF, LIST_NULLS, SET_OF, HASH_SET, LINKED_HASH_SET   len value*
 * MAP_OF, HASH_MAP len (key value)*
 * RECORD_DEF name count (component type)* value*     defines class #k (k counts from 0 per stream)
 * RECORD_REF k value*                       another instance of record class #k
 * ENUM_DEF name constant                    defines class #k, an enum, and names one of its constants
 * ENUM_REF k constant                       another constant of enum class #k
 * DURATION zigzag(seconds) varint(nanos)    a {@link java.time.Duration}, nanos in [0, 999,999,999]
 * BOXED_LIST kind element len body        a list of non-null Integers (element INT, body len i32), Longs (LONG,
 *                                           len i64) or Doubles (DOUBLE, len raw i64 bits), little-endian; kind is
 *                                           the list's own tag (ARRAY_LIST, LIST_OF or LIST_NULLS), and it decodes
 *                                           as that list with its elements tagged one by one would
 * LAMBDA capturing fiClass fiName fiSig kind implClass implName implSig instantiated count value*
 *                                           a serializable lambda's {@link SerializedLambda}
 * PORTABLE formClass count value*          a {@link Portable} handle: its JDK serial form's class and values,
 *                                           rebuilt by the reader that class registered
 * </pre>
 * Names and constants are STR8 or STR16 values; records and enums share the per-stream class numbering.
 * Every length is bounded by the bytes left before anything is allocated, since each element takes at
 * least one byte. A writer that meets a value it cannot write exactly (another class, a shared mutable
 * container, nesting deeper than {@link #MAX_DEPTH}) gives up and the whole graph takes JDK serialization.
 */
final class FastFormat {
    private FastFormat() {}

    /** First byte of a fast stream (a JDK stream's is 0xAC). */
    static final byte MAGIC = 0x01;
    /** Containers nested deeper than this make the writer fall back; a reader refuses them. */
    static final int MAX_DEPTH = 200;

    static final int NULL = 0;
    static final int FALSE = 1;
    static final int TRUE = 2;
    static final int BYTE = 3;
    static final int SHORT = 4;
    static final int CHAR = 5;
    static final int INT = 6;
    static final int LONG = 7;
    static final int FLOAT = 8;
    static final int DOUBLE = 9;
    static final int STR8 = 10;
    static final int STR16 = 11;
    static final int BYTES = 12;
    static final int BOOLEANS = 13;
    static final int SHORTS = 14;
    static final int CHARS = 15;
    static final int INTS = 16;
    static final int LONGS = 17;
    static final int FLOATS = 18;
    static final int DOUBLES = 19;
    static final int OBJECTS = 20;
    static final int STRINGS = 21;
    static final int ARRAY_LIST = 22;
    static final int LIST_OF = 23;
    static final int LIST_NULLS = 24;
    static final int SET_OF = 25;
    static final int MAP_OF = 26;
    static final int HASH_MAP = 27;
    static final int HASH_SET = 28;
    static final int LINKED_HASH_SET = 29;
    static final int RECORD_DEF = 30;
    static final int RECORD_REF = 31;
    static final int LAMBDA = 32;
    static final int ENUM_DEF = 33;
    static final int ENUM_REF = 34;
    static final int DURATION = 35;
    static final int BOXED_LIST = 36;
    static final int PORTABLE = 37;
    static final int TAG_COUNT = 38;
    /**
     * The fewest elements a writer puts in a {@link #BOXED_LIST}: a shorter list of small numbers is
     * smaller tagged one by one. A reader takes any length.
     */
    static final int MIN_BOXED = 16;
    /**
     * The loops over a boxed list's elements run in blocks of this many, each a call of a small method: a
     * JVM compiles a method that is called often soon and for good, where one long loop in a method called
     * a few times per map (a worker's chunks) waits for on-stack replacement and runs in the interpreter until
     * then, and again whenever that compiled loop is replaced. Small enough that an imap's chunk of 100 takes a
     * few calls: a fresh JVM compiles a method only after a few hundred calls while its compiler is busy (the
     * thresholds grow with the compile queue), so at one call per chunk a block's loop ran interpreted for a
     * first imap's first few hundred chunks.
     */
    static final int BLOCK = 32;
    /**
     * A {@link #BOXED_LIST} of at most this many elements is written and read a value at a time, straight
     * between the boxed values and its bytes; a longer one through a primitive array and a bulk copy, which
     * costs a dozen calls of buffer views per list but less per element once compiled. Below the length of
     * the sample chunks that train the children's AOT cache ({@code Warmup.SAMPLE_LENGTH}): the bulk path's
     * classes are in the cache, ready for a map's first large chunk (the short path needs none of its own).
     */
    static final int SMALL_BULK = 128;

    /** The fixed-width numbers of the form, little-endian in a byte[]. */
    static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** The immutable collections' classes, as {@code List.of} and friends make them. */
    static final Class<?> LIST12 = List12Holder.LIST12;
    static final Class<?> LISTN = List12Holder.LISTN;
    static final Class<?> SET12 = List12Holder.SET12;
    static final Class<?> SETN = List12Holder.SETN;
    static final Class<?> MAP1 = List12Holder.MAP1;
    static final Class<?> MAPN = List12Holder.MAPN;
    /** The class a JDK stream names for every immutable collection (its serial proxy). */
    static final Class<?> COLL_SER = List12Holder.COLL_SER;
    /** The class a JDK stream names for a {@link java.time.Duration} (its serial proxy). */
    static final Class<?> TIME_SER = List12Holder.TIME_SER;

    private static final class List12Holder {
        static final Class<?> LIST12 = java.util.List.of(1).getClass();
        static final Class<?> LISTN = java.util.List.of(1, 2, 3).getClass();
        static final Class<?> SET12 = java.util.Set.of(1).getClass();
        static final Class<?> SETN = java.util.Set.of(1, 2, 3).getClass();
        static final Class<?> MAP1 = java.util.Map.of(1, 1).getClass();
        static final Class<?> MAPN = java.util.Map.of(1, 1, 2, 2).getClass();
        static final Class<?> COLL_SER = serialProxy("java.util.CollSer", Object[].class);
        static final Class<?> TIME_SER = serialProxy("java.time.Ser", java.time.Duration.class);

        /** @return the JDK's serial proxy class of that name; not expected to fail, else the filter sees orElse */
        private static Class<?> serialProxy(String name, Class<?> orElse) {
            try {
                return Class.forName(name, false, null);
            } catch (ClassNotFoundException e) {
                return orElse;
            }
        }
    }

    // ------------------------------------------------------------------------------------- portable handles

    /** The readers of {@link Portable} handles, by form class ({@link Portable#register}). */
    static final ConcurrentHashMap<Class<?>, PortableReader> PORTABLE_READERS = new ConcurrentHashMap<>();

    /** A form class's reader, and how many values its forms hold. */
    record PortableReader(int count, Portable.Reader reader) {}

    /**
     * @param cl a class a stream names as a handle's form, loaded, maybe not initialized
     * @return its reader, or null if it is not one of mp4j's form classes
     */
    static PortableReader portableReader(Class<?> cl) {
        PortableReader r = PORTABLE_READERS.get(cl);
        if (r != null || !Portable.Form.class.isAssignableFrom(cl)
                || cl.getClassLoader() != Portable.class.getClassLoader()) {
            return r;
        }
        try {
            Class.forName(cl.getName(), true, cl.getClassLoader()); // its initializer registers its reader
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        return PORTABLE_READERS.get(cl);
    }

    // ------------------------------------------------------------------------------------------ records

    /**
     * What the fast form needs of a record class; {@link #usable} is false when it must take JDK
     * serialization (not serializable, a writeReplace or readResolve of its own, members out of reach).
     */
    static final class RecordInfo {
        final boolean usable;
        final String[] names;
        final Class<?>[] types;
        final String[] typeNames;
        /** One per component, reading its field (as JDK serialization does, not the accessor): (Object) -> Object. */
        final MethodHandle[] fields;
        /** (Object[]) -> Object. */
        final MethodHandle constructor;

        private RecordInfo(boolean usable, String[] names, Class<?>[] types, MethodHandle[] fields,
                           MethodHandle constructor) {
            this.usable = usable;
            this.names = names;
            this.types = types;
            this.fields = fields;
            this.constructor = constructor;
            this.typeNames = new String[types.length];
            for (int i = 0; i < types.length; i++) {
                typeNames[i] = types[i].getName();
            }
        }

        static final RecordInfo UNUSABLE = new RecordInfo(false, new String[0], new Class<?>[0],
                new MethodHandle[0], null);
    }

    static final ClassValue<RecordInfo> RECORDS = new ClassValue<>() {
        @Override
        protected RecordInfo computeValue(Class<?> type) {
            return recordInfo(type);
        }
    };

    private static RecordInfo recordInfo(Class<?> cl) {
        if (!cl.isRecord() || !Serializable.class.isAssignableFrom(cl) || declares(cl, "writeReplace")
                || declares(cl, "readResolve")) {
            return RecordInfo.UNUSABLE;
        }
        try {
            RecordComponent[] comps = cl.getRecordComponents();
            String[] names = new String[comps.length];
            Class<?>[] types = new Class<?>[comps.length];
            MethodHandle[] fields = new MethodHandle[comps.length];
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            for (int i = 0; i < comps.length; i++) {
                names[i] = comps[i].getName();
                types[i] = comps[i].getType();
                Field f = cl.getDeclaredField(names[i]);
                f.setAccessible(true);
                fields[i] = lookup.unreflectGetter(f).asType(MethodType.methodType(Object.class, Object.class));
            }
            Constructor<?> ctor = cl.getDeclaredConstructor(types);
            ctor.setAccessible(true);
            MethodHandle mh = lookup.unreflectConstructor(ctor)
                    .asType(MethodType.methodType(Object.class, types))
                    .asSpreader(Object[].class, types.length);
            return new RecordInfo(true, names, types, fields, mh);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return RecordInfo.UNUSABLE; // e.g. a package its module does not open: JDK serialization copes
        }
    }

    private static boolean declares(Class<?> cl, String method) {
        for (Method m : cl.getDeclaredMethods()) {
            if (m.getName().equals(method) && m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------------------------------ lambdas

    /** A serializable lambda's writeReplace, (Object) -> Object, or null for other classes. */
    static final ClassValue<MethodHandle> LAMBDA_WRITE_REPLACE = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            if (!type.isHidden() || !type.isSynthetic() || !Serializable.class.isAssignableFrom(type)
                    || hasMarkers(type)) {
                return null;
            }
            // The lambda class's own writeReplace, as for $deserializeLambda$ below (the reflective way costs a
            // fresh JVM's first lambda a few ms more); JDK serialization's way where mp4j may not reach it.
            MethodHandle mh;
            try {
                mh = lookupIn(type).findVirtual(type, "writeReplace", MethodType.methodType(Object.class));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                mh = serializationHook("writeReplaceForSerialization", type);
            }
            return mh == null ? null : mh.asType(MethodType.methodType(Object.class, Object.class));
        }
    };

    /**
     * @param lambdaClass a serializable lambda's class
     * @return whether it implements an interface besides its functional interface and {@code Serializable}
     *     (an intersection cast's marker): such a lambda takes the JDK's form, as one without may be rebuilt
     *     from the fast form without its capturing class ({@link FastReader#decodeFromParent})
     */
    private static boolean hasMarkers(Class<?> lambdaClass) {
        Class<?>[] interfaces = lambdaClass.getInterfaces();
        for (int i = 1; i < interfaces.length; i++) {
            if (interfaces[i] != Serializable.class) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return SerializedLambda's readResolve, (Object) -> Object, or null if this JDK does not offer it; looked
     *     up on first use (the reflective lookup and the handle's adaptation cost a fresh JVM 3–10 ms)
     */
    static MethodHandle lambdaReadResolve() {
        return ReadResolve.HANDLE;
    }

    private static final class ReadResolve {
        static final MethodHandle HANDLE = lookUp();

        private static MethodHandle lookUp() {
            MethodHandle mh = serializationHook("readResolveForSerialization", SerializedLambda.class);
            return mh == null ? null : mh.asType(MethodType.methodType(Object.class, Object.class));
        }
    }

    /**
     * Per capturing class: its {@code $deserializeLambda$}, (SerializedLambda) -> Object, which
     * {@code SerializedLambda.readResolve} calls reflectively; null where mp4j may not reach it (a package
     * that a named module does not open to mp4j's) or the class has none, and readResolve is then the way.
     * Called directly, a fresh JVM's first lambda costs one method handle of a common shape, not the
     * reflective call's adapters.
     */
    static final ClassValue<MethodHandle> LAMBDA_DESERIALIZER = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            try {
                return lookupIn(type).findStatic(type, "$deserializeLambda$",
                        MethodType.methodType(Object.class, SerializedLambda.class));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }
    };

    /**
     * @param type a class
     * @return a lookup with private access to it (a named mp4j module first reads its module, as it reads
     *     no application module otherwise)
     * @throws IllegalAccessException if its package is not open to mp4j
     */
    private static MethodHandles.Lookup lookupIn(Class<?> type) throws IllegalAccessException {
        FastFormat.class.getModule().addReads(type.getModule());
        return MethodHandles.privateLookupIn(type, MethodHandles.lookup());
    }

    /**
     * A class's private serialization method as JDK serialization reaches it, through
     * {@code sun.reflect.ReflectionFactory} (module jdk.unsupported, exported for serialization libraries).
     * Reflection keeps javac's "internal proprietary API" warning, which cannot be suppressed, out of the
     * build; this runs once per class.
     *
     * @return the method handle, or null if the class has no such method or this JDK lacks the API
     */
    private static MethodHandle serializationHook(String factoryMethod, Class<?> type) {
        try {
            Class<?> factoryClass = Class.forName("sun.reflect.ReflectionFactory");
            Object factory = factoryClass.getMethod("getReflectionFactory").invoke(null);
            return (MethodHandle) factoryClass.getMethod(factoryMethod, Class.class).invoke(factory, type);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
