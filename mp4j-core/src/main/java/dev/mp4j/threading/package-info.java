/**
 * Python's {@code threading}: locks, re-entrant locks, conditions, semaphores, events, barriers and timers,
 * plus the module's functions about threads ({@link dev.mp4j.threading.Threading}).
 *
 * <p>The synchronization objects are interfaces ({@link dev.mp4j.threading.Lock},
 * {@link dev.mp4j.threading.RLock}, {@link dev.mp4j.threading.Condition},
 * {@link dev.mp4j.threading.Semaphore}, {@link dev.mp4j.threading.Event},
 * {@link dev.mp4j.threading.Barrier}). {@link dev.mp4j.threading.Threading} makes the ones that work between
 * the threads of one JVM; a multiprocessing {@code Context} makes ones with the same interfaces that work
 * between processes, so code written against the interfaces runs on either.
 *
 * <p>The Python names map as the rest of mp4j does: {@code wait} is {@code await}, {@code notify} and
 * {@code notify_all} are {@code signal} and {@code signalAll}, {@code with lock:} is
 * {@code try (var g = lock.enter()) { ... }}, a timeout is a {@link java.time.Duration} (absent or
 * {@code null}: wait for ever; negative: do not wait). Blocking waits are interruptible: the thread's
 * interrupt flag is set again and {@link dev.mp4j.InterruptedError} is thrown. Python's exceptions become the
 * JDK's: releasing an unlocked {@code Lock} throws {@link java.lang.IllegalStateException}, releasing an
 * {@code RLock} the caller does not hold, or waiting on or signalling a condition without its lock,
 * {@link java.lang.IllegalMonitorStateException}; a bounded semaphore released too often,
 * {@code IllegalStateException}; bad arguments, {@link java.lang.IllegalArgumentException}.
 *
 * <p>Memory effects follow {@code java.util.concurrent.locks}: releasing a lock or semaphore
 * happens-before the acquisition it makes possible, {@code signal} happens-before the return of the
 * {@code await} it wakes, {@code Event.set} before the return of the waits it ends, and a barrier's action
 * before every {@code await} of its round returns.
 */
package dev.mp4j.threading;
