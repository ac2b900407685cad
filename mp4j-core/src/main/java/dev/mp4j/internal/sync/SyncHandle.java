package dev.mp4j.internal.sync;

import java.util.List;

/** What every cross-process primitive's handle offers mp4j itself (tests, cleanup). */
interface SyncHandle {
    /** @return the {@code /dev/shm} entries behind this handle and the handles it is made of */
    List<String> names();

    /** Lets go of the named objects now, as becoming unreachable would: unlinks them (creator) and unmaps them. */
    void destroy();
}
