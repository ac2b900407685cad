/**
 * Python's {@code concurrent.futures}: {@link dev.mp4j.futures.Future}, the {@link dev.mp4j.futures.Executor}
 * interface, {@link dev.mp4j.futures.ThreadPoolExecutor}, and the module functions
 * {@link dev.mp4j.futures.Futures#wait} and {@link dev.mp4j.futures.Futures#asCompleted}.
 *
 * <p>Data flow of a thread pool:
 * <pre>
 *   submit(fn) --&gt; Task (the Future itself) --&gt; work queue --&gt; worker thread
 *        worker: setRunningOrNotifyCancel() ? run fn : notify waiters of the cancellation
 *                complete(result | exception) --&gt; waiters (wait/asCompleted), then done callbacks
 * </pre>
 */
package dev.mp4j.futures;
