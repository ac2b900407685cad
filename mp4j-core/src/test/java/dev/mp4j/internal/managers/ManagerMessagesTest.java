package dev.mp4j.internal.managers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StreamCorruptedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The manager's frames: every value kind round trips exactly; malformed frames are refused. */
@Timeout(30)
class ManagerMessagesTest {
    @Test
    void theHeadersNumbersRoundTripWhateverTheirBytes() throws Exception {
        long[] ids = {0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x80L, 0x8000_0000L, 0xff00_ff00_ff00_ff00L,
            0x0123_4567_89ab_cdefL};
        for (long serverId : ids) {
            for (long id : ids) {
                ManagerMessages.Request back = ManagerMessages.decodeRequest(ManagerMessages.encodeRequest(
                        new ManagerMessages.Request(ManagerMessages.CALL, serverId, id, "get", null, new Object[0])));
                assertEquals(serverId, back.serverId());
                assertEquals(id, back.id());
            }
        }
        String longName = "n".repeat(70_000); // a length that needs three bytes of its int
        assertEquals(longName, ManagerMessages.decodeRequest(ManagerMessages.encodeRequest(
                new ManagerMessages.Request(ManagerMessages.CALL, 1, 2, longName, null, new Object[0]))).name());
    }

    private static Object[] roundTrip(Object... args) throws Exception {
        ManagerMessages.Request req = new ManagerMessages.Request(ManagerMessages.CALL, -7L, 0x1234_5678_9abcL, "put",
                new String[] {"java.lang.Object", "int"}, args);
        ManagerMessages.Request back = ManagerMessages.decodeRequest(ManagerMessages.encodeRequest(req));
        assertEquals(ManagerMessages.CALL, back.op());
        assertEquals(-7L, back.serverId());
        assertEquals(0x1234_5678_9abcL, back.id());
        assertEquals("put", back.name());
        assertArrayEquals(new String[] {"java.lang.Object", "int"}, back.signature());
        return back.args();
    }

    @Test
    void inlineValuesRoundTripWithTheirTypes() throws Exception {
        Object[] args = {null, "", "plain", "caf\u00e9", "\u4e2d\u6587 \ud83d\ude00", "lone \ud800 surrogate",
            Integer.MIN_VALUE, Long.MAX_VALUE, -0.0d, Double.NaN, true, false, new byte[] {1, -2, 3},
            1.5f, (short) -3, (byte) -128, '\uffff', Duration.ofSeconds(-5, 7)};
        Object[] back = roundTrip(args);
        assertEquals(args.length, back.length);
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof byte[] b) {
                assertArrayEquals(b, (byte[]) back[i]);
            } else {
                assertEquals(args[i], back[i], "argument " + i);
                if (args[i] != null) {
                    assertSame(args[i].getClass(), back[i].getClass(), "argument " + i);
                }
            }
        }
    }

    @Test
    void otherValuesAreSerializedTogetherKeepingSharedObjects() throws Exception {
        List<Object> shared = new ArrayList<>(List.of(1, 2));
        Object[] back = roundTrip("k", shared, shared);
        assertEquals("k", back[0]);
        assertEquals(shared, back[1]);
        assertSame(back[1], back[2]);
    }

    @Test
    void aStandardSignatureTravelsAsItsIndexAndComesBackEqual() throws Exception {
        String[] two = ManagerMessages.signature("java.lang.Object", "java.lang.Object");
        assertSame(two, ManagerMessages.signature("java.lang.Object", "java.lang.Object"));
        String[] other = {"java.lang.Object", "long"};
        assertSame(other, ManagerMessages.signature(other));
        byte[] byIndex = ManagerMessages.encodeRequest(new ManagerMessages.Request(ManagerMessages.CALL, 1, 2, "put", two,
                new Object[] {"k", 1}));
        byte[] byNames = ManagerMessages.encodeRequest(new ManagerMessages.Request(ManagerMessages.CALL, 1, 2, "put",
                two.clone(), new Object[] {"k", 1}));
        assertTrue(byIndex.length < byNames.length);
        assertSame(two, ManagerMessages.decodeRequest(byIndex).signature());
        assertArrayEquals(two, ManagerMessages.decodeRequest(byNames).signature());
        assertArrayEquals(other, ManagerMessages.decodeRequest(ManagerMessages.encodeRequest(
                new ManagerMessages.Request(ManagerMessages.CALL, 1, 2, "put", other, new Object[] {"k", 1L}))).signature());
    }

    @Test
    void anUnknownSignatureIndexOrABadNameLengthIsRefused() throws Exception {
        byte[] good = ManagerMessages.encodeRequest(new ManagerMessages.Request(ManagerMessages.CALL, 1, 2, "put",
                ManagerMessages.signature("java.lang.Object"), new Object[] {"k"}));
        for (byte index : new byte[] {-3, 13, 100}) {
            byte[] bad = good.clone();
            bad[18] = index;
            assertThrows(StreamCorruptedException.class, () -> ManagerMessages.decodeRequest(bad), "index " + index);
        }
        for (int length : new int[] {-2, good.length, Integer.MAX_VALUE}) {
            byte[] bad = good.clone();
            java.nio.ByteBuffer.wrap(bad).putInt(19, length);
            assertThrows(StreamCorruptedException.class, () -> ManagerMessages.decodeRequest(bad), "length " + length);
        }
    }

    @Test
    void namesRoundTripInUtf8AndAMalformedOneIsRefused() throws Exception {
        for (String name : new String[] {"", "put", "caf\u00e9", "\u4e2d\u6587 \ud83d\ude00"}) {
            assertEquals(name, ManagerMessages.decodeRequest(ManagerMessages.encodeRequest(new ManagerMessages.Request(
                    ManagerMessages.CREATE, 0, 0, name, null, new Object[] {1}))).name());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ManagerMessages.encodeRequest(
                new ManagerMessages.Request(ManagerMessages.CREATE, 0, 0, "lone \ud800", null, null)));
        assertTrue(e.getMessage().contains("lone surrogate"), e.getMessage());
    }

    @Test
    void nullNamesAndSignatures() throws Exception {
        ManagerMessages.Request back = ManagerMessages.decodeRequest(ManagerMessages.encodeRequest(
                new ManagerMessages.Request(ManagerMessages.PING, 0, 0, null, null, null)));
        assertNull(back.name());
        assertNull(back.signature());
        assertEquals(0, back.args().length);
    }

    @Test
    void replies() throws Exception {
        ManagerMessages.Reply r = ManagerMessages.decodeReply(ManagerMessages.encodeReply(new ManagerMessages.Reply(ManagerMessages.RETURN, 42)));
        assertEquals(ManagerMessages.RETURN, r.kind());
        assertEquals(42, r.value());
        ManagerMessages.ProxyRef ref = new ManagerMessages.ProxyRef("dict", 3, 4, null);
        assertEquals(ref, ManagerMessages.decodeReply(ManagerMessages.encodeReply(new ManagerMessages.Reply(ManagerMessages.PROXY, ref))).value());
        assertNull(ManagerMessages.decodeReply(ManagerMessages.encodeReply(new ManagerMessages.Reply(ManagerMessages.RETURN, null))).value());
        ManagerMessages.ProxyRef typed = new ManagerMessages.ProxyRef("list", Long.MIN_VALUE, -1, "java.util.List");
        ManagerMessages.Reply created = ManagerMessages.decodeReply(ManagerMessages.encodeReply(
                new ManagerMessages.Reply(ManagerMessages.RETURN, typed)));
        assertEquals(ManagerMessages.RETURN, created.kind());
        assertEquals(typed, created.value());
        Object[] lookalike = {"dict", 3L, 4L, null}; // a value of a reference's shape stays what it is
        assertArrayEquals(lookalike, (Object[]) ManagerMessages.decodeReply(ManagerMessages.encodeReply(
                new ManagerMessages.Reply(ManagerMessages.RETURN, lookalike))).value());
    }

    @Test
    void aMalformedReferenceIsRefused() {
        byte[] ref = ManagerMessages.encodeReply(new ManagerMessages.Reply(ManagerMessages.PROXY,
                new ManagerMessages.ProxyRef("dict", 3, 4, null)));
        for (Object[] bad : new Object[][] {{"dict", 3L, 4L}, {"dict", 3, 4L, null}, {null, 3L, 4L, null},
            {"dict", 3L, 4L, 5}}) {
            byte[] frame = ManagerMessages.encodeReply(new ManagerMessages.Reply(ManagerMessages.PROXY, bad));
            frame[0] = ref[0]; // a reference's frame, with values of another shape
            assertThrows(StreamCorruptedException.class, () -> ManagerMessages.decodeReply(frame), Arrays.toString(bad));
        }
    }

    @Test
    void anUnserializableArgumentIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ManagerMessages.encodeRequest(
                new ManagerMessages.Request(ManagerMessages.CALL, 1, 1, "put", null, new Object[] {"k", new Object()})));
        assertTrue(e.getMessage().contains("java.lang.Object is not serializable"), e.getMessage());
    }

    @Test
    void malformedFramesAreRefused() {
        byte[] good = ManagerMessages.encodeRequest(new ManagerMessages.Request(ManagerMessages.CALL, 1, 2, "get", null, new Object[] {"key"}));
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThrows(StreamCorruptedException.class, () -> ManagerMessages.decodeRequest(cut), "cut at " + n);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(StreamCorruptedException.class, () -> ManagerMessages.decodeRequest(longer));
        byte[] other = good.clone();
        other[0] = (byte) 0xac;
        assertThrows(StreamCorruptedException.class, () -> ManagerMessages.decodeRequest(other));
        assertThrows(StreamCorruptedException.class, () -> ManagerMessages.decodeReply(good));
    }
}
