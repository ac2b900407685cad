package dev.mp4j.multiprocessing;

import dev.mp4j.internal.spawn.Child;
import dev.mp4j.internal.spawn.Job;
import dev.mp4j.internal.util.KeepAlive;

import java.io.Serial;

/**
 * The job of a child started by {@link Process#start()}: become that process, run it, and (as Python's
 * child does) wait for the non-daemon threads it started before exiting.
 */
final class ProcessJob implements Job {
    @Serial
    private static final long serialVersionUID = 1L;

    private final Process process;
    private final String parentName;
    private final long parentPid;
    private final System.Logger.Level logLevel;
    private final String startMethod;

    ProcessJob(Process process, String parentName, long parentPid, String startMethod) {
        this.process = process;
        this.parentName = parentName;
        this.parentPid = parentPid;
        this.logLevel = Multiprocessing.stderrLevel();
        this.startMethod = startMethod;
    }

    @Override
    public int run(Child child) {
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
        Thread self = Thread.currentThread();
        while (true) {
            Thread other = null;
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t != self && !t.isDaemon() && t.isAlive() && !"DestroyJavaVM".equals(t.getName())) {
                    other = t;
                    break;
                }
            }
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
