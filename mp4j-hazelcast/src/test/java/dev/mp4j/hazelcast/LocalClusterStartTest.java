package dev.mp4j.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import dev.mp4j.multiprocessing.ProcessError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How {@link Cluster#local} starts its members: the JVM options they get, and members that die at start-up. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalClusterStartTest {
    @Test
    void membersThatDieWhileStartingFailLocalWithTheirExitCode() {
        // a JVM that starts, then fails to make its Hazelcast member: the client is never made, so start-up does
        // not wait out its connection timeout
        ProcessError e = assertThrows(ProcessError.class,
                () -> Cluster.local(2, List.of("-Dhazelcast.partition.count=not-a-number")).close());
        assertTrue(e.getMessage().contains("exited with code") && e.getMessage().contains("while starting"),
                e.getMessage());
    }

    @Test
    void membersGetTheAccessHazelcastAsksFor() {
        Module hz = HazelcastInstance.class.getModule();
        String to = hz.isNamed() ? hz.getName() : "ALL-UNNAMED";
        List<String> options = Cluster.hazelcastAccess();
        assertTrue(options.contains("--add-opens=java.base/java.lang=" + to), options.toString());
        assertTrue(options.contains("--add-opens=java.base/sun.nio.ch=" + to), options.toString());
        assertTrue(options.contains("--add-exports=java.base/jdk.internal.ref=" + to), options.toString());
        assertTrue(options.stream().allMatch(o -> o.startsWith("--add-opens=") || o.startsWith("--add-exports=")),
                options.toString());
    }
}
