package dev.mp4j.multiprocessing;

/**
 * The two ends of a pipe (Python's {@code Pipe()}). With {@code duplex=false}, {@code conn1} only receives
 * and {@code conn2} only sends.
 *
 * <p>For example:
 * {@snippet :
 * Pipe pipe = Multiprocessing.pipe();
 * Connection parentEnd = pipe.conn1(), childEnd = pipe.conn2();
 * var p = new Process(() -> childEnd.send(List.of(42, "hello")));
 * p.start();
 * System.out.println(parentEnd.recv());                        // [42, hello]
 * p.join();
 * }
 *
 * @param conn1 the first end
 * @param conn2 the second end
 * @since 0.1
 */
public record Pipe(Connection conn1, Connection conn2) {}
