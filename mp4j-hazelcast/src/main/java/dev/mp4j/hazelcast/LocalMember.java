package dev.mp4j.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import dev.mp4j.InterruptedError;
import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Queue;

import java.io.Serial;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What a member JVM of {@link Cluster#local} runs: a Hazelcast member on 127.0.0.1, with the authkey this JVM
 * inherited from the one that started it, until it is shut down (mp4j's child JVMs also halt when their parent
 * dies).
 *
 * @param cluster the cluster's name
 * @param port this member's port
 * @param ports every member's port
 * @param started where it puts its port once its Hazelcast member is up
 */
record LocalMember(String cluster, int port, List<Integer> ports, Queue<Integer> started)
        implements SerializableRunnable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Hazelcast's INFO lines would fill the parent's log; its warnings still reach it. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    @Override
    public void run() {
        HAZELCAST_LOG.setLevel(Level.WARNING);
        serve(Configs.localMember(cluster, port, ports), Multiprocessing.currentProcess().authkey(),
                () -> started.put(port));
    }

    /**
     * Runs a member until it is shut down.
     *
     * @param config its configuration (mp4j's settings are added)
     * @param authkey the cluster's authkey
     * @param up called once the member is up
     */
    static void serve(com.hazelcast.config.Config config, byte[] authkey, Runnable up) {
        CountDownLatch down = new CountDownLatch(1);
        config.addListenerConfig(new com.hazelcast.config.ListenerConfig(
                (com.hazelcast.core.LifecycleListener) e -> {
                    if (e.getState() == LifecycleEvent.LifecycleState.SHUTDOWN) {
                        down.countDown();
                    }
                }));
        HazelcastInstance hz = Cluster.startMember(config, authkey);
        up.run();
        try {
            down.await();
        } catch (InterruptedException e) {
            hz.shutdown();
            throw InterruptedError.restore(e);
        }
    }
}
