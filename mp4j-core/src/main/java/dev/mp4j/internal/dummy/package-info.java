/**
 * Python's {@code multiprocessing.dummy}: the {@link dev.mp4j.multiprocessing.Context} API on threads of this
 * JVM, kept out of the public package as CPython keeps {@code multiprocessing/dummy/} apart.
 *
 * <pre>
 *   Multiprocessing.dummy() == DummyContext.INSTANCE
 *     process(target)            --&gt; DummyProcess      a platform thread; its exit code (0, or 1 when run()
 *                                                      threw) completes a future that join() and sentinel() wait on
 *     queue / joinableQueue /
 *     simpleQueue                --&gt; ThreadQueue       one lock, items handed over as they are (null too)
 *     pipe(duplex)               --&gt; ThreadConnection  two ends over one Channel per direction (a deque and a lock)
 *     lock ... barrier           --&gt; dev.mp4j.threading.Threading's primitives
 *     pool(n)                    --&gt; ThreadPool        the Pool API over worker threads
 *     manager()                  --&gt; SyncManager       served by a daemon thread of this JVM
 *     sharedInt ... sharedByteArray --&gt; SharedObjects.local...: plain memory of this JVM, a thread RLock
 *     sharedMemory(size)         --&gt; a real named segment, as in every context
 * </pre>
 * Nothing here crosses a JVM: serializing a dummy process, queue, connection or shared value throws
 * {@link java.io.NotSerializableException}.
 */
package dev.mp4j.internal.dummy;
