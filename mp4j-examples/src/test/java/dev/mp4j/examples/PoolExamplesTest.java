package dev.mp4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the pool examples ({@code pool}, {@code pool-progress}, {@code dummy}) and checks what they print. */
@Timeout(60)
class PoolExamplesTest {

    @Test
    void poolOfWorkers(@TempDir Path dir) throws Exception {
        DemoJvm.Result r = DemoJvm.run(dir, 50, "pool");
        assertEquals(0, r.exitCode(), r::stderr);
        List<String> lines = r.lines();
        assertEquals(17, lines.size(), lines::toString);
        assertEquals("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]", lines.get(0));

        List<Integer> unordered = new ArrayList<>();
        for (String l : lines.subList(1, 11)) {
            unordered.add(Integer.parseInt(l));
        }
        assertEquals(Set.of(0, 1, 4, 9, 16, 25, 36, 49, 64, 81), new HashSet<>(unordered), unordered::toString);

        assertEquals("400", lines.get(11));
        long mainPid = ProcessHandle.current().pid();   // the demo JVM is another process; so are the workers
        assertTrue(lines.get(12).matches("\\d+"), lines.get(12));
        assertFalse(lines.get(12).equals(Long.toString(mainPid)));

        Matcher pids = Pattern.compile("\\[(\\d+), (\\d+), (\\d+), (\\d+)]").matcher(lines.get(13));
        assertTrue(pids.matches(), lines.get(13));
        assertEquals(List.of(
                "We lacked patience and got a TimeoutError",
                "For the moment, the pool remains available for more work",
                "Now the pool is closed and no longer available"), lines.subList(14, 17));
    }

    @Test
    void progressBar(@TempDir Path dir) throws Exception {
        DemoJvm.Result r = DemoJvm.run(dir, 50, "pool-progress");
        assertEquals(0, r.exitCode(), r::stderr);
        List<String> lines = r.lines();   // String.lines splits at \r too: one line per frame, then the summary
        List<String> frames = lines.subList(0, lines.size() - 1).stream().map(String::strip).toList();
        assertFalse(frames.isEmpty(), lines::toString);
        // the library's ASCII frames: "imap  57% [====     ] 114/200 (0:00:01 / 0:00:01)", and while the total
        // is unknown "imap  ? % [   =   ] 57/? (0:00:00 / ?)"; the count is items, never more than delivered, and
        // padded to the total's width once the total is known ("]  88/200")
        Pattern frame = Pattern.compile("imap +(\\d+|\\?) ?% \\[[ =]*] +(\\d+)/(\\d+|\\?) \\(.*\\)");
        long previous = -1;
        for (String f : frames) {
            Matcher m = frame.matcher(f);
            assertTrue(m.matches(), () -> "a frame of the bar: " + f + "\n" + lines);
            long n = Long.parseLong(m.group(2));
            long shown = previous;
            assertTrue(n >= shown && n <= PoolProgress.TASKS, () -> "the count goes up to 200: " + frames);
            assertTrue(m.group(3).equals("?") || m.group(3).equals(String.valueOf(PoolProgress.TASKS)), f);
            previous = n;
        }
        String last = frames.getLast();
        assertTrue(last.startsWith("imap 100% [") && last.contains(" 200/200 ("), () -> "the closed bar: " + last);

        long sum = IntStream.range(0, PoolProgress.TASKS).mapToLong(n -> (long) n * (n - 1) * (2L * n - 1) / 6).sum();
        assertTrue(lines.getLast().matches("200 tasks done on 2 workers in \\d+ ms; sum of results: " + sum),
                lines.getLast());
    }

    @Test
    void dummyRunsOnThreads() throws Exception {
        PrintStream saved = System.out;
        var buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            DummyPool.main(new String[0]);
        } finally {
            System.setOut(saved);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        saved.print(out);
        List<String> lines = out.lines().toList();
        long pid = ProcessHandle.current().pid();
        assertEquals(6, lines.size(), lines::toString);
        assertEquals("main: pid " + pid + ", start method dummy", lines.get(0));
        assertEquals("<ThreadPool state=RUN pool_size=4>", lines.get(1));
        assertEquals("[0, 1, 4, 9, 16, 25, 36, 49, 64, 81]", lines.get(2));
        assertTrue(lines.get(3).matches("a worker: pid " + pid + ", thread ThreadPoolWorker-\\d+"), lines.get(3));
        assertTrue(lines.get(4).matches("from the process: \\[42, hello, pid " + pid + ", thread DummyProcess-\\d+]"),
                lines.get(4));
        assertTrue(lines.get(5).matches("<DummyProcess name='DummyProcess-\\d+' stopped exitcode=0> exitCode 0"),
                lines.get(5));
    }
}
