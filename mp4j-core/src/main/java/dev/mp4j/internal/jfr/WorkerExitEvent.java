package dev.mp4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A child JVM started by mp4j ended. */
@Name("dev.mp4j.WorkerExit")
@Label("mp4j Worker Exit")
@Category("mp4j")
@Description("A child JVM (a pool worker or a Process) ended")
@StackTrace(false)
final class WorkerExitEvent extends jdk.jfr.Event {
    @Label("PID")
    long pid;

    @Label("Exit Code")
    @Description("As Python gives it: -N for a death by signal N")
    int exitCode;

    @Label("Signal")
    @Description("The signal that ended it, 0 for none")
    int signal;

    @Label("Cause")
    @Description("normal, recycled (maxTasksPerChild or maxMemoryPerChild), killed (by mp4j: a cancel, "
            + "terminate, a broken pool), lost (ended without being asked to) or timeout (a time limit)")
    String cause;
}
