package dev.mp4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs every example and checks what it prints. */
@Timeout(20)
class ExamplesTest {

    /** Runs an example's main with System.out captured; returns its output lines. */
    private static List<String> run(Demo.Main main) throws Exception {
        PrintStream saved = System.out;
        var buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            main.run(new String[0]);
        } finally {
            System.setOut(saved);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        saved.print(out);
        return out.lines().toList();
    }

    private static void assertLine(List<String> lines, String regex) {
        Pattern p = Pattern.compile(regex);
        assertTrue(lines.stream().anyMatch(l -> p.matcher(l).matches()),
                () -> "no line matches " + regex + " in " + lines);
    }

    private static int indexOf(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with " + prefix + " in " + lines);
    }

    @Test
    void quickstart() throws Exception {
        assertEquals(List.of("42", "1", "4", "9", "16"), run(Quickstart::main));
    }

    @Test
    void readmeShowsQuickstartVerbatim() throws IOException {
        String source = Files.readString(Path.of("src/main/java/dev/mp4j/examples/Quickstart.java"));
        String readme = Files.readString(Path.of("../README.md"));
        assertTrue(readme.contains("```java\n" + source + "```\n"),
                "README.md must show Quickstart.java exactly, in a ```java block");
    }

    @Test
    void loadUrls() throws Exception {
        List<String> lines = run(LoadUrls::main);
        assertEquals(4, lines.size(), lines::toString);
        String url = "'http://127\\.0\\.0\\.1:\\d+/";
        assertLine(lines, url + "index\\.html' page is 2048 bytes");
        assertLine(lines, url + "news\\.html' page is 5000 bytes");
        assertLine(lines, url + "slow\\.html' generated an exception: java\\.net\\.SocketTimeoutException: .*");
        assertLine(lines, url + "missing\\.html' generated an exception: "
                + "java\\.io\\.IOException: HTTP Error 404: Not Found");
    }

    @Test
    void submit() throws Exception {
        List<String> lines = run(SubmitPow::main);
        String digits = BigInteger.valueOf(323).pow(1235).toString();
        assertEquals("323 ** 1235 = " + digits.substring(0, 12) + "..." + digits.substring(digits.length() - 12)
                + " (" + digits.length() + " digits)", lines.get(0));
        assertLine(lines, "<Future at 0x\\p{XDigit}+ state=finished returned BigInteger>");
        assertLine(lines, "result\\(\\) raised java\\.lang\\.ArithmeticException: integer overflow");
        assertLine(lines, "exception\\(\\) returns java\\.lang\\.ArithmeticException: integer overflow");
        assertLine(lines, "<Future at 0x\\p{XDigit}+ state=finished raised ArithmeticException>");
    }

    @Test
    void map() throws Exception {
        List<String> lines = run(MapPrimes::main);
        assertEquals(List.of(
                "112272535095293 is prime: true",
                "112582705942171 is prime: true",
                "112272535095293 is prime: true",
                "115280095190773 is prime: true",
                "115797848077099 is prime: true",
                "1099726899285419 is prime: false"), lines);
    }

    @Test
    void mapErrors() throws Exception {
        assertEquals(List.of(
                "100 / x = 20",
                "100 / x = 25",
                "the third item raised java.lang.ArithmeticException: / by zero"), run(MapErrors::main));
    }

    // The multiprocessing examples run in a demo JVM of their own: their children print to its stdout.

    @Test
    @Timeout(60)
    void processHelloBob(@TempDir Path dir) throws Exception {
        DemoJvm.Result r = DemoJvm.run(dir, 50, "process");
        assertEquals(0, r.exitCode(), r::stderr);
        assertEquals(List.of("hello bob"), r.lines());
    }

    @Test
    @Timeout(60)
    void processInfo(@TempDir Path dir) throws Exception {
        DemoJvm.Result r = DemoJvm.run(dir, 50, "process-info");
        assertEquals(0, r.exitCode(), r::stderr);
        List<String> lines = r.lines();
        assertEquals(11, lines.size(), lines::toString);
        assertEquals("main line", lines.get(0));
        assertEquals("module name: dev.mp4j.examples.ProcessInfo", lines.get(1));
        assertEquals("process name: MainProcess", lines.get(2));
        assertTrue(lines.get(3).matches("parent process: \\d+"), lines.get(3));
        assertTrue(lines.get(4).matches("process id: \\d+"), lines.get(4));
        String mainPid = lines.get(4).substring("process id: ".length());

        assertEquals("function f", lines.get(5));
        assertEquals("module name: dev.mp4j.examples.ProcessInfo", lines.get(6));
        assertTrue(lines.get(7).matches("process name: Process-\\d+"), lines.get(7));
        assertEquals("parent process: " + mainPid, lines.get(8), "the child's parent is the main JVM");
        assertTrue(lines.get(9).matches("process id: \\d+"), lines.get(9));
        assertFalse(lines.get(9).equals("process id: " + mainPid), "the child is another process");
        assertEquals("hello bob", lines.get(10));
    }

    @Test
    @Timeout(60)
    void startMethods(@TempDir Path dir) throws Exception {
        DemoJvm.Result r = DemoJvm.run(dir, 50, "start-methods");
        assertEquals(0, r.exitCode(), r::stderr);
        List<String> lines = r.lines();
        assertEquals(6, lines.size(), lines::toString);
        assertEquals(List.of(
                "start methods: [spawn, forkserver]",
                "hello from spawn-child, started by 'spawn'",
                "spawn-child exit code: 0",
                "hello from forkserver-child, started by 'forkserver'",
                "forkserver-child exit code: 0"), lines.subList(0, 5));
        assertTrue(lines.get(5).startsWith("getContext(\"fork\") raised IllegalArgumentException: "
                + "the 'fork' start method is not available: a JVM cannot be forked"), lines.get(5));
    }

    @Test
    @Timeout(60)
    void exitCodes(@TempDir Path dir) throws Exception {
        DemoJvm.Result r = DemoJvm.run(dir, 50, "exit-codes");
        assertEquals(0, r.exitCode(), r::stderr);
        List<String> lines = r.lines();
        assertEquals(7, lines.size(), lines::toString);
        assertEquals(List.of("returns: exitCode 0", "exits: exitCode 3", "raises: exitCode 1"), lines.subList(0, 3));
        assertEquals("<Process name='sleeper' initial> isAlive: false", lines.get(3));
        var started = Pattern.compile("<Process name='sleeper' pid=(\\d+) started> isAlive: true").matcher(lines.get(4));
        assertTrue(started.matches(), lines.get(4));
        assertEquals("<Process name='sleeper' pid=" + started.group(1) + " stopped exitcode=-15> isAlive: false",
                lines.get(5));
        assertEquals("sleeper: exitCode -15", lines.get(6));
        assertTrue(r.stderr().contains("Process raises:" + System.lineSeparator()
                + "java.lang.IllegalStateException: raised in the child"), r::stderr);
    }

    // Between processes: queues, pipes, locks, shared memory, listeners. The demo JVM enables native access
    // for mp4j, as ./mp4j demo does, so the JDK must not warn about a restricted method.

    private static DemoJvm.Result runBetweenProcesses(Path dir, String name) throws Exception {
        DemoJvm.Result r = DemoJvm.run(dir, 50, name);
        assertEquals(0, r.exitCode(), r::stderr);
        assertFalse(r.stderr().contains("restricted method"), r::stderr);
        return r;
    }

    @Test
    @Timeout(60)
    void queue(@TempDir Path dir) throws Exception {
        assertEquals(List.of("[42, null, hello]"), runBetweenProcesses(dir, "queue").lines());
    }

    @Test
    @Timeout(60)
    void pipe(@TempDir Path dir) throws Exception {
        assertEquals(List.of("[42, null, hello]"), runBetweenProcesses(dir, "pipe").lines());
    }

    @Test
    @Timeout(60)
    void lock(@TempDir Path dir) throws Exception {
        List<String> lines = runBetweenProcesses(dir, "lock").lines();
        List<String> expected = new java.util.ArrayList<>();
        for (int i = 0; i < LockedPrint.PROCESSES; i++) {
            expected.add("hello world " + i);
        }
        assertEquals(expected, lines.stream().sorted(java.util.Comparator.comparingInt(
                (String l) -> Integer.parseInt(l.substring(l.lastIndexOf(' ') + 1)))).toList(),
                "each process prints one whole line, in any order: " + lines);
    }

    @Test
    @Timeout(60)
    void sharedState(@TempDir Path dir) throws Exception {
        assertEquals(List.of("3.1415927", "[0, -1, -2, -3, -4, -5, -6, -7, -8, -9]"),
                runBetweenProcesses(dir, "shared-state").lines());
    }

    @Test
    @Timeout(60)
    void listenerAndClient(@TempDir Path dir) throws Exception {
        List<String> lines = runBetweenProcesses(dir, "listener").lines();
        assertEquals(6, lines.size(), lines::toString);
        assertTrue(lines.get(0).matches("connection accepted from /127\\.0\\.0\\.1:\\d+"), lines.get(0));
        assertEquals(List.of(
                "[2.25, null, junk, class java.lang.Double]",
                "hello",
                "8",
                "[42, 1729, 0, 0, 0]",
                "client exit code: 0"), lines.subList(1, 6));
    }

    @Test
    @Timeout(60)
    void connectionWait(@TempDir Path dir) throws Exception {
        List<String> lines = runBetweenProcesses(dir, "connection-wait").lines();
        assertEquals(WaitPipes.CHILDREN * WaitPipes.MESSAGES, lines.size(), lines::toString);
        // each child's messages arrive in its order; together, every (i, name) once
        var perChild = new java.util.TreeMap<String, List<Integer>>();
        var m = Pattern.compile("\\[(\\d+), (Process-\\d+)]");
        for (String line : lines) {
            var match = m.matcher(line);
            assertTrue(match.matches(), line);
            perChild.computeIfAbsent(match.group(2), k -> new java.util.ArrayList<>())
                    .add(Integer.parseInt(match.group(1)));
        }
        assertEquals(WaitPipes.CHILDREN, perChild.size(), perChild::toString);
        List<Integer> inOrder = java.util.stream.IntStream.range(0, WaitPipes.MESSAGES).boxed().toList();
        perChild.forEach((name, is) -> assertEquals(inOrder, is, name));
    }

    @Test
    void waitOnFutureWithATimeout() throws Exception {
        List<String> lines = run(WaitOnFuture::main);
        assertEquals(3, lines.size(), lines::toString);
        assertTrue(lines.get(0).startsWith("inside the task: no result after 200 ms"), lines.get(0));
        assertTrue(lines.get(0).endsWith("state=pending>"), lines.get(0));
        assertEquals("once the outer task returned, the inner one ran: pow(5, 2) = 25", lines.get(1));
        assertEquals("with two workers: pow(5, 2) = 25", lines.get(2));
    }

    @Test
    void waitFirstCompleted() throws Exception {
        assertEquals(List.of(
                "FIRST_COMPLETED: done [quick], not done [slow]",
                "50 ms timeout:   done [], not done [slow]",
                "ALL_COMPLETED:   done [slow], not done []",
                "FIRST_EXCEPTION: done [failing], not done [later]; failing raised "
                        + "java.lang.IllegalStateException: no luck"), run(WaitFirstCompleted::main));
    }

    @Test
    void doneCallbacks() throws Exception {
        List<String> lines = run(DoneCallbacks::main);
        assertEquals(5, lines.size(), lines::toString);
        assertEquals("two callbacks added; the task waits for the go signal", lines.get(0));
        assertEquals("callback 1: result 42", lines.get(1));
        assertTrue(lines.get(2).matches("callback 2: <Future at 0x\\p{XDigit}+ state=finished returned Integer>"),
                lines.get(2));
        assertEquals("callback 3, added after the task finished, ran at once in thread \""
                + Thread.currentThread().getName() + "\"", lines.get(3));
        assertEquals("a callback of a failed task sees: java.lang.NumberFormatException: "
                + "For input string: \"forty-two\"", lines.get(4));
    }

    @Test
    void producerConsumer() throws Exception {
        assertEquals(List.of(
                "consumer: got item-1",
                "consumer: got item-2",
                "consumer: got item-3",
                "consumer: got item-4",
                "consumer: got item-5",
                "a sixth item within 100 ms? false"), run(ProducerConsumer::main));
    }

    @Test
    void barrier() throws Exception {
        List<String> lines = run(BarrierPhases::main);
        assertEquals(9, lines.size(), lines::toString);
        int action1 = indexOf(lines, "  barrier action: all 3 finished phase 1");
        int action2 = indexOf(lines, "  barrier action: all 3 finished phase 2");
        for (int w = 1; w <= 3; w++) {
            int p1 = indexOf(lines, "worker-" + w + " finished phase 1");
            int p2 = indexOf(lines, "worker-" + w + " finished phase 2");
            assertTrue(p1 < action1 && action1 < p2 && p2 < action2, lines::toString);
        }
        assertEquals("alone at a barrier of 2 for 100 ms: BrokenBarrierError, broken() = true", lines.get(8));
    }

    @Test
    void timer() throws Exception {
        assertEquals(List.of(
                "hello, world",
                "a timer cancelled while waiting ended without running its action: true"), run(TimerHello::main));
    }

    @Test
    void boundedSemaphore() throws Exception {
        List<String> lines = run(BoundedSemaphorePool::main);
        assertEquals(3, lines.size(), lines::toString);
        var m = Pattern.compile("6 workers shared 2 connections; at most (\\d) in use at once").matcher(lines.get(0));
        assertTrue(m.matches(), lines.get(0));
        int most = Integer.parseInt(m.group(1));
        assertTrue(most >= 1 && most <= 2, lines.get(0));
        assertTrue(lines.get(1).startsWith("a release past the initial value raised IllegalStateException"),
                lines.get(1));
        assertEquals("value() = 2", lines.get(2));
    }

    @Test
    void demoListsRunsAndRejects() {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try (var o = new PrintStream(out, true, StandardCharsets.UTF_8);
             var e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            assertEquals(0, Demo.run(new String[] {"--list"}, o, e));
            List<String> listed = out.toString(StandardCharsets.UTF_8).lines().map(l -> l.split(" ")[0]).toList();
            assertEquals(Demo.EXAMPLES.stream().map(Demo.Example::name).toList(), listed);

            assertEquals(2, Demo.run(new String[] {"timer", "no-such-example"}, o, e));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown example: no-such-example"));

            out.reset();
            assertEquals(0, Demo.run(new String[] {"quickstart"}, o, e));
            String shown = out.toString(StandardCharsets.UTF_8);
            assertTrue(shown.startsWith("=== quickstart: "), shown);
            assertFalse(shown.contains("=== timer"), shown);
        }
    }
}
