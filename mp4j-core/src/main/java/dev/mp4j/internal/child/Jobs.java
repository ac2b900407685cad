package dev.mp4j.internal.child;

import dev.mp4j.internal.pool.WorkerJob;
import dev.mp4j.internal.spawn.Child;
import dev.mp4j.internal.spawn.Identity;
import dev.mp4j.internal.spawn.Job;
import dev.mp4j.internal.spawn.JobForm;
import dev.mp4j.internal.wire.Tags;
import dev.mp4j.internal.util.KeepAlive;
import dev.mp4j.internal.util.LifecycleLog;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;

import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.Arrays;

/**
 * How a child finds its job and runs it. A JOB frame's body is a {@link JobForm}, whose mark names the
 * kind of job: {@link JobForm#PROCESS}, a {@link ProcessJob}, which this class runs; {@link JobForm#WORKER},
 * a pool's {@link WorkerJob}, which runs itself.
 */
final class Jobs {
    private Jobs() {}

    /**
     * @param frame a JOB frame
     * @return its job
     * @throws IOException if it is no JOB frame, or not the form of a job, or a damaged one
     * @throws ClassNotFoundException naming a class of the job's objects that this JVM cannot load
     */
    static Job decode(byte[] frame) throws IOException, ClassNotFoundException {
        if (frame.length == 0 || frame[0] != Tags.JOB) {
            throw new IOException("expected a job from the parent, got tag " + (frame.length == 0 ? "none" : frame[0]));
        }
        byte[] form = Arrays.copyOfRange(frame, 1, frame.length);
        return switch (form.length == 0 ? 0 : form[0]) {
            case JobForm.PROCESS -> {
                yield new ProcessRun(ProcessJob.decode(form));
            }
            case JobForm.WORKER -> WorkerJob.decode(form);
            default -> throw new StreamCorruptedException("not the form of a job: it begins with "
                    + (form.length == 0 ? "nothing" : form[0]));
        };
    }

    /** @return the job's exit code: 1, with the trace on stderr, when it throws */
    static int run(Job job, Child child) {
        try {
            return job.run(child);
        } catch (Throwable t) {
            t.printStackTrace();
            return 1;
        }
    }

    /**
     * Becomes the job's process and runs it; then, as Python's child does, waits for the non-daemon threads it
     * started.
     *
     * @param alone set to whether, once the process ran, no other non-daemon thread was left
     * @return 0, or 1 when the process's {@code run()} threw (its trace then on stderr)
     */
    private static int runProcess(ProcessJob job, Child child, boolean[] alone) {
        LifecycleLog.inChild(job.lifecycleLevel());
        child.become(new Identity.Known(job.name(), ProcessHandle.current().pid(), job.authkey(), job.daemon(),
                        job.identity(), job.whole()),
                new Identity.Known(job.parentName(), job.parentPid(), job.authkey(), false, new int[0]),
                job.logLevel());
        Process process = Multiprocessing.currentProcess(); // the job's own, or one made of its fields
        KeepAlive.lingerOff();
        Multiprocessing.setStartMethod(job.startMethod(), true); // as CPython's spawn preparation does
        int code = 0;
        try {
            LifecycleLog.log(System.Logger.Level.INFO, new Message("child process calling self.run()", null));
            if (job.target() != null) {
                job.target().run();
            } else {
                process.run();
            }
        } catch (Throwable t) {
            System.err.println("Process " + process.name() + ":");
            t.printStackTrace();
            code = 1;
        }
        alone[0] = awaitNonDaemonThreads();
        LifecycleLog.log(System.Logger.Level.INFO, new Message("process exiting with exitcode ", code));
        return code;
    }

    /**
     * A process's job as {@link #decode} gives it. This class and {@link Message} are classes rather than
     * lambdas: a lambda the children's AOT cache does not hold (no cache yet, one still training) the JVM
     * spins a class for the first time it runs, a few tenths of a millisecond of a child between its job's
     * arrival and its exit, while these are loaded from the cache or the jar.
     */
    private static final class ProcessRun implements Job {
        private final ProcessJob job;
        /** Whether the process ran and then found no other non-daemon thread alive. */
        private final boolean[] alone = new boolean[1];

        ProcessRun(ProcessJob job) {
            this.job = job;
        }

        @Override
        public int run(Child child) {
            return runProcess(job, child, alone);
        }
    }

    /**
     * @param job a job that has run
     * @return true if it is a process's, which waited for the other non-daemon threads once its process ran
     *     and found none left (as Python's child does before it exits): its JVM may return from main without
     *     looking for them again; false if that is not known
     */
    static boolean ranAlone(Job job) {
        return job instanceof ProcessRun run && run.alone[0];
    }

    /** A lifecycle message, made only when it is logged: a text, and the exit code it ends with, if any. */
    private static final class Message implements java.util.function.Supplier<String> {
        private final String text;
        private final Integer code;

        Message(String text, Integer code) {
            this.text = text;
            this.code = code;
        }

        @Override
        public String get() {
            return code == null ? text : text.concat(String.valueOf(code));
        }
    }

    /**
     * Python's {@code threading._shutdown()}: the child lives until its non-daemon threads end.
     *
     * @return true once none is left; false if interrupted while one was
     */
    private static boolean awaitNonDaemonThreads() {
        while (true) {
            Thread other = Child.nonDaemonThreadBesides(Thread.currentThread());
            if (other == null) {
                return true;
            }
            try {
                other.join();
            } catch (InterruptedException e) {
                return false;
            }
        }
    }
}
