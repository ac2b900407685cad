/**
 * Runnable examples of mp4j, most of them the examples of Python's own documentation written in Java,
 * and {@link dev.mp4j.examples.Demo}, which runs them.
 */
module dev.mp4j.examples {
    requires dev.mp4j;
    requires jdk.httpserver;
    requires java.logging; // the soak quiets the pools' log
    requires me.tongfei.progressbar; // PoolProgress's bar

    // a manager's server calls the methods of the shared objects (CustomizedManager.MathsClass) reflectively
    opens dev.mp4j.examples to dev.mp4j;
}
