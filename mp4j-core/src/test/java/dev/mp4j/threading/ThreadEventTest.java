package dev.mp4j.threading;

/** {@link EventTests} on {@link Threading#event()}. */
class ThreadEventTest extends EventTests {
    @Override
    protected Event newEvent() {
        return Threading.event();
    }
}
