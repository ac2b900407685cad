package dev.mp4j.internal.jfr;

import jdk.jfr.Category;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A child JVM could not be started. */
@Name("dev.mp4j.SpawnFailure")
@Label("mp4j Spawn Failure")
@Category("mp4j")
@StackTrace(false)
final class SpawnFailureEvent extends jdk.jfr.Event {
    @Label("Reason")
    String reason;
}
