package dev.mp4j.multiprocessing.managers;

import dev.mp4j.multiprocessing.ShareableList;
import dev.mp4j.multiprocessing.SharedMemory;

import java.util.List;

/**
 * A whole program for {@link SharedMemoryManagerKillTest}: it starts a SharedMemoryManager, makes a block and
 * a list with it, prints "ready", the server's pid and their names, and waits to be killed. With the
 * argument {@code server} the test kills only the manager's server process; otherwise the whole program.
 */
public final class KilledSharedMemoryManagerProgram {
    private KilledSharedMemoryManagerProgram() {}

    public static void main(String[] args) throws Exception {
        SharedMemoryManager smm = new SharedMemoryManager();
        smm.start();
        SharedMemory shm = smm.sharedMemory(4096);
        ShareableList sl = smm.shareableList(List.of("a", 1, 2.0));
        System.out.println("ready " + smm.serverProcess().pid().orElseThrow() + " " + shm.name() + " " + sl.name());
        System.out.flush();
        Thread.sleep(120_000);
    }
}
