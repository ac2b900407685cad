package dev.mp4j.internal.jfr;

import jdk.jfr.FlightRecorder;

/**
 * Commits mp4j's JFR events. While Flight Recorder has not been started in this JVM (no recording, now or
 * before), nothing of JFR is touched beyond {@link FlightRecorder#isInitialized()}, a static field read: the
 * first use of an event class registers it with JFR, which loads several hundred classes (seconds on a
 * loaded 2-core machine). Once JFR is up, each event's {@code isEnabled()} is read on a probe instance made
 * once (the method reads only the event type's static state), so a disabled event costs a field read and a
 * branch either way: no allocation, no clock. Callers that must do work to fill an event (read the clock at
 * submit, say) ask {@link #taskEnabled()} first. A recording started later (say with {@code jcmd JFR.start})
 * gets the events from then on: JFR applies its settings when the event types register.
 */
public final class Events {
    private Events() {}

    /** The probes, made (and the event types registered) on first use once JFR is up. */
    private static final class Probes {
        static final TaskEvent TASK = new TaskEvent();
        static final WorkerStartEvent WORKER_START = new WorkerStartEvent();
        static final WorkerExitEvent WORKER_EXIT = new WorkerExitEvent();
        static final SpawnFailureEvent SPAWN_FAILURE = new SpawnFailureEvent();

        private Probes() {}
    }

    /** @return whether a recording takes {@code dev.mp4j.Task} events now */
    public static boolean taskEnabled() {
        return FlightRecorder.isInitialized() && Probes.TASK.isEnabled();
    }

    /**
     * Commits a {@code dev.mp4j.Task} event, if enabled.
     *
     * @param executor which pool
     * @param workerPid the worker's pid; -1 for a thread or none
     * @param submitNanos {@link System#nanoTime()} at submit; 0 when not read (the event was off then)
     * @param sentNanos {@link System#nanoTime()} when it went to a worker; 0 when not read or not sent
     * @param runNanos how long the worker ran it; -1 when not known
     * @param bytesIn the task's size as sent
     * @param bytesOut the result's size as received
     * @param outcome result, error, cancelled, timeout or lost
     */
    public static void task(String executor, long workerPid, long submitNanos, long sentNanos, long runNanos,
                            long bytesIn, long bytesOut, String outcome) {
        if (!taskEnabled()) {
            return;
        }
        TaskEvent e = new TaskEvent();
        if (e.shouldCommit()) {
            e.executor = executor;
            e.workerPid = workerPid;
            e.queuedMillis = submitNanos != 0 && sentNanos != 0 ? millis(sentNanos - submitNanos) : 0;
            e.runMillis = runNanos >= 0 ? millis(runNanos)
                    : sentNanos != 0 ? millis(System.nanoTime() - sentNanos) : 0;
            e.bytesIn = bytesIn;
            e.bytesOut = bytesOut;
            e.outcome = outcome;
            e.commit();
        }
    }

    /**
     * Commits a {@code dev.mp4j.WorkerStart} event, if enabled.
     *
     * @param processName the child's name
     * @param pid its pid
     * @param startMethod spawn or forkserver
     * @param bootNanos from the request for a child to the child holding its job
     * @param process the child's OS process, to tell whether it runs on an AOT cache
     */
    public static void workerStart(String processName, long pid, String startMethod, long bootNanos,
                                   ProcessHandle process) {
        if (!FlightRecorder.isInitialized() || !Probes.WORKER_START.isEnabled()) {
            return;
        }
        WorkerStartEvent e = new WorkerStartEvent();
        if (e.shouldCommit()) {
            e.processName = processName;
            e.pid = pid;
            e.startMethod = startMethod;
            e.bootMillis = millis(bootNanos);
            e.aotCache = usesAotCache(process);
            e.commit();
        }
    }

    /**
     * Commits a {@code dev.mp4j.WorkerExit} event, if enabled.
     *
     * @param pid the child's pid
     * @param exitCode its exit code as Python gives it (-N for signal N)
     * @param cause normal, recycled, killed, lost or timeout
     */
    public static void workerExit(long pid, int exitCode, String cause) {
        if (!FlightRecorder.isInitialized() || !Probes.WORKER_EXIT.isEnabled()) {
            return;
        }
        WorkerExitEvent e = new WorkerExitEvent();
        if (e.shouldCommit()) {
            e.pid = pid;
            e.exitCode = exitCode;
            e.signal = exitCode < 0 ? -exitCode : 0;
            e.cause = cause;
            e.commit();
        }
    }

    /**
     * Commits a {@code dev.mp4j.SpawnFailure} event, if enabled.
     *
     * @param reason why the child could not be started
     */
    public static void spawnFailure(String reason) {
        if (!FlightRecorder.isInitialized() || !Probes.SPAWN_FAILURE.isEnabled()) {
            return;
        }
        SpawnFailureEvent e = new SpawnFailureEvent();
        if (e.shouldCommit()) {
            e.reason = reason;
            e.commit();
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** @return whether the process was started with an AOT cache (its command line names one) */
    private static boolean usesAotCache(ProcessHandle process) {
        if (process == null) {
            return false;
        }
        for (String arg : process.info().arguments().orElse(new String[0])) {
            if (arg.startsWith("-XX:AOTCache=")) {
                return true;
            }
        }
        return false;
    }
}
