package dev.mp4j.multiprocessing;

/**
 * The two ends of a pipe (Python's {@code Pipe()}). With {@code duplex=false}, {@code conn1} only receives
 * and {@code conn2} only sends.
 *
 * @param conn1 the first end
 * @param conn2 the second end
 */
public record Pipe(Connection conn1, Connection conn2) {}
