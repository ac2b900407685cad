package dev.mp4j.multiprocessing;

/**
 * Something {@code Connections.wait} can wait on: a process's sentinel, a connection.
 *
 * @since 0.1
 */
public interface Sentinel {}
