package dev.mp4j.examples;

import dev.mp4j.multiprocessing.Connection;
import dev.mp4j.multiprocessing.Connections;
import dev.mp4j.multiprocessing.EOFError;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Sentinel;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code multiprocessing.connection.wait}: four child JVMs each send ten messages on a pipe of their own;
 * the parent waits on all the reading ends at once with {@link Connections#wait(java.util.Collection)},
 * prints each message as it comes, and drops a reader when it reaches the end of its pipe.
 *
 * <p>As in Python, the parent closes its copy of each writing end once the child has started, so that the
 * child is the only process holding it: when the child closes it (or ends), the reading end becomes ready
 * and {@code recv} throws {@link EOFError}.
 */
public final class WaitPipes {
    static final int CHILDREN = 4;
    static final int MESSAGES = 10;

    private WaitPipes() {}

    static void foo(Connection w) {
        for (int i = 0; i < MESSAGES; i++) {
            w.send(List.of(i, Multiprocessing.currentProcess().name()));
        }
        w.close();
    }

    public static void main(String[] args) {
        List<Connection> readers = new ArrayList<>();
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < CHILDREN; i++) {
            var pipe = Multiprocessing.pipe(false);
            Connection r = pipe.conn1();
            Connection w = pipe.conn2();
            readers.add(r);
            var p = new Process(() -> foo(w));
            p.start();
            children.add(p);
            // Close the writing end here, so that the child is the only process holding it.
            w.close();
        }

        while (!readers.isEmpty()) {
            for (Sentinel s : Connections.wait(readers)) {
                Connection r = (Connection) s;
                try {
                    Object msg = r.recv();
                    System.out.println(msg);
                } catch (EOFError e) {
                    readers.remove(r);
                    r.close();
                }
            }
        }
        children.forEach(Process::join);
    }
}
