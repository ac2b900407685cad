package dev.mp4j.threading;

import dev.mp4j.multiprocessing.Multiprocessing;

/** {@link EventTests} on {@link Multiprocessing#event()} (threads of one JVM). */
class ProcessEventTest extends EventTests {
    @Override
    protected Event newEvent() {
        return Multiprocessing.event();
    }
}
