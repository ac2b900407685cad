/**
 * The cross-process synchronization primitives ({@link dev.mp4j.internal.sync.ProcessSync}, for a multiprocessing
 * {@code Context}): {@code Serializable} handles over POSIX named semaphores and shared memory, re-attached by
 * name in the process that receives them. Each implements the timed form of its operations; the
 * {@code dev.mp4j.threading} interfaces define the other overloads from it.
 *
 * <pre>
 *  process A (creator)                     /dev/shm                                  process B
 *  ProcessSync.lock() -&gt; ProcessLock ---- sem.mp4j-X (1 = free), mp4j-Y (held word) ---- ProcessLock
 *     writeReplace: Form(names) --------- in a child's target, a queue item ... --&gt; readResolve: Handles.canonical
 *  acquire(timeout) -&gt; Waiting: sem_trywait, spins, timed native waits between parks; release -&gt; sem_post
 *
 *  ProcessCondition (over a ProcessLock or ProcessRLock): segment of tickets, user words, slot table;
 *     await: claim a slot, release the lock fully, wait on the slot's semaphore, re-acquire the lock
 *     signal(n): the n lowest tickets WAITING -&gt; SIGNALLED (compare-and-set), post their semaphores
 *  ProcessEvent, ProcessBarrier: user words of a condition over a lock of their own
 *
 *  lifetimes (Handles): the creator unlinks when its handle is unreachable or the JVM exits;
 *                       the resource tracker unlinks what a killed creator left
 * </pre>
 * The algorithms they share with the thread-backed primitives are in {@code dev.mp4j.internal.threads}:
 * {@code AbstractCondition} (CPython's wait) and {@code AbstractBarrier} (CPython's barrier).
 */
package dev.mp4j.internal.sync;
