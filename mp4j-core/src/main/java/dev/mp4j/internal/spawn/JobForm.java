package dev.mp4j.internal.spawn;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.wire.Codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;

/**
 * The form every job travels in: a mark byte that names the kind of job, then the fields through
 * {@link DataOutputStream}, the user's objects (a target, an initializer) through the codec. A child reads
 * it without starting JDK deserialization and the JDK's serial filter configuration (20–40 ms of a fresh
 * JVM) unless a user's object needs it. A reader bounds every length by the form's size and refuses bytes
 * left over.
 *
 * <p>The marks are the only thing launching knows of the jobs: the child's main class maps each to the
 * job's decoder, and refuses any other first byte.
 */
public final class JobForm {
    /** The mark of the job of a child started by {@code Process.start()}. */
    public static final byte PROCESS = 0x02;
    /** The mark of a pool worker's job. */
    public static final byte WORKER = 0x03;

    private JobForm() {}

    /** Writes a form. */
    public static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        private final DataOutputStream out = new DataOutputStream(bytes);

        /**
         * @param mark the form's first byte
         * @throws IOException never, in practice (an in-memory stream)
         */
        public Writer(byte mark) throws IOException {
            out.writeByte(mark);
        }

        /** @return the stream to write the fields to */
        public DataOutputStream out() {
            return out;
        }

        /**
         * @param b bytes, written as their length and themselves
         * @throws IOException never, in practice
         */
        public void bytes(byte[] b) throws IOException {
            out.writeInt(b.length);
            out.write(b);
        }

        /**
         * @param level a log level, or null
         * @throws IOException never, in practice
         */
        public void level(System.Logger.Level level) throws IOException {
            out.writeUTF(level == null ? "" : level.name());
        }

        /**
         * @param r a runnable, or null, written in the codec's form
         * @throws IOException if it cannot be serialized (NotSerializableException naming the class)
         */
        public void runnable(SerializableRunnable r) throws IOException {
            bytes(Codec.encode(r));
        }

        /** @return the form */
        public byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }

    /** Reads a form that a {@link Writer} wrote. */
    public static final class Reader {
        private final DataInputStream in;
        private final int size;
        private final String what;

        /**
         * @param form the form
         * @param mark the first byte it must have
         * @param what what it is, for errors ("the job of a process")
         * @throws IOException if it does not start with {@code mark}
         */
        public Reader(byte[] form, byte mark, String what) throws IOException {
            this.in = new DataInputStream(new ByteArrayInputStream(form));
            this.size = form.length;
            this.what = what;
            if (form.length == 0 || in.readByte() != mark) {
                throw new StreamCorruptedException("not the form of " + what);
            }
        }

        /** @return the stream to read the fields from */
        public DataInputStream in() {
            return in;
        }

        /**
         * @param unit the bytes each element takes at least
         * @return a length, checked against what the form can hold
         * @throws IOException if it is negative or more than the form holds
         */
        public int length(int unit) throws IOException {
            int n = in.readInt();
            if (n < 0 || n > size / unit) {
                throw new StreamCorruptedException("a length of " + n + " in " + what);
            }
            return n;
        }

        /**
         * @return bytes that {@link Writer#bytes} wrote
         * @throws IOException on a damaged form
         */
        public byte[] bytes() throws IOException {
            byte[] b = new byte[length(1)];
            in.readFully(b);
            return b;
        }

        /**
         * @return a log level that {@link Writer#level} wrote, or null; found among the levels by name, not by
         *     {@code Level.valueOf}, whose first call builds the enum's directory through a reflective call of
         *     {@code values()}: 0.3-0.4 ms of a forkserver child between its job's arrival and its run
         * @throws IOException on a damaged form, or a name that is no level
         */
        public System.Logger.Level level() throws IOException {
            return levelNamed(in.readUTF());
        }

        /**
         * @param name a level's name as {@link Writer#level} writes it
         * @return the level, or null for an empty name; found among the levels by name, not by
         *     {@code Level.valueOf} (see {@link #level()})
         * @throws StreamCorruptedException for a name that is no level
         */
        public static System.Logger.Level levelNamed(String name) throws StreamCorruptedException {
            if (name.isEmpty()) {
                return null;
            }
            for (System.Logger.Level level : System.Logger.Level.values()) {
                if (level.name().equals(name)) {
                    return level;
                }
            }
            throw new StreamCorruptedException("not a log level: " + name);
        }

        /**
         * @param role what the runnable is, for errors ("the target of a process")
         * @return a runnable that {@link Writer#runnable} wrote, or null, decoded as a child decodes what its
         *     parent sent ({@link Codec#decodeFromParent})
         * @throws IOException on a damaged form, or an object that is not a runnable
         * @throws ClassNotFoundException naming a class this JVM cannot load
         */
        public SerializableRunnable runnable(String role) throws IOException, ClassNotFoundException {
            Object r = Codec.decodeFromParent(bytes());
            if (r != null && !(r instanceof SerializableRunnable)) {
                throw new StreamCorruptedException(role + " is a " + r.getClass().getName());
            }
            return (SerializableRunnable) r;
        }

        /** @throws IOException if bytes are left over */
        public void end() throws IOException {
            if (in.available() > 0) {
                throw new StreamCorruptedException(what + " has " + in.available() + " bytes too many");
            }
        }
    }
}
