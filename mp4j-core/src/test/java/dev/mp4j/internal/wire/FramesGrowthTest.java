package dev.mp4j.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StreamCorruptedException;
import java.lang.management.ManagementFactory;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * {@link FrameChannel#receive} of payloads past {@link Frames#EAGER_ALLOCATION}: the array grows as the bytes
 * arrive.
 */
class FramesGrowthTest {
    private static FrameChannel reading(byte[] stream) {
        return new FrameChannel(new ByteArrayInputStream(stream), OutputStream.nullOutputStream());
    }

    @Test
    void aPayloadLongerThanTheEagerAllocationArrivesWhole() throws IOException {
        byte[] payload = new byte[3 * Frames.EAGER_ALLOCATION + 12345];
        new Random(1).nextBytes(payload);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (FrameChannel sender = new FrameChannel(InputStream.nullInputStream(), b)) {
            sender.send(payload, 0, payload.length);
            sender.send(new byte[] {7}, 0, 1);
        }
        try (FrameChannel in = reading(b.toByteArray())) {
            assertArrayEquals(payload, in.receive(Integer.MAX_VALUE - 16L));
            assertArrayEquals(new byte[] {7}, in.receive(1L));
        }
    }

    @Test
    void anEmptyFrameAtTheEndOfTheStreamIsAFrame() throws IOException {
        // a stream whose read(buf, off, 0) says -1 at its end, as ByteArrayInputStream's does (a fuzzing find)
        try (FrameChannel in = reading(new byte[] {0, 0, 0, 0})) {
            assertArrayEquals(new byte[0], in.receive(10L));
            assertThrows(EOFException.class, () -> in.receive(10L));
        }
    }

    @Test
    void aHugeAnnouncedLengthWithFewBytesIsATruncatedFrame() {
        byte[] stream = {0x7f, (byte) 0xff, (byte) 0xff, 0x00, 1, 2, 3};
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (FrameChannel in = reading(stream)) {
            long before = threads.getCurrentThreadAllocatedBytes();
            StreamCorruptedException e = assertThrows(StreamCorruptedException.class,
                    () -> in.receive(Integer.MAX_VALUE - 16L));
            long used = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals("truncated frame: expected 2147483392 bytes, got 3", e.getMessage());
            // the eager part and the channel's buffer, not the 2 GiB announced
            assertTrue(used < 4 * Frames.EAGER_ALLOCATION, "allocated " + used + " bytes");
        }
    }
}
