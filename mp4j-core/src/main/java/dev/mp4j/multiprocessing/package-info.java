/**
 * Python's {@code multiprocessing}: {@link dev.mp4j.multiprocessing.Process processes} in child JVMs, start
 * methods and {@link dev.mp4j.multiprocessing.Context contexts}, {@link dev.mp4j.multiprocessing.Queue queues},
 * {@link dev.mp4j.multiprocessing.Pipe pipes} and connections, cross-process locks and semaphores, shared
 * values, arrays and {@link dev.mp4j.multiprocessing.SharedMemory shared memory}, and
 * {@link dev.mp4j.multiprocessing.Pool pools}. {@link dev.mp4j.multiprocessing.Multiprocessing} holds the
 * module's functions and the default context's factories; its logger ({@code dev.mp4j.multiprocessing})
 * receives the lifecycle messages.
 *
 * @since 0.1
 */
package dev.mp4j.multiprocessing;
