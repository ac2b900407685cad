package dev.mp4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the {@code cluster} example (3 local Hazelcast members, one killed) in a demo JVM and checks its output. */
class ClusterExampleTest {
    private static final Pattern PIDS = Pattern.compile("\\d+");

    private static List<Long> pids(String list) {
        List<Long> out = new ArrayList<>();
        Matcher m = PIDS.matcher(list);
        while (m.find()) {
            out.add(Long.parseLong(m.group()));
        }
        return out;
    }

    @Test
    void registeredInTheDemo() {
        assertTrue(Demo.EXAMPLES.stream().anyMatch(e -> e.name().equals("cluster")));
    }

    @Test
    @Timeout(240)
    void aMapSurvivesAKilledMember(@TempDir Path dir) throws Exception {
        DemoJvm.Result r = DemoJvm.run(dir, 220, "cluster");
        assertEquals(0, r.exitCode(), r::stderr);
        List<String> lines = r.lines();
        assertEquals(7, lines.size(), lines::toString);

        Matcher start = Pattern.compile("a cluster of 3 members: pids (\\[\\d+, \\d+, \\d+])").matcher(lines.get(0));
        assertTrue(start.matches(), lines.get(0));
        List<Long> members = pids(start.group(1));
        assertFalse(members.contains(ProcessHandle.current().pid()));
        assertEquals(3, members.stream().distinct().count(), lines.get(0));
        assertEquals("all 12 tasks started on the 3 members", lines.get(1));

        Matcher killed = Pattern.compile("killed member (\\d+) \\(SIGKILL\\) while its tasks ran").matcher(lines.get(2));
        assertTrue(killed.matches(), lines.get(2));
        long victim = Long.parseLong(killed.group(1));
        assertTrue(members.contains(victim), lines.get(2));

        assertEquals(IntStream.range(0, ClusterFailover.ITEMS).map(x -> x * x).boxed().toList().toString(), lines.get(3));
        assertEquals("every result right: true", lines.get(4));
        List<Long> survivors = new ArrayList<>(members);
        survivors.remove(victim);
        assertEquals("the cluster now has 2 members: pids " + survivors, lines.get(5));
        assertEquals("the killed member's 4 tasks ran again on the others", lines.get(6));

        for (long pid : members) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "member " + pid + " is gone");
        }
    }
}
