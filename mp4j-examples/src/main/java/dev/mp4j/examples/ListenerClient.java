package dev.mp4j.examples;

import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;
import dev.mp4j.multiprocessing.Listener;
import dev.mp4j.multiprocessing.Process;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * "Listeners and Clients": a {@link Listener} with the authentication key {@code secret password} accepts a
 * connection and sends an object and two byte messages; a client in a child JVM connects with
 * {@link Connections#client(SocketAddress, byte[])}, answers the challenge, and receives them.
 *
 * <p>Python's server listens on port 6000; this one asks for port 0 on 127.0.0.1, so that the system picks
 * a free port, and hands the listener's address to the child. The third message is Python's
 * {@code array('i', [42, 1729])}: two ints in native byte order, received into a buffer of five.
 */
public final class ListenerClient {
    static final byte[] AUTHKEY = "secret password".getBytes(StandardCharsets.UTF_8);

    private ListenerClient() {}

    static void server(Listener listener) {
        try (Connection conn = listener.accept()) {
            System.out.println("connection accepted from " + listener.lastAccepted());
            System.out.flush();
            conn.send(Arrays.asList(2.25, null, "junk", Double.class));
            conn.sendBytes("hello".getBytes(StandardCharsets.UTF_8));
            conn.sendBytes(ints(42, 1729));
        }
    }

    static void client(SocketAddress address) {
        try (Connection conn = Connections.client(address, AUTHKEY)) {
            System.out.println(conn.recv().toString());                                    // [2.25, null, junk, class java.lang.Double]
            System.out.println(new String(conn.recvBytes(), StandardCharsets.UTF_8));      // hello
            byte[] arr = new byte[5 * Integer.BYTES];
            System.out.println(conn.recvBytesInto(arr));                                   // 8
            System.out.println(Arrays.toString(toInts(arr)));                              // [42, 1729, 0, 0, 0]
            System.out.flush();
        }
    }

    public static void main(String[] args) {
        var address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (var listener = new Listener(address, 1, AUTHKEY)) {
            SocketAddress bound = listener.address();
            var p = new Process(() -> client(bound));
            p.start();
            server(listener);
            p.join();
            System.out.println("client exit code: " + p.exitCode().orElseThrow());
        }
    }

    static byte[] ints(int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.nativeOrder());
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    static int[] toInts(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        int[] values = new int[bytes.length / Integer.BYTES];
        for (int i = 0; i < values.length; i++) {
            values[i] = b.getInt();
        }
        return values;
    }
}
