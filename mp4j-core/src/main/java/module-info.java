/**
 * mp4j: Python's concurrent-execution stack ({@code concurrent.futures}, {@code multiprocessing},
 * {@code threading}) for Java.
 *
 * <p>Only the public API packages are exported; everything under {@code dev.mp4j.internal} is machinery.
 */
@SuppressWarnings("module") // the modules named by the qualified exports are built after this one
module dev.mp4j {
    requires java.logging;
    requires jdk.jfr; // mp4j's Flight Recorder events (dev.mp4j.internal.jfr)
    requires jdk.management; // the JVM options children inherit (RuntimeMXBean) and the memory rule
    requires jdk.net; // SO_PEERCRED: a Unix-domain socket's peer of another user is refused
    requires jdk.unsupported; // sun.misc.Signal: a child's SIGTERM keeps its default action

    exports dev.mp4j;
    exports dev.mp4j.function;
    exports dev.mp4j.futures;
    exports dev.mp4j.threading;
    exports dev.mp4j.multiprocessing;
    exports dev.mp4j.multiprocessing.managers;

    // seams for mp4j's own modules only, never for applications
    exports dev.mp4j.internal.spawn to dev.mp4j.hazelcast;
    exports dev.mp4j.internal.spi to dev.mp4j.hazelcast;
    exports dev.mp4j.internal.util to dev.mp4j.hazelcast;
    exports dev.mp4j.internal.wire to dev.mp4j.hazelcast;
}
