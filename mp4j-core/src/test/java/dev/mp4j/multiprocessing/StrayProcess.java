package dev.mp4j.multiprocessing;

/**
 * A process that {@link ChildLaunchSettingsTest} has a class loader of its own define, from a copy of this
 * class file outside the class path (a top-level class: a nested one would need its host from that loader).
 */
public final class StrayProcess extends Process {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    /** A process that runs nothing. */
    public StrayProcess() {
        super();
    }

    @Override
    public void run() { }
}
