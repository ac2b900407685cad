/**
 * mp4j: Python's concurrent-execution stack ({@code concurrent.futures}, {@code multiprocessing},
 * {@code threading}) for Java.
 *
 * <p>Only the public API packages are exported; everything under {@code dev.mp4j.internal} is machinery.
 */
module dev.mp4j {
    requires java.logging;
    requires jdk.management; // the JVM options children inherit (RuntimeMXBean) and the memory rule
    requires jdk.net; // SO_PEERCRED: a Unix-domain socket's peer of another user is refused
    requires jdk.unsupported; // sun.misc.Signal: a child's SIGTERM keeps its default action

    exports dev.mp4j;
    exports dev.mp4j.function;
    exports dev.mp4j.futures;
    exports dev.mp4j.threading;
    exports dev.mp4j.multiprocessing;
    exports dev.mp4j.multiprocessing.managers;
}
