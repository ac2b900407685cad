package dev.mp4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A task a pool's worker ran, or was to run (a chunk of a map is one task). Off unless enabled by name. */
@Name("dev.mp4j.Task")
@Label("mp4j Task")
@Category("mp4j")
@Description("A task of a pool: a call, or a chunk of a map")
@StackTrace(false)
@Enabled(false)
final class TaskEvent extends jdk.jfr.Event {
    @Label("Executor")
    String executor;

    @Label("Worker PID")
    @Description("-1 for a worker thread, or a task that never reached a worker")
    long workerPid;

    @Label("Queued (ms)")
    @Description("From submit to the task's sending to a worker")
    double queuedMillis;

    @Label("Run (ms)")
    @Description("How long the worker ran it")
    double runMillis;

    @Label("Bytes In")
    @Description("The task's size as sent to the worker")
    @DataAmount
    long bytesIn;

    @Label("Bytes Out")
    @Description("The result's size as the worker sent it")
    @DataAmount
    long bytesOut;

    @Label("Outcome")
    @Description("result, error, cancelled, timeout or lost")
    String outcome;
}
