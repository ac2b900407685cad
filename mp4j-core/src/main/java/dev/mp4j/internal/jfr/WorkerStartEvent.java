package dev.mp4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A child JVM started by mp4j (a pool's worker or a {@code Process}) has booted and took its job. */
@Name("dev.mp4j.WorkerStart")
@Label("mp4j Worker Start")
@Category("mp4j")
@Description("A child JVM (a pool worker or a Process) booted and took its job")
@StackTrace(false)
final class WorkerStartEvent extends jdk.jfr.Event {
    @Label("Process Name")
    String processName;

    @Label("PID")
    long pid;

    @Label("Start Method")
    String startMethod;

    @Label("Boot Time (ms)")
    @Description("From the request for a child to the child holding its job")
    double bootMillis;

    @Label("AOT Cache Used")
    boolean aotCache;
}
