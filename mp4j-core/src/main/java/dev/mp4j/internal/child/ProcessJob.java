package dev.mp4j.internal.child;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.spawn.JobForm;
import dev.mp4j.internal.wire.Codec;

import java.io.IOException;
import java.io.Serializable;
import java.io.StreamCorruptedException;
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
        JobForm.Writer w = new JobForm.Writer(JobForm.PROCESS);
        w.int32(identity.length);
        for (int i : identity) {
            w.int32(i);
        }
        w.utf(name);
        w.bool(daemon);
        w.bytes(authkey);
        w.utf(parentName);
        w.int64(parentPid);
        w.level(logLevel);
        w.utf(startMethod);
        w.bool(whole != null);
        w.bytes(whole != null ? Codec.encode(whole) : targetForm(target));
        w.level(lifecycleLevel);
        return w.toByteArray();
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
        JobForm.Reader r = new JobForm.Reader(form, JobForm.PROCESS, "the job of a process");
        int[] identity = new int[r.length(4)];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = r.int32();
        }
        String name = r.utf();
        boolean daemon = r.bool();
        byte[] authkey = r.bytes();
        String parentName = r.utf();
        long parentPid = r.int64();
        System.Logger.Level logLevel = r.level();
        String startMethod = r.utf();
        SerializableRunnable target = null;
        Serializable whole = null;
        if (r.bool()) {
            Object o = r.object();
            if (!(o instanceof Serializable s)) {
                throw new StreamCorruptedException("the process of a job is "
                        + (o == null ? "null" : "a " + o.getClass().getName()));
            }
            whole = s;
        } else {
            target = r.runnable("the target of a process");
        }
        System.Logger.Level lifecycleLevel = r.level();
        r.end();
        return new ProcessJob(identity, name, daemon, authkey, parentName, parentPid, logLevel, lifecycleLevel, startMethod, target,
                whole);
    }
}
