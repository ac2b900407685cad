package dev.mp4j.multiprocessing.managers;

import dev.mp4j.multiprocessing.AuthenticationError;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CPython's {@code _TestRemoteManager} and {@code _TestManagerRestart}: a manager served on TCP with an
 * authkey, used by another JVM that knows only the address and the key; plus a wrong key, a server in this
 * process ({@code getServer().serveForever()}), and a server that dies under its clients.
 */
@Timeout(60)
class RemoteManagerTest {
    /** The server's one queue (in the server JVM: its own copy of this class). */
    static final LinkedBlockingQueue<Object> QUEUE = new LinkedBlockingQueue<>();

    static LinkedBlockingQueue<Object> getQueue() {
        return QUEUE;
    }

    static final List<Object> VALUES = List.of("hello world", true, 2.25, "hallå världen", "привіт світ",
            List.of(1, 2, 3));

    /** The manager class used by the server. */
    static final class QueueManager extends BaseManager {
        QueueManager(SocketAddress address, byte[] authkey) {
            super(address, authkey);
            register("get_queue", RemoteManagerTest::getQueue);
        }
    }

    /** The manager class of the clients: the same interface, no callable. */
    static final class QueueManager2 extends BaseManager {
        QueueManager2(SocketAddress address, byte[] authkey) {
            super(address, authkey);
            register("get_queue");
        }
    }

    @SuppressWarnings("unchecked")
    private static BlockingQueue<Object> queueOf(BaseManager m) {
        return m.create("get_queue", BlockingQueue.class);
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    /** A child that knows only the address and the key puts the values. */
    private static void putter(SocketAddress address, byte[] authkey) throws InterruptedException {
        QueueManager2 manager = new QueueManager2(address, authkey);
        manager.connect();
        queueOf(manager).put(new ArrayList<>(VALUES));
    }

    @Test
    void testRemote() throws Exception {
        byte[] authkey = randomKey();
        QueueManager manager = new QueueManager(new InetSocketAddress("127.0.0.1", 0), authkey);
        manager.start();
        try {
            InetSocketAddress address = (InetSocketAddress) manager.address();
            assertTrue(address.getPort() > 0);
            Process p = Multiprocessing.process(() -> {
                try {
                    putter(address, authkey);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            p.setDaemon(true);
            p.start();

            QueueManager2 manager2 = new QueueManager2(address, authkey);
            manager2.connect();
            BlockingQueue<Object> queue = queueOf(manager2);
            assertEquals(VALUES, queue.poll(30, TimeUnit.SECONDS));
            p.join(Duration.ofSeconds(30));
            assertEquals(0, p.exitCode().orElse(-1));

            // what cannot be serialized is not sent
            assertThrows(IllegalArgumentException.class, () -> queue.put(new Object()));

            // a client with the wrong key is refused; the server goes on serving the others
            QueueManager2 intruder = new QueueManager2(address, randomKey());
            assertThrows(AuthenticationError.class, intruder::connect);
            assertThrows(IllegalStateException.class, () -> intruder.createProxy("get_queue"));
            queue.put("still served");
            assertEquals("still served", queue.take());
            assertThrows(IllegalStateException.class, manager2::shutdown); // it did not start the server
            manager2.close(); // a connected manager does not stop the server
            assertThrows(IllegalStateException.class, () -> queueOf(manager2));
            assertTrue(queueOf(newConnected(address, authkey)).isEmpty());
        } finally {
            manager.shutdown();
        }
    }

    private static QueueManager2 newConnected(SocketAddress address, byte[] authkey) {
        QueueManager2 m = new QueueManager2(address, authkey);
        m.connect();
        return m;
    }

    @Test
    void testRapidRestart() throws Exception {
        byte[] authkey = randomKey();
        QueueManager manager = new QueueManager(new InetSocketAddress("127.0.0.1", 0), authkey);
        manager.start();
        SocketAddress address = manager.address();
        BlockingQueue<Object> old = queueOf(manager);
        old.put("hello world");
        assertEquals("hello world", old.take());
        manager.shutdown();

        QueueManager again = new QueueManager(address, authkey); // the same address, at once
        again.start();
        try {
            assertEquals(address, again.address());
            BlockingQueue<Object> queue = queueOf(again);
            queue.put("hello again");
            assertEquals("hello again", queue.take());
            // a proxy of the old server is refused by the new one, not taken for another referent
            RemoteError stale = assertThrows(RemoteError.class, old::size);
            assertTrue(stale.getMessage().contains("earlier server"), stale::getMessage);
        } finally {
            again.shutdown();
        }
    }

    @Test
    void serveForeverInThisProcess() throws Exception {
        byte[] authkey = randomKey();
        QueueManager manager = new QueueManager(new InetSocketAddress("127.0.0.1", 0), authkey);
        Server server = manager.getServer();
        assertEquals(manager.address(), server.address());
        CompletableFuture<Void> serving = CompletableFuture.runAsync(server::serveForever);
        QueueManager2 client = newConnected(server.address(), authkey);
        BlockingQueue<Object> queue = queueOf(client);
        queue.put("local");
        assertEquals("local", queue.poll(10, TimeUnit.SECONDS));
        assertEquals(QUEUE.size(), queue.size()); // the referent is this JVM's own queue
        QUEUE.add("direct");
        assertEquals("direct", queue.take());
        assertFalse(serving.isDone());
        manager.shutdown();
        serving.get(10, TimeUnit.SECONDS);
        assertThrows(IllegalStateException.class, server::serveForever);
        assertThrows(RuntimeException.class, queue::size);
    }

    @Test
    void aServerThatDiesFailsItsClientsPromptly() throws Exception {
        SyncManager manager = new SyncManager();
        manager.start();
        try {
            Queue<String> q = manager.queue();
            q.put("first");
            assertEquals("first", q.get());
            CompletableFuture<String> blocked = CompletableFuture.supplyAsync(q::get);
            assertEquals(1, manager.awaitCalls(1, Duration.ofSeconds(10)));
            manager.serverProcess().kill();
            ExecutionException e = assertThrows(ExecutionException.class, () -> blocked.get(20, TimeUnit.SECONDS));
            assertInstanceOf(EOFError.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("shut down or died"), e.getCause()::getMessage);
            RuntimeException next = assertThrows(RuntimeException.class, () -> q.put("to nobody"));
            assertTrue(next instanceof UncheckedIOException || next instanceof EOFError, next::toString);
        } finally {
            manager.shutdown(); // the process is dead already: nothing to wait for
        }
        assertEquals(-9, manager.serverProcess().exitCode().orElseThrow());
        assertTrue(Arrays.asList(0, -9).contains(manager.serverProcess().exitCode().orElseThrow()));
    }
}
