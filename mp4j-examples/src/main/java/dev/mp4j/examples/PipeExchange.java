package dev.mp4j.examples;

import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;

import java.util.Arrays;
import java.util.List;

/**
 * "Exchanging objects between processes", pipes: {@link Multiprocessing#pipe()} gives the two ends of a
 * duplex pipe; the child sends a list on its end and closes it, the parent receives it on the other.
 */
public final class PipeExchange {
    private PipeExchange() {}

    static void f(Connection conn) {
        conn.send(Arrays.asList(42, null, "hello"));
        conn.close();
    }

    public static void main(String[] args) {
        var pipe = Multiprocessing.pipe();
        Connection parentConn = pipe.conn1();
        Connection childConn = pipe.conn2();
        var p = new Process(() -> f(childConn));
        p.start();
        List<Object> received = parentConn.recv();
        System.out.println(received);   // prints "[42, null, hello]"
        p.join();
        parentConn.close();
        childConn.close();
    }
}
