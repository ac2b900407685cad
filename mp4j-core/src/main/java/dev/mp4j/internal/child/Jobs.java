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
                ProcessJob job = ProcessJob.decode(form);
                yield child -> runProcess(job, child);
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
     * @return 0, or 1 when the process's {@code run()} threw (its trace then on stderr)
     */
    static int runProcess(ProcessJob job, Child child) {
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
            LifecycleLog.log(System.Logger.Level.INFO, () -> "child process calling self.run()");
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
        awaitNonDaemonThreads();
        int exitCode = code;
        LifecycleLog.log(System.Logger.Level.INFO, () -> "process exiting with exitcode " + exitCode);
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
