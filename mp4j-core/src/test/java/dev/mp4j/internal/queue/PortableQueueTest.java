package dev.mp4j.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.multiprocessing.JoinableQueue;
import dev.mp4j.multiprocessing.Queue;
import dev.mp4j.multiprocessing.SimpleQueue;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.StreamCorruptedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task that captures a queue stays in the codec's fast form (the queue travels as its form's class and
 * names), is read back into a working handle, and shows the filter the form class as a JDK stream does.
 */
@Timeout(60)
class PortableQueueTest {
    private static final byte FAST = 0x01;

    @Test
    void aTaskCapturingQueuesTakesTheFastFormAndItsQueuesWork() throws Exception {
        Queue<String> q = IpcQueues.queue(0, null);
        JoinableQueue<String> jq = IpcQueues.joinableQueue(3, null);
        SimpleQueue<String> sq = IpcQueues.simpleQueue(null);
        try {
            SerializableRunnable task = () -> {
                q.put("a");
                jq.put("b");
                sq.put("c");
            };
            byte[] bytes = Codec.encode(task);
            assertEquals(FAST, bytes[0], "a queue in a task no longer needs JDK serialization");
            Runnable read = (Runnable) Codec.decode(bytes, null);
            read.run();
            assertEquals("a", q.get(Duration.ofSeconds(10)));
            assertEquals("b", jq.get(Duration.ofSeconds(10)));
            jq.taskDone();
            jq.join();
            assertEquals("c", sq.get());
        } finally {
            q.close();
            jq.close();
            sq.close();
        }
    }

    @Test
    void theFastAndJdkFormsOfAQueueReadBackAlike() throws Exception {
        Queue<Integer> q = IpcQueues.queue(2, null);
        try {
            byte[] fast = Codec.encode(q);
            assertEquals(FAST, fast[0]);
            @SuppressWarnings("unchecked")
            Queue<Integer> back = (Queue<Integer>) Codec.decode(fast, null);
            back.put(1);
            back.put(2);
            assertEquals(1, q.get(Duration.ofSeconds(10)));
            back.close();
        } finally {
            q.close();
        }
    }

    @Test
    void aQueueThatOccursTwiceIsReadBackAsOneHandle() throws Exception {
        Queue<String> q = IpcQueues.queue(0, null);
        try {
            byte[] bytes = Codec.encode(new Object[] {q, q});
            Object[] back = (Object[]) Codec.decode(bytes, null);
            assertSame(back[0], back[1], "one handle, as a JDK stream reads a shared object");
            ((Queue<?>) back[0]).close();
        } finally {
            q.close();
        }
    }

    @Test
    void aFilterThatRejectsTheFormRejectsTheFastForm() throws Exception {
        Queue<String> q = IpcQueues.queue(0, null);
        try {
            SerializableRunnable task = () -> q.put("x");
            byte[] bytes = Codec.encode(task);
            assertEquals(FAST, bytes[0]);
            ObjectInputFilter noQueues = info -> info.serialClass() != null
                    && info.serialClass().getName().equals("dev.mp4j.internal.queue.QueueImpl$Form")
                    ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED;
            assertThrows(InvalidClassException.class, () -> Codec.decode(bytes, noQueues));
        } finally {
            q.close();
        }
    }

    @Test
    void aFilterSeesTheClassesAJdkStreamShows() throws Exception {
        Queue<String> q = IpcQueues.queue(3, null);
        try {
            byte[] bytes = Codec.encode(q);
            assertEquals(FAST, bytes[0]);
            // the form's int and boolean fields are primitives in a JDK stream: an allow-list of mp4j's classes
            // alone reads the handle
            Object back = Codec.decode(bytes, ObjectInputFilter.Config.createFilter("dev.mp4j.**;!*"));
            ((Queue<?>) back).close();
            // and the handle's own class is shown, as a JDK stream shows what readResolve returned
            ObjectInputFilter noHandles = info -> info.serialClass() == QueueImpl.class
                    ? ObjectInputFilter.Status.REJECTED : ObjectInputFilter.Status.UNDECIDED;
            assertThrows(InvalidClassException.class, () -> Codec.decode(bytes, noHandles));
        } finally {
            q.close();
        }
    }

    @Test
    void aFormValueOfAnotherKindIsACorruptStream() {
        // MAGIC, PORTABLE, SimpleQueueImpl's form (one value), the value an empty ArrayList (tag 22, length 0)
        byte[] head = portable("dev.mp4j.internal.queue.SimpleQueueImpl$Form", 1);
        byte[] b = java.util.Arrays.copyOf(head, head.length + 2);
        b[head.length] = 22;
        b[head.length + 1] = 0;
        IOException e = assertThrows(IOException.class, () -> Codec.decode(b, null));
        assertTrue(e instanceof StreamCorruptedException, e.toString());
    }

    @Test
    void aStreamNamingAnotherClassOrTheWrongCountIsRefused() {
        // MAGIC, PORTABLE, the class name (STR8), the count
        assertThrows(InvalidClassException.class, () -> Codec.decode(portable("java.lang.String", 0), null));
        assertThrows(InvalidClassException.class,
                () -> Codec.decode(portable("dev.mp4j.internal.queue.QueueImpl", 0), null));
        IOException e = assertThrows(IOException.class,
                () -> Codec.decode(portable("dev.mp4j.internal.queue.SimpleQueueImpl$Form", 0), null));
        assertTrue(e instanceof StreamCorruptedException, e.toString());
    }

    private static byte[] portable(String name, int count) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[n.length + 5];
        b[0] = FAST;
        b[1] = 37; // PORTABLE
        b[2] = 10; // STR8
        b[3] = (byte) n.length;
        System.arraycopy(n, 0, b, 4, n.length);
        b[b.length - 1] = (byte) count;
        return b;
    }
}
