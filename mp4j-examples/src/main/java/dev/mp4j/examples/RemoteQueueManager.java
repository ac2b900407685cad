package dev.mp4j.examples;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.managers.BaseManager;
import dev.mp4j.multiprocessing.managers.Server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The "Using a remote manager" example of Python's {@code multiprocessing} documentation: a server for a
 * single shared queue, and clients that know only its address and authkey.
 *
 * <p>This JVM serves the queue ({@code getServer().serveForever()}, on a free TCP port of 127.0.0.1). One
 * client, a separate JVM, puts {@code 'hello'}; a local worker process puts {@code 'local hello'} into the
 * same queue directly (it is a {@link Multiprocessing#queue()}, which the server hands out); another client
 * gets both through the manager.
 */
public final class RemoteQueueManager {
    private RemoteQueueManager() {}

    /** Python's {@code class QueueManager(BaseManager): pass}. */
    static final class QueueManager extends BaseManager {
        QueueManager(SocketAddress address, byte[] authkey) {
            super(address, authkey);
        }
    }

    /** A client: connects knowing only the address and the key, and returns the shared queue. */
    @SuppressWarnings("unchecked")
    static Queue<String> connect(SocketAddress address, byte[] authkey) {
        var m = new QueueManager(address, authkey);
        m.register("get_queue");
        m.connect();
        return m.create("get_queue", Queue.class);
    }

    public static void main(String[] args) throws Exception {
        byte[] authkey = "abracadabra".getBytes(StandardCharsets.UTF_8);

        // the server: one queue, served by this JVM
        Queue<String> queue = Multiprocessing.queue();
        var manager = new QueueManager(new InetSocketAddress("127.0.0.1", 0), authkey);
        manager.register("get_queue", () -> queue);
        Server server = manager.getServer();
        Thread serving = new Thread(server::serveForever, "serve-forever");
        serving.start();
        SocketAddress address = server.address();

        // one client, in another JVM
        Process client = new Process(() -> connect(address, authkey).put("hello"));
        client.start();
        client.join();

        // a local process puts into the queue itself
        Process worker = new Process(() -> queue.put("local hello"));
        worker.start();
        worker.join();

        // another client
        Queue<String> remote = connect(address, authkey);
        System.out.println(remote.get());
        System.out.println(remote.get());

        manager.shutdown();
        serving.join();
        queue.close();
    }
}
