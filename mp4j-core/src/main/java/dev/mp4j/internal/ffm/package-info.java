/**
 * mp4j's native calls, through the FFM API, and one made with a command instead: the POSIX pieces between
 * processes that the JDK does not offer.
 * <pre>
 *   Libc: downcall handles to the C library, errno captured
 *     |-- Posix: named semaphores (sem_open, sem_post, sem_clockwait in slices of SLICE_NANOS)
 *     |     |-- SemFile: on glibc, the semaphore as its file in /dev/shm, made, mapped, taken, posted from Java
 *     |     ^-- ring.Ring's bells (its locks, a reader waiting for data, a writer for room), and sync's
 *     |         locks, semaphores, conditions and events, which wait on them between checks of shared memory
 *   Linked: which of these this JVM has linked, asked without linking (a forkserver's spares link ahead)
 *   Fifo: mkfifo(1), the channel a child JVM reports back through (spawn.Rendezvous): a command, not a
 *         downcall, whose linking would cost more than the commands of most programs
 * </pre>
 * Posix links its calls together at the first semaphore call that needs one (on glibc: the first native sleep,
 * or a post to a native sleeper), not when its class is loaded: linking costs a
 * fresh JVM tens of milliseconds. A thread is never left in a native call for long: waits are slices, and the
 * caller checks interrupts and its own state between them.
 */
package dev.mp4j.internal.ffm;
