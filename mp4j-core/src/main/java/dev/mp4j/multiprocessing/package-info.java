/**
 * Python's {@code multiprocessing}: processes, contexts, queues, pipes, cross-process locks, shared memory
 * and pools. The process runtime is being built; this package holds its public exception types so far.
 */
package dev.mp4j.multiprocessing;
