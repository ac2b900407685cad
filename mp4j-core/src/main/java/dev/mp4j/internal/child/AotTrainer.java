package dev.mp4j.internal.child;

import dev.mp4j.function.SerializableCallable;
import dev.mp4j.internal.ffm.Fifo;
import dev.mp4j.internal.pool.PoolFrames;
import dev.mp4j.internal.pool.WorkerJob;
import dev.mp4j.internal.spawn.AotCache;
import dev.mp4j.internal.spawn.Child;
import dev.mp4j.internal.shm.Words;
import dev.mp4j.internal.spawn.LaunchHeader;
import dev.mp4j.internal.util.Urandom;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Tags;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the JVM that trains a child AOT cache ({@link AotCache}) runs: {@link Bootstrap} with the argument
 * {@link AotCache#TRAINING}. It plays both sides within itself, over two FIFOs of its own: on a daemon
 * thread the parent (the hello, the job, the frames of a pool's task), and on the main thread a child as
 * {@link Bootstrap} runs one — the same calls from opening
 * the control channel through decoding and running a {@code Process} job (whose target does nothing) and a
 * pool worker's job with one task, to the exit report — then the {@link Warmup}. So the classes, lambdas
 * and method handles a real child needs before and after the user's code are in the cache.
 *
 * <p>Every class in the cache costs every child that uses the cache, whether it needs the class or not: the
 * JVM loads and links all of them as it starts (the cache's classes are AOT-linked), and relocates the whole
 * cache, each page holding a pointer becoming a private copy. Measured on 2 vCPUs with the bench's class
 * path: a cache without the API classes ({@link #loadApi}), the spare's warm-up and the JDK serial form
 * ({@code Warmup.exercise}) held 1,506 classes instead of 1,837 (15.9 MB instead of 18.1), and a child's JVM
 * creation took 36.4 ms instead of 38.6 (medians), its resident memory 39.1 MiB instead of 41.3, spawn
 * start→join 62.6 ms instead of 66.1. But a child that needs a class left out loads it itself: the JDK's
 * from its runtime image (tens of microseconds each; the serial form, which a job holding a {@code Process}
 * subclass or a task's failure needs, is about a hundred classes), mp4j's API classes from the class path,
 * opening each jar ahead of mp4j's first (15–25 ms with a large jar ahead). So the training runs what
 * children run, the paths some children take included.
 */
final class AotTrainer {
    private AotTrainer() {}

    /**
     * @param args application classes to load (not initialize) for the cache: the jobs' classes
     *     ({@link AotCache#noteJobClass}); one that cannot be loaded is left out
     * @throws Exception on any failure: then no cache is installed
     */
    static void train(String[] args) throws Exception {
        loadApi();
        for (String name : args) {
            try {
                Class.forName(name, false, ClassLoader.getSystemClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // not in the cache then: the child loads it as usual
            }
        }
        Path dir = Urandom.privateDirectory(Urandom.tempDir(), "mp4j-aot-");
        Path down = dir.resolve("down");
        Path up = dir.resolve("up");
        try {
            Fifo.make(down, up);
            if (Boolean.getBoolean(AotCache.DIRECTORIES)) {
                Warmup.searchDirectory(dir, down.getFileName().toString());
            }
            ProcessHandle.current().parent().ifPresent(p -> Bootstrap.watchParent(p.pid()));
            LaunchHeader spare = new LaunchHeader("", 0, true, false, ""); // as a spare prepares, with no tracker
            Bootstrap.startPreparing(CompletableFuture.completedFuture(spare)).join();

            byte[] processJob = Tags.frame(Tags.JOB, Warmup.sampleProcessJob().encode());
            runChild(down, up, processJob, parent -> { });

            SerializableCallable<Integer> task = () -> 42;
            byte[] workerJob = Tags.frame(Tags.JOB, new WorkerJob("SpawnPoolWorker-0", null).encode());
            List<List<Object>> chunks = Warmup.sampleArgs();
            runChild(down, up, workerJob, parent -> {
                parent.send(PoolFrames.task(1, Codec.encode(task)));
                parent.receive(1 << 20);
                long id = 2;
                for (boolean each : new boolean[] {false, true}) {
                    for (List<Object> sample : chunks) {
                        parent.send(WorkerJob.sampleChunk(id++, each, Warmup.sampleFunction(sample), sample));
                        parent.receive(1 << 20);
                    }
                }
                parent.send(PoolFrames.quit());
            });
            Warmup.asSpare(); // a spare's warm-up, through the class its thread runs
            Warmup.exercise(100);
            sharedMemory();
        } finally {
            Files.deleteIfExists(down);
            Files.deleteIfExists(up);
            Files.deleteIfExists(dir);
        }
    }

    /**
     * Loads (does not initialize) mp4j's public classes, those outside {@code dev.mp4j.internal}, from the jar
     * that holds this class. A child verifies the application classes its job needs, which are mostly not in
     * the cache, and the verifier loads the mp4j classes they refer to (a method given a {@code ThreadPool}
     * for a {@code Pool}): one not in the cache is looked up along the class path, opening each jar before
     * mp4j's on the way — 15–25 ms of a pool worker's first chunk measured here with a large jar ahead.
     */
    static void loadApi() {
        try {
            java.security.CodeSource source = AotTrainer.class.getProtectionDomain().getCodeSource();
            Path jar = source == null ? null : Path.of(source.getLocation().toURI());
            if (jar == null || !Files.isRegularFile(jar)) {
                return;
            }
            ClassLoader loader = AotTrainer.class.getClassLoader();
            try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
                for (var entries = file.entries(); entries.hasMoreElements(); ) {
                    String name = entries.nextElement().getName();
                    if (name.startsWith("dev/mp4j/") && !name.startsWith("dev/mp4j/internal/")
                            && name.endsWith(".class") && !name.endsWith("module-info.class")) {
                        try {
                            Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
                        } catch (ClassNotFoundException | LinkageError e) {
                            // not in the cache then: a child loads it as usual
                        }
                    }
                }
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            // no API classes in the cache: a child loads them as usual
        }
    }

    /** What the parent side does after it sent the job. */
    private interface ParentPart {
        void run(FrameChannel parent) throws IOException;
    }

    /**
     * One child's life: the parent side on a daemon thread, the child side on this thread. Both open
     * {@code down} first, then {@code up} (each open of a FIFO waits for the other end's).
     */
    private static void runChild(Path down, Path up, byte[] jobFrame, ParentPart afterJob) throws Exception {
        CompletableFuture<Integer> parentSide = new CompletableFuture<>();
        Thread parent = new Thread(() -> {
            try (FrameChannel channel = parentEnd(down, up)) {
                byte[] hello = channel.receive(1);
                if (hello.length != 1 || hello[0] != Tags.HELLO) {
                    throw new IOException("unexpected hello");
                }
                channel.send(jobFrame);
                afterJob.run(channel);
                while (true) {
                    byte[] frame = channel.receive(1 << 20);
                    if (frame.length > 0 && frame[0] == Tags.EXIT) {
                        parentSide.complete(Tags.intOf(frame));
                        return;
                    }
                }
            } catch (Throwable t) {
                parentSide.completeExceptionally(t);
            }
        }, "mp4j-aot-parent");
        parent.setDaemon(true);
        parent.start();

        FrameChannel channel = Bootstrap.connect(up.toString(), new FileInputStream(down.toFile()));
        Child child = Bootstrap.adopt(channel, ProcessHandle.current().pid());
        int code = Jobs.run(Jobs.decode(channel.receive(Integer.MAX_VALUE - 16L)), child);
        child.reportExit(code);
        if (parentSide.get() != 0 || code != 0) {
            throw new IllegalStateException("the training child ended with " + code);
        }
        channel.close();
    }

    private static FrameChannel parentEnd(Path down, Path up) throws IOException {
        FileOutputStream toChild = new FileOutputStream(down.toFile());
        return new FrameChannel(Channels.newInputStream(FileChannel.open(up, StandardOpenOption.READ)), toChild);
    }

    /**
     * A shared arena's creation and close, and word reads, writes and atomics over a view of its memory: what a
     * child's first attach of a queue, lock or pipe runs before its semaphores ({@code Segment.attach} opens
     * its memory in an {@link Arena#ofShared()}; the ring's words go through {@link Words}). A child that does
     * not have them in its cache spins and loads the memory session's classes, their lambdas and the view var
     * handles' forms as it attaches. No native call: the semaphores' linking stays out of the cache.
     * Measured on 2 vCPUs (load 1), a program whose one child puts on a queue, 28 interleaved fresh-JVM pairs:
     * the cache 16.18 MB instead of 15.89; the child's {@code get} 45 ms instead of 49 (faster in 18), the
     * program's page faults 13,977 instead of 14,062 (fewer in 25), its CPU 653 ms instead of 663 (medians).
     */
    static void sharedMemory() {
        try (Arena arena = Arena.ofShared()) {
            ByteBuffer b = Words.view(arena.allocate(64, 8));
            Words.setInt(b, 0, 1);
            Words.addInt(b, 0, 1);
            Words.casInt(b, 0, Words.getInt(b, 0), 3);
            Words.setLong(b, 8, 1L);
            Words.addLong(b, 8, 1L);
            Words.casLong(b, 8, Words.getLong(b, 8), 3L);
        }
    }
}
