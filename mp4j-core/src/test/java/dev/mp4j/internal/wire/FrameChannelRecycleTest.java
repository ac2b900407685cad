package dev.mp4j.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** {@link FrameChannel#recycle}: a frame handed back is read into again, and only then; {@link FrameChannel#ready}. */
class FrameChannelRecycleTest {
    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static FrameChannel channelOf(byte[]... frames) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (FrameChannel sender = new FrameChannel(InputStream.nullInputStream(), wire)) {
            for (byte[] f : frames) {
                sender.send(f, 0, f.length);
            }
        }
        return new FrameChannel(new ByteArrayInputStream(wire.toByteArray()), new ByteArrayOutputStream());
    }

    @Test
    void aRecycledFrameIsReadIntoByTheNextFrameOfItsLength() throws IOException {
        try (FrameChannel ch = channelOf(filled(100, 1), filled(5, 2), filled(100, 3), filled(100, 4))) {
            byte[] first = ch.receive(1000L);
            ch.recycle(first);
            byte[] small = ch.receive(1000L);
            assertNotSame(first, small);
            assertArrayEquals(filled(5, 2), small);
            byte[] third = ch.receive(1000L); // the spare waited for a frame of its length
            assertSame(first, third);
            assertArrayEquals(filled(100, 3), third);
            byte[] fourth = ch.receive(1000L); // not handed back: a fresh array
            assertNotSame(third, fourth);
            assertArrayEquals(filled(100, 3), third);
            assertArrayEquals(filled(100, 4), fourth);
        }
    }

    @Test
    void framesNotHandedBackAreNeverOverwritten() throws IOException {
        try (FrameChannel ch = channelOf(filled(64, 1), filled(64, 2), filled(64, 3))) {
            byte[] a = ch.receive(1000L); // two results in flight: neither recycled yet
            byte[] b = ch.receive(1000L);
            ch.recycle(b);
            byte[] c = ch.receive(1000L);
            assertSame(b, c);
            assertArrayEquals(filled(64, 1), a);
            assertArrayEquals(filled(64, 3), c);
        }
    }

    @Test
    void aFrameOverTheCapIsNotKept() throws IOException {
        int big = FrameChannel.MAX_SPARE + 1;
        try (FrameChannel ch = channelOf(filled(big, 1), filled(big, 2))) {
            byte[] first = ch.receive(Integer.MAX_VALUE - 16L);
            ch.recycle(first);
            byte[] second = ch.receive(Integer.MAX_VALUE - 16L);
            assertNotSame(first, second);
            assertArrayEquals(filled(big, 1), first);
            assertArrayEquals(filled(big, 2), second);
        }
    }

    @Test
    void readyTellsWhetherAFrameIsWaiting() throws IOException {
        try (FrameChannel ch = channelOf(filled(3, 1))) {
            org.junit.jupiter.api.Assertions.assertTrue(ch.ready());
            ch.receive(10L);
            org.junit.jupiter.api.Assertions.assertFalse(ch.ready());
        }
        java.io.InputStream broken = new java.io.InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("broken");
            }

            @Override
            public int available() throws IOException {
                throw new IOException("broken");
            }
        };
        try (FrameChannel ch = new FrameChannel(broken, new ByteArrayOutputStream())) {
            org.junit.jupiter.api.Assertions.assertTrue(ch.ready(), "receive must be the one to report it");
        }
    }
}
