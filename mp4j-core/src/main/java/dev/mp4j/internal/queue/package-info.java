/**
 * Cross-process queues and pipes on shared-memory rings ({@link dev.mp4j.internal.ring.Ring}).
 *
 * <pre>
 *  process A                                   shared memory                  process B
 *  Queue.put --encode--&gt; [ring free, nothing     +-----------------------+
 *                         buffered]  -----------&gt;|                       |
 *               else  --&gt; local buffer --feeder--&gt;|  ring (write lock)    |--read lock--&gt; Queue.get --decode
 *                                    thread      |  + ITEMS, UNFINISHED  |
 *  bounded: a slot semaphore taken by put, given back by get
 *  Pipe: one ring per direction; PipeEnd.send writes, recv reads; end tables say who holds each end
 * </pre>
 * Each handle has this JVM's {@code Attachment} of the rings (a queue's {@code QueueState}, a simple queue's or a
 * pipe end's {@code State}): every call enters and exits it, {@code close()} or the cleaner closes it, and the
 * mappings go when the last call has left; {@code Lifecycle} unlinks the names the creating JVM made.
 */
package dev.mp4j.internal.queue;
