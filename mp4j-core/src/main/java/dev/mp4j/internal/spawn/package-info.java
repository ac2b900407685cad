/**
 * Launching a child JVM and the launch protocol, both ends: the parent starts the JVM and hands it a job,
 * the child connects back, runs the job and reports how it ended. Nothing here knows what runs in a child:
 * the layer above names the child's main class ({@link dev.mp4j.internal.spawn.Launch.Spec#main}) and each
 * job's form begins with a mark that the child's main class maps to the job ({@link dev.mp4j.internal.spawn.JobForm}).
 *
 * <pre>
 *   parent JVM                                                    child JVM (the spec's main class)
 *   Launch.begin(spec) --&gt; java [AotCache options] ... main
 *     stdin:  LaunchHeader (FIFO, parent pid, spare, ...)  ------&gt;  reads it; watches the parent's pid
 *     Rendezvous.admit: makes the FIFO (named in the
 *       header before it is there), opens its reading end &lt;- HELLO -  opens the FIFO once it is there: Child's channel
 *   ChildJvm (forkserver: Spares.take hands over one booted ahead)
 *     sendJob: [FILTER] JOB (a JobForm)  ----------------------&gt;  decodes the job by its mark
 *     readUntilExit:                       &lt;---- TERM_DEFAULT --  SIGTERM's default is in place
 *       the job's frames to the caller     &lt;---- job frames ----  Job.run(Child): a pool's results
 *       EXIT n / SYSEXIT, then the status  &lt;---- EXIT n --------  Child.reportExit; SYSEXIT from System.exit
 *     = Python's exit code (ChildJvm.exitCode: -N for a death by signal N)
 * </pre>
 * Frames on the control channel begin with a {@link dev.mp4j.internal.wire.Tags tag}. {@link
 * dev.mp4j.internal.spawn.Identity} is who this process is (name, authkey, parent, the counter that numbers its
 * children, the level it logs at): a job carries the parent's on, and {@link dev.mp4j.internal.spawn.Child#become}
 * makes it the child's. {@link dev.mp4j.internal.spawn.AotCache} gives children an AOT cache, trained by a
 * detached JVM of the same main class.
 */
package dev.mp4j.internal.spawn;
