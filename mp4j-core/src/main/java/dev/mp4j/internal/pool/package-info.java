/**
 * The pool engine shared by {@code ProcessPoolExecutor}, {@code Pool} and {@code ThreadPool}.
 *
 * <pre>
 *   front end (Future / AsyncResult / imap)            PoolEngine                     Backend
 *   submit(task, Completion) --&gt; prepare (serialize) --&gt; pending --assign--&gt; Link.send --&gt; worker JVM | thread
 *   Completion.finish        &lt;-- onResult              &lt;-- Worker.result  &lt;-- RESULT frame | TaskRunner
 *                                                       &lt;-- Worker.gone: BREAK (BrokenProcessPool for all)
 *                                                                         or REPLACE (WorkerLostError for its task)
 * </pre>
 * {@link dev.mp4j.internal.pool.PoolFrames} is the protocol with a worker JVM, {@link dev.mp4j.internal.pool.WorkerJob}
 * the worker JVM's loop; {@code TaskRunner} runs a task the same way in a worker JVM and on a worker thread.
 */
package dev.mp4j.internal.pool;
