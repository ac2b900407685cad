package dev.mp4j.internal.sync;

import java.util.ArrayList;
import java.util.List;

/** What every cross-process primitive's handle offers mp4j itself (tests, cleanup). */
interface SyncHandle {
    /** @return the named objects of this handle and of the handles it is made of (not of a lock it was given) */
    List<Handles.Resources> resources();

    /** @return the {@code /dev/shm} entries behind this handle and the handles it is made of */
    default List<String> names() {
        List<String> names = new ArrayList<>();
        for (Handles.Resources r : resources()) {
            names.addAll(r.names());
        }
        return names;
    }

    /** Lets go of the named objects now, as becoming unreachable would: unlinks them (creator) and unmaps them. */
    default void destroy() {
        for (Handles.Resources r : resources()) {
            r.destroy();
        }
    }
}
