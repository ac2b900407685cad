package dev.mp4j.faults;

import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Listener;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.SharedInt;
import dev.mp4j.multiprocessing.SharedMemory;
import dev.mp4j.multiprocessing.managers.SyncManager;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.Semaphore;

import java.util.List;
import java.util.Map;

/**
 * A whole program for {@link KilledProgramTest}: it makes a child process, a pool, a queue holding an item,
 * a lock (held), a semaphore, a shared int, a shared memory segment, a manager with a dict, and a Listener,
 * prints "ready" and the segment's name, and waits to be killed. Every child gets this JVM's temporary
 * directory, so that what any of them leaves there is seen by the test.
 */
public final class KilledProgram {
    private KilledProgram() {}

    public static void main(String[] args) throws Exception {
        Context ctx = Multiprocessing.getContext("spawn").withJvmOptions(List.of("-XX:TieredStopAtLevel=1",
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir")));
        Pool pool = Pool.builder().processes(2).context(ctx).build();
        if (pool.apply(() -> 6 * 7) != 42) {
            throw new AssertionError("the pool does not work");
        }
        Queue<String> q = ctx.queue();
        q.put("an item nobody reads");
        Lock lock = ctx.lock();
        lock.acquire();
        Semaphore sem = ctx.semaphore(2);
        sem.acquire();
        SharedInt counter = ctx.sharedInt(7);
        SharedMemory segment = ctx.sharedMemory(1 << 16);
        // the child attaches to the lock and the semaphore (mapping them by name, which the test sees)
        Process child = ctx.process(() -> {
            if (!lock.locked() || sem.value() != 1 || counter.get() != 7) {
                throw new AssertionError("the child does not see the parent's objects");
            }
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        child.start();
        SyncManager manager = ctx.manager();
        Map<String, Integer> dict = manager.dict();
        dict.put("a", 1);
        Listener listener = new Listener();
        if (!child.isAlive()) {
            throw new AssertionError("the child ended: " + child);
        }
        System.out.println("ready " + segment.name() + " " + counter.get() + " " + dict.get("a") + " "
                + listener.address());
        System.out.flush();
        Thread.sleep(120_000); // the test kills this JVM long before
        System.out.println("not killed");
    }
}
