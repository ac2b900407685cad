package dev.mp4j.internal.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * How objects become bytes and back: JDK serialization, behind this one class so that a faster form can
 * replace it later. Every inbound stream passes an {@link ObjectInputFilter}: the caller's, or by default
 * one that bounds depth, references and array sizes (the JDK's own meaning of an undecided status holds).
 */
public final class Codec {
    /** The default limits on inbound object graphs. */
    public static final ObjectInputFilter DEFAULT_FILTER =
            ObjectInputFilter.Config.createFilter("maxdepth=10000;maxrefs=50000000;maxarray=2147483639");

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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(obj);
        }
        return bytes.toByteArray();
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
        try (ObjectInputStream in = new LoaderAwareInput(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(filter != null ? filter : processFilter);
            return in.readObject();
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
