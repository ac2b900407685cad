package dev.mp4j.internal.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.futures.Future;
import dev.mp4j.futures.ProcessPoolExecutor;
import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.ProcessError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** mp4j's JFR events, recorded with jdk.jfr.Recording around known work and read back from the file. */
@Timeout(120)
class JfrEventsTest {
    private static final Context QUICK = Multiprocessing.getContext("spawn")
            .withJvmOptions(List.of("-XX:TieredStopAtLevel=1"));
    private static final List<String> NAMES = List.of("dev.mp4j.WorkerStart", "dev.mp4j.WorkerExit", "dev.mp4j.Task",
            "dev.mp4j.SpawnFailure");

    private static List<RecordedEvent> record(Runnable work) throws Exception {
        Path file = Files.createTempFile("mp4j-jfr", ".jfr");
        try (Recording r = new Recording()) {
            for (String name : NAMES) {
                r.enable(name);
            }
            r.start();
            work.run();
            r.stop();
            r.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> e.getEventType().getName().startsWith("dev.mp4j."))
                    .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime)) // the file groups by thread
                    .toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    @Test
    void aProcessPoolRecordsItsWorkersAndTasks() throws Exception {
        long[] pids = new long[2];
        List<RecordedEvent> events = record(() -> {
            ProcessPoolExecutor e = ProcessPoolExecutor.builder().maxWorkers(1).context(QUICK).build();
            try {
                pids[0] = e.submit(() -> ProcessHandle.current().pid()).result(Duration.ofSeconds(60));
                assertThrows(IllegalStateException.class, () -> e.submit(() -> {
                    throw new IllegalStateException("planned");
                }).result(Duration.ofSeconds(60)));
                Future<Object> slow = e.submit(() -> {
                    Thread.sleep(300_000);
                    return null;
                });
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!slow.running()) {
                    assertTrue(System.nanoTime() < deadline);
                    Thread.onSpinWait();
                }
                assertTrue(slow.cancel(true));
                pids[1] = e.submit(() -> ProcessHandle.current().pid()).result(Duration.ofSeconds(60));
            } finally {
                e.shutdown(true);
            }
        });
        assertTrue(events.stream().allMatch(ev -> ev.getEventType().getCategoryNames().equals(List.of("mp4j"))));

        List<RecordedEvent> starts = named(events, "dev.mp4j.WorkerStart");
        assertEquals(List.of(pids[0], pids[1]), starts.stream().map(ev -> ev.getLong("pid")).toList());
        for (RecordedEvent s : starts) {
            assertEquals("spawn", s.getString("startMethod"));
            assertTrue(s.getString("processName").startsWith("SpawnProcess-"), s.getString("processName"));
            assertTrue(s.getDouble("bootMillis") > 0);
            s.getBoolean("aotCache"); // present; its value depends on the class path
        }

        Map<Long, String> exits = named(events, "dev.mp4j.WorkerExit").stream()
                .collect(Collectors.toMap(ev -> ev.getLong("pid"), ev -> ev.getString("cause")));
        assertEquals(Map.of(pids[0], "killed", pids[1], "normal"), exits);
        RecordedEvent killed = named(events, "dev.mp4j.WorkerExit").stream()
                .filter(ev -> ev.getLong("pid") == pids[0]).findFirst().orElseThrow();
        assertEquals(-9, killed.getInt("exitCode"));
        assertEquals(9, killed.getInt("signal"));

        List<RecordedEvent> tasks = named(events, "dev.mp4j.Task");
        assertEquals(List.of("result", "error", "cancelled", "result"), tasks.stream().map(ev -> ev.getString("outcome")).toList());
        assertEquals(List.of(pids[0], pids[0], pids[0], pids[1]), tasks.stream().map(ev -> ev.getLong("workerPid")).toList());
        for (RecordedEvent t : tasks) {
            assertTrue(t.getString("executor").startsWith("SpawnProcess pool "), t.getString("executor"));
            assertTrue(t.getLong("bytesIn") > 0);
            assertTrue(t.getDouble("queuedMillis") >= 0);
        }
        assertTrue(tasks.get(0).getLong("bytesOut") > 0);
        assertTrue(tasks.get(0).getDouble("runMillis") >= 0);
        assertTrue(named(events, "dev.mp4j.SpawnFailure").isEmpty());
    }

    @Test
    void aChildThatCannotStartRecordsASpawnFailure() throws Exception {
        Context broken = Multiprocessing.getContext("spawn").withJvmOptions(List.of("-XX:+NoSuchOptionInThisJvm"));
        List<RecordedEvent> events = record(() -> {
            dev.mp4j.multiprocessing.Process p = broken.process(() -> { });
            assertThrows(ProcessError.class, p::start);
        });
        List<RecordedEvent> failures = named(events, "dev.mp4j.SpawnFailure");
        assertEquals(1, failures.size(), events.toString());
        assertTrue(failures.get(0).getString("reason").contains("cannot start"), failures.get(0).getString("reason"));
        assertTrue(named(events, "dev.mp4j.WorkerStart").isEmpty());
    }

    @Test
    void aProcessRecordsItsStartAndExit() throws Exception {
        long[] pid = new long[1];
        List<RecordedEvent> events = record(() -> {
            dev.mp4j.multiprocessing.Process p = QUICK.process(() -> System.exit(3));
            p.start();
            pid[0] = p.pid().orElseThrow();
            p.join();
            p.close();
        });
        RecordedEvent start = named(events, "dev.mp4j.WorkerStart").getFirst();
        assertEquals(pid[0], start.getLong("pid"));
        RecordedEvent exit = named(events, "dev.mp4j.WorkerExit").getFirst();
        assertEquals(pid[0], exit.getLong("pid"));
        assertEquals(3, exit.getInt("exitCode"));
        assertEquals(0, exit.getInt("signal"));
        assertEquals("normal", exit.getString("cause"));
    }

    @Test
    void theTaskEventIsOnOnlyWhileARecordingEnablesIt() throws Exception {
        assertFalse(Events.taskEnabled());
        boolean[] during = new boolean[1];
        record(() -> during[0] = Events.taskEnabled());
        assertTrue(during[0]);
        assertFalse(Events.taskEnabled());
    }
}
