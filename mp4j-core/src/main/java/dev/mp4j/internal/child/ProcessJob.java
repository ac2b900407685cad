package dev.mp4j.internal.child;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.spawn.JobForm;
import dev.mp4j.internal.wire.Codec;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.io.StreamCorruptedException;
import java.io.UTFDataFormatException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The job of a child started by {@code Process.start()}: who the child is, who its parent is, how it logs,
 * its start method, and what it runs. It travels in a {@link JobForm}:
 * <pre>
 *   byte   mark         {@link JobForm#PROCESS}
 *   int32  n            then n × int32: the identity
 *   UTF    name
 *   bool   daemon
 *   int32  n            then n bytes: the authkey
 *   UTF    parentName
 *   int64  parentPid
 *   UTF    logLevel     a System.Logger.Level's name, or empty for none
 *   UTF    startMethod
 *   bool   whole        whether the process itself follows, rather than its target
 *   int32  n            then n bytes: the codec's form of the target (a plain Process), or of the process
 *                       (a subclass of Process, sent whole: its class may add state and a readObject)
 *   UTF    lifecycleLevel  as logLevel; last, so that the parent can set it while the child boots
 *                       ({@link #withLifecycleLevel}): asking the parent's logger for it may start its
 *                       logging framework, tens of milliseconds that {@code start()} need not wait for
 * </pre>
 * A plain process's target alone goes through the codec, where a lambda or a record takes its fast form.
 * Not the codec's record form for the whole job: cold, its reader builds method handles, which cost a child
 * 40 ms of generated classes. The parent's {@code Process.start()} makes it; the child's {@link Jobs} runs it.
 *
 * @param identity the process's identity numbers (Python's {@code _identity})
 * @param name its name
 * @param daemon whether it is a daemon
 * @param authkey its authentication key
 * @param parentName the parent's process name
 * @param parentPid the parent's pid
 * @param logLevel the level the parent logs to stderr at, or null for none
 * @param lifecycleLevel the lowest level of the lifecycle messages the child logs, or null for none
 *     ({@link dev.mp4j.internal.util.LifecycleLog#levelForChildren})
 * @param startMethod the parent's start method, which the child takes as its default
 * @param target what a plain process runs, or null (for nothing, or when the process is sent whole)
 * @param whole a subclass of {@code Process}, sent whole; null for a plain process
 */
public record ProcessJob(int[] identity, String name, boolean daemon, byte[] authkey, String parentName,
                         long parentPid, System.Logger.Level logLevel, System.Logger.Level lifecycleLevel,
                         String startMethod,
                         SerializableRunnable target, Serializable whole) {
    /**
     * @return the form, the layout above
     * @throws IOException if the target or the process cannot be serialized (NotSerializableException naming
     *     the class)
     */
    public byte[] encode() throws IOException {
        byte[] body = whole != null ? Codec.encode(whole) : targetForm(target);
        String log = levelName(logLevel);
        String lifecycle = levelName(lifecycleLevel);
        int size = 1 + 4 + 4 * identity.length + utfSize(name) + 1 + 4 + authkey.length + utfSize(parentName) + 8
                + utfSize(log) + utfSize(startMethod) + 1 + 4 + body.length + utfSize(lifecycle);
        Out out = new Out(new byte[size]);
        out.b[out.p++] = JobForm.PROCESS;
        out.int32(identity.length);
        for (int i : identity) {
            out.int32(i);
        }
        out.utf(name);
        out.b[out.p++] = (byte) (daemon ? 1 : 0);
        out.bytes(authkey);
        out.utf(parentName);
        out.int32((int) (parentPid >>> 32));
        out.int32((int) parentPid);
        out.utf(log);
        out.utf(startMethod);
        out.b[out.p++] = (byte) (whole != null ? 1 : 0);
        out.bytes(body);
        out.utf(lifecycle);
        return out.b;
    }

    /**
     * The last target encoded whose form cannot change (a lambda that captures nothing: one instance per call
     * site, its form its class's constant names), and that form. A program that starts process after process
     * with the same target (a method reference, a lambda of no captures) then encodes it once: in a JVM that
     * has not compiled the codec, its writing of a lambda is about a tenth of a millisecond of each start.
     */
    private static volatile KnownTarget lastTarget;

    /**
     * A target, weakly (it keeps no class loader alive), and its codec form (never handed out: it is copied into
     * each job's form).
     */
    private static final class KnownTarget extends java.lang.ref.WeakReference<SerializableRunnable> {
        final byte[] form;

        KnownTarget(SerializableRunnable target, byte[] form) {
            super(target);
            this.form = form;
        }
    }

    /**
     * @return the codec's form of {@code target}; kept for the next job if it cannot change ({@link #lastTarget})
     * @throws IOException if it cannot be serialized
     */
    private static byte[] targetForm(SerializableRunnable target) throws IOException {
        KnownTarget known = lastTarget;
        if (known != null && target != null && known.get() == target) {
            return known.form;
        }
        byte[] form = Codec.encode(target);
        if (target != null && stateless(target.getClass())) {
            lastTarget = new KnownTarget(target, form);
        }
        return form;
    }

    /**
     * @return whether every instance of {@code c} serializes to the same bytes: a lambda's class (hidden, made
     *     by the JDK's lambda factory, whose serialized form is its constant names and its captured values) that
     *     captures nothing (has no fields)
     */
    private static boolean stateless(Class<?> c) {
        return c.isHidden() && c.getName().contains("$$Lambda") && c.getDeclaredFields().length == 0;
    }

    private static String levelName(System.Logger.Level level) {
        return level == null ? "" : level.name();
    }

    /**
     * @return the bytes {@link java.io.DataOutputStream#writeUTF} writes for {@code s}: its length, then its
     *     modified UTF-8
     * @throws UTFDataFormatException if that is more than 65535 bytes
     */
    private static int utfSize(String s) throws UTFDataFormatException {
        int n = s.length();
        int size = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c == 0) {
                size += c >= 0x800 ? 2 : 1;
            }
        }
        if (size > 0xFFFF) {
            throw new UTFDataFormatException("a string of " + size + " bytes in modified UTF-8, more than 65535");
        }
        return 2 + size;
    }

    /**
     * Writes the form into an array of its exact size, as {@link java.io.DataOutputStream} would (the reader of
     * {@link JobForm} reads it): without the stream's calls per byte, which a parent that has not compiled them
     * runs interpreted at each start.
     */
    private static final class Out {
        final byte[] b;
        int p;

        Out(byte[] b) {
            this.b = b;
        }

        void int32(int v) {
            b[p] = (byte) (v >>> 24);
            b[p + 1] = (byte) (v >>> 16);
            b[p + 2] = (byte) (v >>> 8);
            b[p + 3] = (byte) v;
            p += 4;
        }

        void bytes(byte[] a) {
            int32(a.length);
            System.arraycopy(a, 0, b, p, a.length);
            p += a.length;
        }

        /** As {@code writeUTF}; {@link #utfSize} has checked its length. */
        void utf(String s) {
            int at = p;
            p += 2;
            int n = s.length();
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
            b[at] = (byte) (length >>> 8);
            b[at + 1] = (byte) length;
        }
    }

    /**
     * @param form what {@link #encode} made of a job whose lifecycle level is null
     * @param level the lifecycle level the child gets instead, or null for none
     * @return the form of the same job with that level
     * @throws IllegalArgumentException if {@code form} does not end with a null level
     */
    public static byte[] withLifecycleLevel(byte[] form, System.Logger.Level level) {
        int n = form.length;
        if (n < 3 || form[n - 1] != 0 || form[n - 2] != 0) {
            throw new IllegalArgumentException("not the form of a job without a lifecycle level");
        }
        if (level == null) {
            return form;
        }
        byte[] name = level.name().getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(form, n + name.length);
        out[n - 2] = (byte) (name.length >>> 8);
        out[n - 1] = (byte) name.length;
        System.arraycopy(name, 0, out, n, name.length);
        return out;
    }

    /**
     * @param form what {@link #encode} made
     * @return the job
     * @throws IOException if {@code form} is not such a form, or its target or process cannot be decoded
     * @throws ClassNotFoundException naming a class of the target or process this JVM cannot load
     */
    public static ProcessJob decode(byte[] form) throws IOException, ClassNotFoundException {
        In in = new In(form);
        if (form.length == 0 || form[0] != JobForm.PROCESS) {
            throw new StreamCorruptedException("not the form of " + WHAT);
        }
        in.p = 1;
        int[] identity = new int[in.length(4)];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = in.int32();
        }
        String name = in.utf();
        boolean daemon = in.bool();
        byte[] authkey = new byte[in.length(1)];
        in.take(authkey.length);
        System.arraycopy(form, in.p - authkey.length, authkey, 0, authkey.length);
        String parentName = in.utf();
        long parentPid = (long) in.int32() << 32 | in.int32() & 0xFFFFFFFFL;
        System.Logger.Level logLevel = in.level();
        String startMethod = in.utf();
        boolean sentWhole = in.bool();
        int n = in.length(1);
        int at = in.take(n);
        SerializableRunnable target = null;
        Serializable whole = null;
        if (sentWhole) {
            Object o = Codec.decodeFromParent(form, at, n);
            if (!(o instanceof Serializable s)) {
                throw new StreamCorruptedException("the process of a job is "
                        + (o == null ? "null" : "a " + o.getClass().getName()));
            }
            whole = s;
        } else {
            Object r = Codec.decodeFromParent(form, at, n);
            if (r != null && !(r instanceof SerializableRunnable)) {
                throw new StreamCorruptedException("the target of a process is a " + r.getClass().getName());
            }
            target = (SerializableRunnable) r;
        }
        System.Logger.Level lifecycleLevel = in.level();
        if (in.p != form.length) {
            throw new StreamCorruptedException(WHAT + " has " + (form.length - in.p) + " bytes too many");
        }
        return new ProcessJob(identity, name, daemon, authkey, parentName, parentPid, logLevel, lifecycleLevel, startMethod, target,
                whole);
    }

    private static final String WHAT = "the job of a process";

    /**
     * Reads what {@link #encode} wrote, as {@link JobForm.Reader} would (every length bounded by what the form
     * holds, a truncated form an {@link EOFException}), without a stream's calls per byte: a child runs this
     * interpreted between its job's arrival and its run.
     */
    private static final class In {
        private final byte[] b;
        int p;

        In(byte[] b) {
            this.b = b;
        }

        /** @return where the next {@code n} bytes begin, skipped */
        int take(int n) throws EOFException {
            if (n > b.length - p) {
                throw new EOFException(WHAT + " ends early");
            }
            int at = p;
            p += n;
            return at;
        }

        int int32() throws EOFException {
            int at = take(4);
            return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | b[at + 3] & 0xFF;
        }

        boolean bool() throws EOFException {
            return b[take(1)] != 0;
        }

        /** @return a length, checked against what the form can hold of elements of {@code unit} bytes */
        int length(int unit) throws IOException {
            int n = int32();
            if (n < 0 || n > b.length / unit) {
                throw new StreamCorruptedException("a length of " + n + " in " + WHAT);
            }
            return n;
        }

        /** @return a string as {@code readUTF} reads it: ASCII at once, anything else through it */
        String utf() throws IOException {
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
         * @return a log level written by its name, or null for an empty one; found among the levels by name,
         *     not by {@code Level.valueOf}, whose first call builds the enum's directory through a reflective
         *     call of {@code values()}: 0.3-0.4 ms of a forkserver child between its job's arrival and its run
         */
        System.Logger.Level level() throws IOException {
            return JobForm.Reader.levelNamed(utf());
        }
    }
}
