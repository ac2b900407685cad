package dev.mp4j.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.StreamCorruptedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link FrameChannel}'s own buffering: the bytes it writes and reads are in {@link Frames}'s format, however they arrive. */
@Timeout(60)
class FrameChannelTest {
    /** An input that gives at most {@code step} bytes per read, as a pipe may. */
    private static InputStream trickle(byte[] bytes, int step) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, step));
            }
        };
    }

    private static byte[] payload(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static List<byte[]> frames() {
        List<byte[]> out = new ArrayList<>();
        for (int n : new int[] {0, 1, 3, 4, 5, 100, FrameChannel.BUFFER - 5, FrameChannel.BUFFER - 4,
                FrameChannel.BUFFER - 3, FrameChannel.BUFFER, 3 * FrameChannel.BUFFER + 7, 17}) {
            out.add(payload(n, n));
        }
        return out;
    }

    /** Appends the frame of {@code payload[off, off + len)} to {@code out}, by hand: a big-endian int32 length, the payload. */
    private static void frame(ByteArrayOutputStream out, byte[] payload, int off, int len) {
        out.write(len >>> 24);
        out.write(len >>> 16);
        out.write(len >>> 8);
        out.write(len);
        out.write(payload, off, len);
    }

    @Test
    void whatItSendsIsTheFormatOfFrames() throws IOException {
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (FrameChannel ch = new FrameChannel(new ByteArrayInputStream(new byte[0]), sent)) {
            for (byte[] f : frames()) {
                ch.send(f);
                frame(expected, f, 0, f.length);
                byte[] head = Arrays.copyOf(f, f.length / 3);
                byte[] body = Arrays.copyOfRange(f, f.length / 3, f.length);
                ch.send(head, body);
                frame(expected, f, 0, f.length);
                ch.send(f, f.length / 2, f.length - f.length / 2);
                frame(expected, f, f.length / 2, f.length - f.length / 2);
            }
        }
        assertArrayEquals(expected.toByteArray(), sent.toByteArray());
    }

    @Test
    void framesArriveWholeHoweverTheBytesAreSplit() throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        for (byte[] f : frames()) {
            frame(wire, f, 0, f.length);
        }
        for (int step : new int[] {1, 2, 3, 5, 4096, FrameChannel.BUFFER, Integer.MAX_VALUE}) {
            try (FrameChannel ch = new FrameChannel(trickle(wire.toByteArray(), step), new ByteArrayOutputStream())) {
                for (byte[] f : frames()) {
                    assertArrayEquals(f, ch.receive(Long.MAX_VALUE), "step " + step + ", a frame of " + f.length);
                }
                assertThrows(EOFException.class, () -> ch.receive(10L));
            }
        }
    }

    @Test
    void badFramesAreReportedAsCorrupt() throws IOException {
        byte[] cutHeader = {0, 0};
        byte[] cutBody = {0, 0, 0, 5, 1, 2};
        byte[] negative = {(byte) 0x80, 0, 0, 0};
        byte[] tooLong = {0, 0, 0, 11};
        byte[] longHeaderCut = {-1, -1, -1, -1, 0, 0};
        byte[] longHeaderHuge = {-1, -1, -1, -1, 0, 0, 0, 1, 0, 0, 0, 0};
        for (byte[] stream : new byte[][] {cutHeader, cutBody, negative, tooLong, longHeaderCut, longHeaderHuge}) {
            try (FrameChannel ch = new FrameChannel(trickle(stream, 1), new ByteArrayOutputStream())) {
                assertThrows(StreamCorruptedException.class, () -> ch.receive(10L), () -> Arrays.toString(stream));
            }
        }
        try (FrameChannel ch = new FrameChannel(new ByteArrayInputStream(new byte[] {0, 0, 0, 0}),
                new ByteArrayOutputStream())) {
            assertEquals(0, ch.receive(10L).length);
            assertThrows(EOFException.class, () -> ch.receive(10L));
        }
    }
}
