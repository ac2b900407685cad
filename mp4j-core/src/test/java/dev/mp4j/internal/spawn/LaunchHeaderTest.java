package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.StreamCorruptedException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The header a child reads first: what the parent wrote, and nothing of what follows it. */
@Timeout(30)
class LaunchHeaderTest {
    private static byte[] written(LaunchHeader h) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        h.write(out);
        return out.toByteArray();
    }

    @Test
    void aHeaderReadsBackAndLeavesTheChannelsBytesUnread() throws Exception {
        LaunchHeader h = new LaunchHeader("/tmp/mp4j-x/c1", 4242, true, true, "/tmp/tracker-fifo");
        byte[] bytes = written(h);
        assertEquals(LaunchHeader.MAGIC, ByteBuffer.wrap(bytes).getInt(0));
        assertEquals(LaunchHeader.VERSION, ByteBuffer.wrap(bytes).getInt(4));
        byte[] withFrame = Arrays.copyOf(bytes, bytes.length + 3);
        ByteArrayInputStream in = new ByteArrayInputStream(withFrame);
        assertEquals(h, LaunchHeader.read(new DataInputStream(in)));
        assertEquals(3, in.available(), "the control channel's bytes stay on the stream");
        LaunchHeader plain = new LaunchHeader("f", 1, false, false, "");
        assertEquals(plain, LaunchHeader.read(new DataInputStream(new ByteArrayInputStream(written(plain)))));
    }

    @Test
    void theClassesToPreloadAndToLoadAheadReadBackInOrder() throws Exception {
        LaunchHeader h = new LaunchHeader("f", 1, true, false, "", java.util.List.of("x.A", "x.B"),
                java.util.List.of("y.C$Inner", "\u00e9t\u00e9.D"));
        LaunchHeader back = LaunchHeader.read(new DataInputStream(new ByteArrayInputStream(written(h))));
        assertEquals(h, back);
        assertEquals(java.util.List.of("x.A", "x.B"), back.preload());
        assertEquals(java.util.List.of("y.C$Inner", "\u00e9t\u00e9.D"), back.load());
        assertEquals(java.util.List.of(), new LaunchHeader("f", 1, true, false, "", java.util.List.of("x.A")).load());
    }

    @Test
    void aHeaderWithANegativeCountOfClassesToLoadAheadIsRefused() throws Exception {
        byte[] good = written(new LaunchHeader("f", 1, true, false, ""));
        byte[] bad = good.clone();
        ByteBuffer.wrap(bad).putInt(bad.length - 4, -1); // the last field: the count of classes to load ahead
        assertThrows(StreamCorruptedException.class,
                () -> LaunchHeader.read(new DataInputStream(new ByteArrayInputStream(bad))));
    }

    @Test
    void aHeaderOfAnotherMagicOrVersionIsRefused() throws Exception {
        byte[] good = written(new LaunchHeader("f", 1, false, false, ""));
        byte[] magic = good.clone();
        magic[0] ^= 1;
        assertThrows(StreamCorruptedException.class,
                () -> LaunchHeader.read(new DataInputStream(new ByteArrayInputStream(magic))));
        byte[] version = good.clone();
        ByteBuffer.wrap(version).putInt(4, LaunchHeader.VERSION + 1);
        assertThrows(StreamCorruptedException.class,
                () -> LaunchHeader.read(new DataInputStream(new ByteArrayInputStream(version))));
        byte[] cut = Arrays.copyOf(good, good.length - 1);
        assertThrows(EOFException.class, () -> LaunchHeader.read(new DataInputStream(new ByteArrayInputStream(cut))));
    }
}
