package dev.mp4j.hazelcast;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.IExecutorService;
import dev.mp4j.function.SerializableCallable;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.multiprocessing.ProcessError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A member in this JVM: what it runs, and what it refuses. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SignedTransportTest {
    private static final byte[] KEY = "the cluster's key".getBytes();
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** A serializable task that is not one of mp4j's carriers. */
    static final class Foreign implements Callable<Integer>, Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public Integer call() {
            return RUNS.incrementAndGet();
        }
    }

    @Test
    void aMemberRunsOnlyWhatIsSignedWithItsKey() throws Exception {
        String name = "mp4j-test-" + ProcessHandle.current().pid() + "-signed";
        int port = Cluster.freePorts(1).getFirst();
        List<LogRecord> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public synchronized void publish(LogRecord r) {
                logged.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger log = Logger.getLogger("dev.mp4j.hazelcast");
        log.addHandler(capture);
        try (Cluster cluster = Cluster.embedded(Configs.localMember(name, port, List.of(port)), KEY)) {
            SerializableCallable<Integer> count = () -> RUNS.incrementAndGet(); // reads the static field where it runs
            IExecutorService raw = cluster.hazelcast().getExecutorService("raw");

            byte[] wronglySigned = new Job(count, 0).seal(new Signing("another key".getBytes()));
            assertNull(raw.submit(new SignedCall(wronglySigned)).get(60, TimeUnit.SECONDS));
            byte[] unsigned = Codec.encode(count);
            assertNull(raw.submit(new SignedCall(unsigned)).get(60, TimeUnit.SECONDS));
            byte[] tampered = new Job(count, 0).seal(new Signing(KEY));
            tampered[tampered.length - 1] ^= 1;
            assertNull(raw.submit(new SignedCall(tampered)).get(60, TimeUnit.SECONDS));

            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> raw.submit(new Foreign()).get(60, TimeUnit.SECONDS));
            assertTrue(e.getCause().toString().contains("Foreign"), e.getCause().toString());

            assertEquals(0, RUNS.get(), "nothing ran");
            synchronized (capture) {
                long refusals = logged.stream().filter(r -> r.getLevel() == Level.WARNING
                        && r.getMessage().contains("refused a task")).count();
                assertEquals(3, refusals);
            }

            try (ClusterExecutor ex = cluster.executor("signed")) {
                assertEquals(1, ex.submit(count).result());
            }
            assertEquals(1, RUNS.get());
        } finally {
            log.removeHandler(capture);
        }
    }

    @Test
    void aResultIsTheValueOrTheExceptionTheHeaderSays() {
        String name = "mp4j-test-" + ProcessHandle.current().pid() + "-outcomes";
        int port = Cluster.freePorts(1).getFirst();
        try (Cluster cluster = Cluster.embedded(Configs.localMember(name, port, List.of(port)), KEY);
             ClusterExecutor ex = cluster.executor("outcomes")) {
            assertNull(ex.submit(() -> null).result());
            Object value = ex.submit(() -> new IllegalStateException("returned, not raised")).result();
            assertEquals("returned, not raised", ((IllegalStateException) value).getMessage());
            IllegalStateException raised = assertThrows(IllegalStateException.class,
                    () -> ex.submit(() -> {
                        throw new IllegalStateException("raised");
                    }).result());
            assertEquals("raised", raised.getMessage());
            assertEquals(List.of(1, 2), ex.submit(() -> List.of(1, 2)).result());
        }
    }

    @Test
    void aTaskOrResultWithoutAHeaderIsRefused() throws Exception {
        Signing signing = new Signing(KEY);
        byte[] bare = signing.seal(7); // rightly signed, but too short for a header
        assertTrue(bare.length < Signing.TAG + Long.BYTES, bare.length + " bytes");
        assertThrows(IOException.class, () -> Outcome.open(signing, bare, null));
        byte[] notACall = new Signing(KEY).seal(0L, "a string");
        assertThrows(IOException.class, () -> Job.open(signing, notACall, null));
        byte[] badKind = new Signing(KEY).seal(5L, 7);
        assertThrows(IOException.class, () -> Outcome.open(signing, badKind, null));
    }

    @Test
    void anUnreachableClusterFailsConnectWithinItsTimeout() {
        int port = Cluster.freePorts(1).getFirst();
        ClientConfig config = new ClientConfig();
        config.setClusterName("mp4j-test-nobody");
        config.getNetworkConfig().addAddress("127.0.0.1:" + port);
        config.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(2_000);
        ProcessError e = assertThrows(ProcessError.class, () -> Cluster.connect(config, KEY));
        assertTrue(e.getMessage().contains("mp4j-test-nobody") && e.getMessage().contains("127.0.0.1:" + port),
                e.getMessage());
    }
}
