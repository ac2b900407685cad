/**
 * The child JVM's composition root: the one place that knows every part of a child, the launch protocol
 * below it ({@code internal.spawn}) and the jobs above it (a {@code Process}'s, a pool worker's), with the
 * warm-up of a forkserver spare and the training of the children's AOT cache. The parent names
 * {@link dev.mp4j.internal.child.Bootstrap} as the children's main class.
 *
 * <pre>
 *   Bootstrap.main
 *     prepare thread: SIGTERM's default, the codec's reader, the parent's resource tracker, the classes
 *                     every job runs with (a spare: the descriptors of its objects' classes, the natives)
 *     LaunchHeader from stdin --&gt; watch the parent's pid --&gt; open the FIFO, HELLO
 *       (a spare: Warmup.exercise while it waits for its job)
 *     [FILTER] --&gt; the serial filter; JOB --&gt; Jobs.decode, by the form's mark:
 *       PROCESS: ProcessJob  --&gt; Jobs.runProcess: Child.become, run the target or the Process sent whole,
 *                                wait for the non-daemon threads it started
 *       WORKER:  WorkerJob   --&gt; WorkerJob.run: Child.becomeChild, the pool's task loop until QUIT
 *     TERM_DEFAULT, Job.run(Child) --&gt; exit code --&gt; EXIT code (Child.reportExit) --&gt; exit
 *   Bootstrap.main --aot-training classes...
 *     AotTrainer: parent and child in one JVM over two FIFOs (a process's job, a worker's with one task),
 *                 then the warm-up; the JVM writes the AOT cache as it exits
 * </pre>
 * {@code Process.start()} makes the {@link dev.mp4j.internal.child.ProcessJob}; a pool's {@code JvmBackend}
 * makes the {@code WorkerJob}.
 */
package dev.mp4j.internal.child;
