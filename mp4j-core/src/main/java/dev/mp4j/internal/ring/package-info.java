/**
 * A shared-memory ring carrying length-framed messages between processes: what a queue's and a pipe's
 * messages travel through.
 * <pre>
 *   writer (a queue's feeder, a pipe's send)          reader (a queue's get, a pipe's recv)
 *     Ring.write                                         Ring.read
 *       take the write PidLock                             take the read PidLock
 *       copy a record into DATA, store TAIL  ---------&gt;    wait for TAIL to move (sleep on bell "-d")
 *       post "-d" once per DATA_EPOCH        ---------&gt;    copy the record out, store HEAD
 *       wait for room (sleep on bell "-s")   &lt;---------    post "-s" once HEAD reaches SPACE_TARGET
 *       ... one record per chunk of a long message ...
 *   every handle opened, closed or passed on --&gt; its end's EndTable --&gt; EOF / broken pipe for the other side
 * </pre>
 * {@link dev.mp4j.internal.ring.RingDescriptor} draws the segment (a {@link dev.mp4j.internal.shm.Segment}:
 * header, records, the end tables' place) with the offsets and accessors every part uses;
 * {@link dev.mp4j.internal.ring.Ring} is the protocol and what happens when a process dies mid-way;
 * {@link dev.mp4j.internal.ring.PidLock} its two locks; {@link dev.mp4j.internal.ring.EndTable} which
 * processes hold each end; {@link dev.mp4j.internal.ring.Pids} whether a pid found in shared memory still
 * runs. The bells are {@code ffm.Posix} named semaphores.
 */
package dev.mp4j.internal.ring;
