package dev.mp4j.internal.pool;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.ProcessPoolExecutor;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A ProcessPoolExecutor's workers start with a smaller initial heap; a Pool's with a child's usual one. */
@Timeout(120)
@SuppressWarnings("serial") // the tasks are method references to this class, which the workers have
class WorkerHeapTest {
    private static List<String> ownCommandLine() throws IOException {
        return Arrays.asList(new String(Files.readAllBytes(Path.of("/proc/self/cmdline"))).split("\0"));
    }

    /** @return whether the JVM of this test sizes its children's heaps itself (the defaults then give none) */
    private static boolean heapSizedByTheUser() throws IOException {
        for (String o : ownCommandLine()) {
            if (o.startsWith("-Xm") || o.startsWith("-XX:InitialHeapSize") || o.startsWith("-XX:MaxHeapSize")
                    || o.startsWith("-XX:NewRatio") || o.startsWith("-XX:NewSize") || o.startsWith("-XX:MaxRAM")
                    || o.startsWith("-XX:InitialRAMPercentage") || o.startsWith("-XX:MinRAMPercentage")) {
                return true;
            }
        }
        String tool = System.getenv("JAVA_TOOL_OPTIONS") + " " + System.getenv("JDK_JAVA_OPTIONS") + " "
                + System.getenv("_JAVA_OPTIONS");
        return tool.contains("-Xm") || tool.contains("Heap") || tool.contains("RAM") || tool.contains("New");
    }

    @Test
    void aPoolWorkerGetsAChildsUsualInitialHeap() throws Exception {
        try (Pool pool = new Pool(1)) {
            List<String> worker = pool.apply(WorkerHeapTest::ownCommandLine);
            assertFalse(worker.contains("-XX:InitialHeapSize=16m"), worker.toString());
            if (!heapSizedByTheUser()) {
                assertTrue(worker.contains("-XX:InitialHeapSize=32m"), worker.toString());
            }
        }
    }

    @Test
    void anExecutorWorkerGetsTheWorkersInitialHeap() throws Exception {
        try (ProcessPoolExecutor ex = new ProcessPoolExecutor(1)) {
            List<String> worker = ex.submit(WorkerHeapTest::ownCommandLine).result(java.time.Duration.ofSeconds(60));
            assertFalse(worker.contains("-XX:InitialHeapSize=32m"), worker.toString());
            if (!heapSizedByTheUser()) {
                assertTrue(worker.contains("-XX:InitialHeapSize=16m"), worker.toString());
            }
        }
    }

    /** A forkserver's spares are booted ahead for any child: its executor workers all get the usual heap. */
    @Test
    void aForkserverExecutorsWorkersAllGetAChildsUsualInitialHeap() throws Exception {
        try (ProcessPoolExecutor ex = ProcessPoolExecutor.builder().maxWorkers(1).maxTasksPerChild(1)
                .context(Multiprocessing.getContext("forkserver")).build()) {
            for (int i = 0; i < 4; i++) { // back to back: some taken as warm spares, some booted on demand
                List<String> worker = ex.submit(WorkerHeapTest::ownCommandLine).result(java.time.Duration.ofSeconds(60));
                assertFalse(worker.contains("-XX:InitialHeapSize=16m"), i + ": " + worker);
            }
        }
    }
}
