package dev.mp4j.multiprocessing;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.spawn.Child;
import dev.mp4j.internal.spawn.Job;
import dev.mp4j.internal.spawn.JobForm;
import dev.mp4j.internal.util.KeepAlive;
import dev.mp4j.internal.wire.Codec;

import java.io.IOException;
import java.io.Serial;

/**
 * The job of a child started by {@link Process#start()}: become that process, run it, and (as Python's
 * child does) wait for the non-daemon threads it started before exiting.
 *
 * <p>An instance of a subclass of {@code Process} travels whole, by JDK serialization (its class may add
 * state and a {@code readObject}). A plain {@code Process} travels as its fields ({@link Plain}).
 */
final class ProcessJob implements Job {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Process process;
    private final String parentName;
    private final long parentPid;
    private final System.Logger.Level logLevel;
    private final String startMethod;

    private ProcessJob(Process process, String parentName, long parentPid, String startMethod) {
        this.process = process;
        this.parentName = parentName;
        this.parentPid = parentPid;
        this.logLevel = Multiprocessing.stderrLevel();
        this.startMethod = startMethod;
    }

    /**
     * @param process the process to become in the child
     * @param parentName the name of this (the parent) process
     * @param parentPid this JVM's pid
     * @param startMethod the start method, which the child takes as its own default
     * @return the job that runs {@code process} in a child
     */
    static Job of(Process process, String parentName, long parentPid, String startMethod) {
        if (process.getClass() == Process.class) {
            return new Plain(process.target(), process.identity(), process.name(), process.isDaemon(),
                    process.authkey(), parentName, parentPid, Multiprocessing.stderrLevel(), startMethod);
        }
        return new ProcessJob(process, parentName, parentPid, startMethod);
    }

    /**
     * @param job a job {@link #of} made
     * @return its form for a child's JOB frame: {@link Plain#encode}'s, or the codec's
     * @throws IOException if it cannot be serialized (NotSerializableException naming the class)
     */
    static byte[] encode(Job job) throws IOException {
        return job instanceof Plain plain ? plain.encode() : Codec.encode(job);
    }

    @Override
    public int run(Child child) {
        return runAs(process, parentName, parentPid, logLevel, startMethod);
    }

    /**
     * A plain {@code Process}, field by field, in a {@link JobForm}: the child reads the target alone
     * through {@link Codec} (a lambda or a record takes its fast form there). Not the codec's record form
     * for the whole job: cold, its reader builds method handles, which cost a child 40 ms of generated
     * classes.
     *
     * @param target what the process runs; null for nothing
     * @param identity its identity (Python's {@code _identity})
     * @param name its name
     * @param daemon whether it is a daemon
     * @param authkey its authentication key
     * @param parentName the parent's process name
     * @param parentPid the parent's pid
     * @param logLevel the level the parent logs to stderr at, or null for none
     * @param startMethod the parent's start method
     */
    record Plain(SerializableRunnable target, int[] identity, String name, boolean daemon, byte[] authkey,
                 String parentName, long parentPid, System.Logger.Level logLevel, String startMethod)
            implements Job {
        static final byte MARK = JobForm.PROCESS;

        /** @return {@link #MARK}, then the fields; the target last (see {@link JobForm}) */
        byte[] encode() throws IOException {
            JobForm.Writer w = new JobForm.Writer(MARK);
            w.out().writeInt(identity.length);
            for (int i : identity) {
                w.out().writeInt(i);
            }
            w.out().writeUTF(name);
            w.out().writeBoolean(daemon);
            w.bytes(authkey);
            w.out().writeUTF(parentName);
            w.out().writeLong(parentPid);
            w.level(logLevel);
            w.out().writeUTF(startMethod);
            w.runnable(target);
            return w.toByteArray();
        }

        /**
         * @param bytes what {@link #encode} made
         * @return the job
         * @throws IOException if {@code bytes} is not such a form, or its target cannot be decoded
         * @throws ClassNotFoundException naming a class of the target this JVM cannot load
         */
        static Plain decode(byte[] bytes) throws IOException, ClassNotFoundException {
            JobForm.Reader r = new JobForm.Reader(bytes, MARK, "the job of a process");
            int[] identity = new int[r.length(4)];
            for (int i = 0; i < identity.length; i++) {
                identity[i] = r.in().readInt();
            }
            String name = r.in().readUTF();
            boolean daemon = r.in().readBoolean();
            byte[] authkey = r.bytes();
            String parentName = r.in().readUTF();
            long parentPid = r.in().readLong();
            System.Logger.Level logLevel = r.level();
            String startMethod = r.in().readUTF();
            SerializableRunnable target = r.runnable("the target of a process");
            r.end();
            return new Plain(target, identity, name, daemon, authkey, parentName, parentPid, logLevel, startMethod);
        }

        /** @return the process this job becomes in the child */
        Process process() {
            return new Process(target, name, daemon, authkey, identity);
        }

        @Override
        public int run(Child child) {
            return runAs(process(), parentName, parentPid, logLevel, startMethod);
        }
    }

    private static int runAs(Process process, String parentName, long parentPid, System.Logger.Level logLevel,
                             String startMethod) {
        process.becomeCurrent(ProcessHandle.current().pid());
        Multiprocessing.becomeChild(process, new ParentProcess(parentName, parentPid, process.authkey()));
        KeepAlive.lingerOff();
        Multiprocessing.setStartMethod(startMethod, true); // as CPython's spawn preparation does
        if (logLevel != null) {
            Multiprocessing.logToStderr(logLevel);
        }
        int code = 0;
        try {
            Multiprocessing.log(System.Logger.Level.INFO, () -> "child process calling self.run()");
            process.run();
        } catch (Throwable t) {
            System.err.println("Process " + process.name() + ":");
            t.printStackTrace();
            code = 1;
        }
        awaitNonDaemonThreads();
        int exitCode = code;
        Multiprocessing.log(System.Logger.Level.INFO, () -> "process exiting with exitcode " + exitCode);
        return code;
    }

    /** Python's {@code threading._shutdown()}: the child lives until its non-daemon threads end. */
    private static void awaitNonDaemonThreads() {
        while (true) {
            Thread other = Child.nonDaemonThreadBesides(Thread.currentThread());
            if (other == null) {
                return;
            }
            try {
                other.join();
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
