/**
 * mp4j's JDK Flight Recorder events, committed in the JVM that owns the executor, pool or process (the
 * parent): {@code dev.mp4j.WorkerStart}, {@code dev.mp4j.WorkerExit}, {@code dev.mp4j.Task} and
 * {@code dev.mp4j.SpawnFailure}, in category "mp4j". {@link dev.mp4j.internal.jfr.Events} is what the rest
 * of mp4j calls: each method checks first that its event is enabled, so that with no recording (or one that
 * does not enable the event) a call allocates nothing and reads the clock never.
 */
package dev.mp4j.internal.jfr;
