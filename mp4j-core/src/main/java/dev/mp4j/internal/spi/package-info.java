/**
 * What mp4j's public facades are built on where more than one implementation stands behind them, and the
 * seam through which other packages (and, by qualified export, mp4j's own later modules) make those facades.
 *
 * <pre>
 *   Context (sealed) --+-- JvmContext     Multiprocessing's "spawn"/"forkserver" contexts; a Launcher for the pools
 *                      +-- DummyContext   threads of this JVM (dev.mp4j.internal.dummy)
 *
 *   Pool (checks and collects the arguments) --&gt; PoolStrategy --+-- EngineStrategy   this JVM's PoolEngine:
 *        ThreadPool                                               |                   worker JVMs or threads
 *                                                                 +-- PoolProxy        a manager's server pool
 *   SyncManager.pool() --&gt; Pools.forwardingTo(PoolProxy) --&gt; a Pool, sent to other processes as its strategy
 *
 *   AsyncResult &lt;-- SettableResult --+-- PoolResults.ApplyResult   ready after its callback, on the result handler
 *                                   +-- PoolProxy.CallbackResult  ready after its callback, on a thread of its own
 * </pre>
 * Code given a {@code Context} tells its kind by an exhaustive {@code switch} over the two; code that needs a
 * {@code Pool} over another strategy asks {@link dev.mp4j.internal.spi.Pools}, since {@code Pool} has no public
 * constructor for one.
 */
package dev.mp4j.internal.spi;
