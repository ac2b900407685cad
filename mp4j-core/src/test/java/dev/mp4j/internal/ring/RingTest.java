package dev.mp4j.internal.ring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.util.Timeouts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ring's own paths, in one JVM with a small ring: single writes, batches, try-writes and messages larger
 * than the ring all arrive whole, once, in order, while reader and writer keep waking each other (a writer
 * waiting for room, a reader for records).
 */
@Timeout(120)
class RingTest {
    private static byte[] message(int seq, int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seq * 31 + i);
        }
        if (size >= 4) {
            b[0] = (byte) (seq >>> 24);
            b[1] = (byte) (seq >>> 16);
            b[2] = (byte) (seq >>> 8);
            b[3] = (byte) seq;
        }
        return b;
    }

    /** Reads count messages, each within a minute, and checks each against what was written. */
    private static void readInOrder(Ring r, int count, IntFunction<byte[]> expected, AtomicReference<Throwable> failure) {
        for (int seq = 0; seq < count; seq++) {
            byte[] got = r.read(Timeouts.deadline(60_000_000_000L), Integer.MAX_VALUE, Ring.NONE);
            if (got == null) {
                throw new AssertionError("message " + seq + " did not arrive", failure.get());
            }
            assertArrayEquals(expected.apply(seq), got, "message " + seq);
        }
    }

    /** A new ring, a writer's and a reader's handle on it; closing both unlinks it and checks it is gone. */
    private record Pair(Ring w, Ring r) implements AutoCloseable {
        static Pair of(int capacity) {
            Ring w = Ring.create(capacity);
            return new Pair(w, Ring.attach(w.name()));
        }

        @Override
        public void close() {
            String name = w.name();
            r.close();
            w.close();
            Ring.unlink(name);
            assertFalse(Files.exists(Path.of("/dev/shm", name)));
        }
    }

    @Test
    void everyWayOfWritingArrivesWholeOnceAndInOrder() throws Exception {
        try (Pair p = Pair.of(4096)) {
            Ring w = p.w();
            Ring r = p.r();
            int count = 3000;
            Random rnd = new Random(7);
            int[] sizes = new int[count];
            for (int i = 0; i < count; i++) {
                int k = rnd.nextInt(10);
                sizes[i] = k == 0 ? 4 + rnd.nextInt(20_000) : k < 3 ? 4 + rnd.nextInt(1500) : 4 + rnd.nextInt(60);
            }
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    int seq = 0;
                    while (seq < count) {
                        int kind = seq % 3;
                        if (kind == 0) {
                            byte[] m = message(seq, sizes[seq]);
                            w.write(m, 0, m.length, Ring.NONE);
                            seq++;
                        } else if (kind == 1) {
                            List<byte[]> batch = new ArrayList<>();
                            for (int j = 0; j < 7 && seq < count; j++, seq++) {
                                batch.add(message(seq, sizes[seq]));
                            }
                            w.writeAll(batch, Ring.NONE);
                        } else {
                            byte[] m = message(seq, sizes[seq]);
                            if (!w.tryWrite(m, 0, m.length)) {
                                w.write(m, 0, m.length, Ring.NONE);
                            }
                            seq++;
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            readInOrder(r, count, seq -> message(seq, sizes[seq]), failure);
            writer.join();
            assertNull(failure.get());
            assertFalse(r.hasData());
            assertNull(r.read(Timeouts.deadline(0), Integer.MAX_VALUE, Ring.NONE));
        }
    }

    @Test
    void messagesManyTimesTheRingStreamThroughItWhole() throws Exception {
        try (Pair p = Pair.of(64 * 1024)) {
            Ring w = p.w();
            Ring r = p.r();
            int count = 40;
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    for (int seq = 0; seq < count; seq++) {
                        byte[] m = message(seq, 1024 * 1024 + seq * 13);
                        w.write(m, 0, m.length, Ring.NONE);
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            readInOrder(r, count, seq -> message(seq, 1024 * 1024 + seq * 13), failure);
            writer.join();
            assertNull(failure.get());
            assertFalse(r.hasData());
        }
    }

    @Test
    void readIntoTakesAStreamedMessageIntoTheBufferOrWholeIntoItsOwnArray() throws Exception {
        try (Pair p = Pair.of(4096)) {
            Ring w = p.w();
            Ring r = p.r();
            byte[] big = message(1, 20_000); // streamed: more than the ring holds
            byte[] next = message(2, 30);
            Thread writer = Thread.ofPlatform().start(() -> {
                w.write(big, 0, big.length, Ring.NONE);
                w.write(big, 0, big.length, Ring.NONE);
                w.write(next, 0, next.length, Ring.NONE);
            });
            byte[] buf = new byte[20_010];
            java.util.Arrays.fill(buf, (byte) 7);
            assertEquals(20_000, r.readInto(Timeouts.deadline(60_000_000_000L), buf, 10, Ring.NONE));
            assertArrayEquals(big, java.util.Arrays.copyOfRange(buf, 10, 20_010));
            assertEquals(7, buf[9], "nothing before the offset is written");
            Ring.TooShort tooShort = assertThrows(Ring.TooShort.class,
                    () -> r.readInto(Timeouts.deadline(60_000_000_000L), buf, 11, Ring.NONE));
            assertArrayEquals(big, tooShort.message(), "the whole message, in an array of its own");
            assertEquals(30, r.readInto(Timeouts.deadline(60_000_000_000L), buf, 0, Ring.NONE), "the next one is whole");
            assertArrayEquals(next, java.util.Arrays.copyOf(buf, 30));
            writer.join();
            assertEquals(-1, r.readInto(Timeouts.deadline(0), buf, 0, Ring.NONE), "nothing left");
        }
    }

    @Test
    void aWriterWaitingForRoomGoesOnOnceAReaderFreesEnough() throws Exception {
        try (Pair p = Pair.of(4096)) {
            Ring w = p.w();
            Ring r = p.r();
            byte[] big = message(1, 3000);
            w.write(big, 0, big.length, Ring.NONE);
            assertFalse(w.tryWrite(big, 0, big.length), "the ring has no room for a second one");
            Thread writer = Thread.ofPlatform().start(() -> w.write(big, 0, big.length, Ring.NONE));
            assertArrayEquals(big, r.read(Timeouts.FOREVER, Integer.MAX_VALUE, Ring.NONE));
            assertArrayEquals(big, r.read(Timeouts.FOREVER, Integer.MAX_VALUE, Ring.NONE));
            writer.join();
            assertTrue(!r.hasData());
            assertEquals(4096, r.capacity());
        }
    }
}
