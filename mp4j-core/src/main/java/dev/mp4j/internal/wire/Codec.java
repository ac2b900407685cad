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

    private Codec() {}

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
     * @param filter the filter to apply, or null for {@link #DEFAULT_FILTER}
     * @return the object
     * @throws ClassNotFoundException naming a class this JVM cannot load
     * @throws InvalidClassException if the filter rejects the stream
     * @throws IOException on a corrupt stream
     */
    public static Object decode(byte[] bytes, ObjectInputFilter filter) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new LoaderAwareInput(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(filter != null ? filter : DEFAULT_FILTER);
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
