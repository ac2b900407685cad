package dev.mp4j.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import dev.mp4j.multiprocessing.ProcessError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The member JVM of {@code ./mp4j member}, started as the launcher starts it, and clients with and without its key. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemberCommandTest {
    @Test
    void aMemberRunsTheTasksOfClientsWithItsAuthkeyOnly(@TempDir Path dir) throws Exception {
        Path keyFile = dir.resolve("authkey");
        Files.writeString(keyFile, "a key for the member test\n");
        int port = Cluster.freePorts(1).getFirst();
        String name = "mp4j-test-" + ProcessHandle.current().pid() + "-member";
        java.lang.Process member = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
                MemberMain.class.getName(), "--authkey-file", keyFile.toString(), "--cluster", name,
                "--port", Integer.toString(port), "--interface", "127.0.0.1", "--members", "127.0.0.1:" + port)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            ClientConfig config = new ClientConfig();
            config.setClusterName(name);
            config.getNetworkConfig().addAddress("127.0.0.1:" + port);
            config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(90_000);
            try (Cluster cluster = Cluster.connect(config, "a key for the member test".getBytes());
                 ClusterExecutor ex = cluster.executor("member")) {
                assertEquals(List.of(member.pid()), cluster.members().stream().map(m -> m.pid().orElseThrow()).toList());
                assertEquals(member.pid(), ex.submit(() -> ProcessHandle.current().pid()).result());
            }
            try (Cluster stranger = Cluster.connect(config, "another key".getBytes());
                 ClusterExecutor ex = stranger.executor("member")) {
                ProcessError e = assertThrows(ProcessError.class, () -> ex.submit(() -> 1).result());
                assertTrue(e.getMessage().contains("refused"), e.getMessage());
            }
        } finally {
            member.destroy();
            if (!member.waitFor(30, TimeUnit.SECONDS)) {
                member.destroyForcibly();
                member.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aMemberWithoutAnAuthkeyFileIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MemberMain.parse(new String[] {"--cluster", "x"}));
        assertTrue(e.getMessage().contains("--authkey-file"), e.getMessage());
    }
}
