package dev.mp4j.internal.spawn;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.wire.Codec;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The form every job travels in: a mark byte that names the kind of job, then the fields as
 * {@link java.io.DataOutputStream} lays them out (big-endian numbers, strings as {@code writeUTF}'s length and
 * modified UTF-8), the user's objects (a target, an initializer) through the codec. A child reads it without
 * starting JDK deserialization and the JDK's serial filter configuration (20–40 ms of a fresh JVM) unless a
 * user's object needs it. A reader bounds every length by the form's size and refuses bytes left over.
 * Written into and read from a byte array directly, not through the data streams, whose calls per byte a
 * parent that has not compiled them runs interpreted at each start, and a child between its job's arrival
 * and its run.
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
        private byte[] b = new byte[256];
        private int p;

        /** @param mark the form's first byte */
        public Writer(byte mark) {
            b[p++] = mark;
        }

        private void room(int n) {
            if (n > b.length - p) {
                b = Arrays.copyOf(b, Math.max(b.length * 2, p + n));
            }
        }

        /** @param v written as {@code DataOutputStream.writeInt} writes it */
        public void int32(int v) {
            room(4);
            b[p] = (byte) (v >>> 24);
            b[p + 1] = (byte) (v >>> 16);
            b[p + 2] = (byte) (v >>> 8);
            b[p + 3] = (byte) v;
            p += 4;
        }

        /** @param v written as {@code DataOutputStream.writeLong} writes it */
        public void int64(long v) {
            int32((int) (v >>> 32));
            int32((int) v);
        }

        /** @param v written as {@code DataOutputStream.writeBoolean} writes it */
        public void bool(boolean v) {
            room(1);
            b[p++] = (byte) (v ? 1 : 0);
        }

        /**
         * @param s written as {@code DataOutputStream.writeUTF} writes it: its length, then its modified UTF-8
         * @throws UTFDataFormatException if that is more than 65535 bytes
         */
        public void utf(String s) throws UTFDataFormatException {
            int n = s.length();
            room(2 + 3 * n);
            int at = p;
            p += 2;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c != 0 && c < 0x80) {
                    b[p++] = (byte) c;
                } else if (c < 0x800) {
                    b[p++] = (byte) (0xC0 | c >> 6 & 0x1F);
                    b[p++] = (byte) (0x80 | c & 0x3F);
                } else {
                    b[p++] = (byte) (0xE0 | c >> 12 & 0x0F);
                    b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
                    b[p++] = (byte) (0x80 | c & 0x3F);
                }
            }
            int length = p - at - 2;
            if (length > 0xFFFF) {
                p = at;
                throw new UTFDataFormatException("a string of " + length + " bytes in modified UTF-8, more than 65535");
            }
            b[at] = (byte) (length >>> 8);
            b[at + 1] = (byte) length;
        }

        /** @param a bytes, written as their length and themselves */
        public void bytes(byte[] a) {
            int32(a.length);
            room(a.length);
            System.arraycopy(a, 0, b, p, a.length);
            p += a.length;
        }

        /**
         * @param level a log level, or null (written as an empty name)
         * @throws UTFDataFormatException never: a level's name is short
         */
        public void level(System.Logger.Level level) throws UTFDataFormatException {
            utf(level == null ? "" : level.name());
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
            return Arrays.copyOf(b, p);
        }
    }

    /** Reads a form that a {@link Writer} wrote. */
    public static final class Reader {
        private final byte[] b;
        private int p;
        private final String what;

        /**
         * @param form the form
         * @param mark the first byte it must have
         * @param what what it is, for errors ("the job of a process")
         * @throws IOException if it does not start with {@code mark}
         */
        public Reader(byte[] form, byte mark, String what) throws IOException {
            this.b = form;
            this.what = what;
            if (form.length == 0 || form[0] != mark) {
                throw new StreamCorruptedException("not the form of " + what);
            }
            p = 1;
        }

        /** @return where the next {@code n} bytes begin, now skipped */
        private int take(int n) throws EOFException {
            if (n > b.length - p) {
                throw new EOFException(what + " ends early");
            }
            int at = p;
            p += n;
            return at;
        }

        /**
         * @return an int that {@link Writer#int32} wrote
         * @throws EOFException if the form ends first
         */
        public int int32() throws EOFException {
            int at = take(4);
            return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
        }

        /**
         * @return a long that {@link Writer#int64} wrote
         * @throws EOFException if the form ends first
         */
        public long int64() throws EOFException {
            return (long) int32() << 32 | int32() & 0xFFFFFFFFL;
        }

        /**
         * @return a boolean that {@link Writer#bool} wrote
         * @throws EOFException if the form ends first
         */
        public boolean bool() throws EOFException {
            return b[take(1)] != 0;
        }

        /**
         * @return a string that {@link Writer#utf} wrote: ASCII at once, anything else through
         *     {@code DataInputStream.readUTF}
         * @throws IOException if the form ends first, or it is not modified UTF-8
         */
        public String utf() throws IOException {
            int at = take(2);
            int n = (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
            int from = take(n);
            for (int i = from; i < from + n; i++) {
                if (b[i] <= 0) { // not ASCII, or a zero byte, which modified UTF-8 never has
                    return new DataInputStream(new ByteArrayInputStream(b, at, n + 2)).readUTF();
                }
            }
            return new String(b, from, n, StandardCharsets.ISO_8859_1);
        }

        /**
         * @param unit the bytes each element takes at least
         * @return a length, checked against what the form can hold
         * @throws IOException if it is negative or more than the form holds
         */
        public int length(int unit) throws IOException {
            int n = int32();
            if (n < 0 || n > b.length / unit) {
                throw new StreamCorruptedException("a length of " + n + " in " + what);
            }
            return n;
        }

        /**
         * @return bytes that {@link Writer#bytes} wrote
         * @throws IOException on a damaged form
         */
        public byte[] bytes() throws IOException {
            int n = length(1);
            int at = take(n);
            return Arrays.copyOfRange(b, at, at + n);
        }

        /**
         * @return a log level that {@link Writer#level} wrote, or null; found among the levels by name, not by
         *     {@code Level.valueOf}, whose first call builds the enum's directory through a reflective call of
         *     {@code values()}: 0.3-0.4 ms of a forkserver child between its job's arrival and its run
         * @throws IOException on a damaged form, or a name that is no level
         */
        public System.Logger.Level level() throws IOException {
            String name = utf();
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
         * @return an object that {@link Writer#bytes} wrote in the codec's form, decoded where it lies as a child
         *     decodes what its parent sent ({@link Codec#decodeFromParent})
         * @throws IOException on a damaged form
         * @throws ClassNotFoundException naming a class this JVM cannot load
         */
        public Object object() throws IOException, ClassNotFoundException {
            int n = length(1);
            return Codec.decodeFromParent(b, take(n), n);
        }

        /**
         * @param role what the runnable is, for errors ("the target of a process")
         * @return a runnable that {@link Writer#runnable} wrote, or null ({@link #object})
         * @throws IOException on a damaged form, or an object that is not a runnable
         * @throws ClassNotFoundException naming a class this JVM cannot load
         */
        public SerializableRunnable runnable(String role) throws IOException, ClassNotFoundException {
            Object r = object();
            if (r != null && !(r instanceof SerializableRunnable)) {
                throw new StreamCorruptedException(role + " is a " + r.getClass().getName());
            }
            return (SerializableRunnable) r;
        }

        /** @throws IOException if bytes are left over */
        public void end() throws IOException {
            if (p != b.length) {
                throw new StreamCorruptedException(what + " has " + (b.length - p) + " bytes too many");
            }
        }
    }
}
