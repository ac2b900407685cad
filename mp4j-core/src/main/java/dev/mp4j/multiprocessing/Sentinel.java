package dev.mp4j.multiprocessing;

/** Something {@code Connections.wait} can wait on: a process's sentinel, a connection. */
public interface Sentinel {}
