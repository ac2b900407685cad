package dev.mp4j.internal.spawn;

import java.io.IOException;

/**
 * Lets machinery outside {@code dev.mp4j.multiprocessing} (the process pools' workers) take part in its
 * bookkeeping: process names and identities, the current and parent process, logging settings. The
 * multiprocessing package installs the implementation when its {@code Multiprocessing} class initializes.
 */
public final class ProcessHooks {
    private static volatile Hooks hooks;
    private static volatile java.util.function.Supplier<byte[]> sampleJob;

    private ProcessHooks() {}

    /** The operations. */
    public interface Hooks {
        /**
         * @param kind the class-like prefix, e.g. "SpawnProcess"
         * @return a new child name, {@code kind-N1:N2...}, numbered like a new Process
         */
        String newChildName(String kind);

        /** @return the current process's name */
        String currentName();

        /** @return the current process's authkey */
        byte[] currentAuthkey();

        /** @return the level the parent logs to stderr at, or null */
        System.Logger.Level logLevel();

        /**
         * In a child: this JVM is now the process {@code name}, whose parent is {@code parentName}.
         *
         * @param name the child's name
         * @param authkey its authkey
         * @param parentName the parent's name
         * @param parentPid the parent's pid
         * @param logLevel the parent's stderr log level, or null
         */
        void becomeChild(String name, byte[] authkey, String parentName, long parentPid, System.Logger.Level logLevel);

        /**
         * @param body a JOB frame's body that starts with {@link JobForm#PROCESS}: the job of a plain
         *     {@code Process}, in a form of its own
         * @return the job
         * @throws IOException if the body is not such a form, or its target cannot be decoded
         * @throws ClassNotFoundException naming a class of the target this JVM cannot load
         */
        Job decodeProcessJob(byte[] body) throws IOException, ClassNotFoundException;
    }

    /** @param h the implementation (called once by multiprocessing) */
    public static void install(Hooks h) {
        hooks = h;
    }

    /**
     * @param s makes the body of the JOB frame of a child started by {@code Process.start()} for a target
     *     that does nothing (called once, when the {@code Process} class initializes)
     */
    public static void installSampleJob(java.util.function.Supplier<byte[]> s) {
        sampleJob = s;
    }

    /** @return the JOB frame's body for a {@code Process} whose target does nothing: what the AOT training runs */
    static byte[] sampleJob() {
        java.util.function.Supplier<byte[]> s = sampleJob;
        if (s == null) {
            new dev.mp4j.multiprocessing.Process(() -> { }).toString(); // initializes the class, which installs it
            s = sampleJob;
        }
        return s.get();
    }

    /** @return the implementation, initializing the multiprocessing package if needed */
    public static Hooks get() {
        Hooks h = hooks;
        if (h == null) {
            try {
                Class.forName("dev.mp4j.multiprocessing.Multiprocessing", true, ProcessHooks.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("mp4j's multiprocessing package is missing", e);
            }
            h = hooks;
        }
        return h;
    }
}
