/**
 * The thread-backed synchronization primitives ({@code Threading}'s, and a dummy context's), and the parts of
 * their algorithms that the cross-process ones of {@code dev.mp4j.internal.sync} share.
 *
 * <pre>
 *  dev.mp4j.threading interfaces (defaults)         implementations (one timed form each)
 *  Lock, Semaphore: acquire(), acquire(block), enter() --&gt; acquire(Duration)
 *                                 ThreadLock, ThreadRLock, ThreadSemaphore --&gt; TimedSync: AQS, try once, then wait
 *  Condition: await(), awaitFor, signal(), signalAll --&gt; await(Duration), signal(n)
 *                                 ThreadCondition, ProcessCondition --&gt; AbstractCondition: CPython's wait
 *                                 (enqueue, releaseSave, waitFor, acquireRestore) over the waiters they keep
 *  Barrier: await() --&gt; await(Duration)
 *                                 ThreadBarrier, ProcessBarrier --&gt; AbstractBarrier: CPython's state machine
 *                                 over two words (in this JVM, or in shared memory)
 *  Event: await() --&gt; await(Duration)  ThreadEvent: a flag and a generation under a ReentrantLock
 * </pre>
 * {@link dev.mp4j.internal.threads.OwnershipLock} is what a condition needs of its lock, {@link
 * dev.mp4j.internal.threads.OnceGuard} what {@code enter()} returns, {@link dev.mp4j.internal.threads.Reprs} the
 * Python-like {@code toString} of them all.
 */
package dev.mp4j.internal.threads;
