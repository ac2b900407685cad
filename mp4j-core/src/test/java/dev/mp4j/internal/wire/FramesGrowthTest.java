package dev.mp4j.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.StreamCorruptedException;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** {@link Frames#read} of payloads past its eager allocation: the array grows as the bytes arrive. */
class FramesGrowthTest {
    @Test
    void aPayloadLongerThanTheEagerAllocationArrivesWhole() throws IOException {
        byte[] payload = new byte[3 * Frames.EAGER_ALLOCATION + 12345];
        new Random(1).nextBytes(payload);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        Frames.write(out, payload, 0, payload.length);
        Frames.write(out, new byte[] {7}, 0, 1);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b.toByteArray()));
        assertArrayEquals(payload, Frames.read(in, Integer.MAX_VALUE - 16L));
        assertArrayEquals(new byte[] {7}, Frames.read(in, 1));
    }

    @Test
    void anEmptyFrameAtTheEndOfTheStreamIsAFrame() throws IOException {
        // a stream whose read(buf, off, 0) says -1 at its end, as ByteArrayInputStream's does (a fuzzing find)
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(new byte[] {0, 0, 0, 0}));
        assertArrayEquals(new byte[0], Frames.read(in, 10));
        assertThrows(java.io.EOFException.class, () -> Frames.read(in, 10));
    }

    @Test
    void aHugeAnnouncedLengthWithFewBytesIsATruncatedFrame() {
        byte[] stream = {0x7f, (byte) 0xff, (byte) 0xff, 0x00, 1, 2, 3};
        StreamCorruptedException e = assertThrows(StreamCorruptedException.class,
                () -> Frames.read(new DataInputStream(new ByteArrayInputStream(stream)), Integer.MAX_VALUE - 16L));
        assertTrue(e.getMessage().contains("truncated frame"), e.getMessage());
    }
}
