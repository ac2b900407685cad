package dev.mp4j.hazelcast;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signing's tags are the JDK's HMAC-SHA256 of the bytes behind them, whatever the key's length and the thread. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SigningTest {
    private static byte[] key(int n) {
        byte[] k = new byte[n];
        for (int i = 0; i < n; i++) {
            k[i] = (byte) (31 * i + n);
        }
        return k;
    }

    private static byte[] hmac(byte[] key, byte[] sealed) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(sealed, Signing.TAG, sealed.length - Signing.TAG);
        return mac.doFinal();
    }

    @Test
    void theTagIsHmacSha256OfWhatFollowsIt() throws Exception {
        for (int keyLength : new int[] {1, 17, 32, 63, 64, 65, 128, 300}) {
            byte[] key = key(keyLength);
            Signing signing = new Signing(key);
            for (int n = 0; n < 300; n += 7) {
                byte[] sealed = signing.seal(n, "x".repeat(n));
                assertArrayEquals(hmac(key, sealed), Arrays.copyOf(sealed, Signing.TAG), "key of " + keyLength
                        + " bytes, a string of " + n);
                assertTrue(signing.verify(sealed));
                assertEquals("x".repeat(n), signing.openAfterHeader(sealed, null));
            }
        }
    }

    @Test
    void theFallbackThroughAKeyedMacGivesTheSameTag() throws Exception {
        for (int keyLength : new int[] {1, 64, 65, 300}) {
            byte[] key = key(keyLength);
            Signing signing = new Signing(key);
            byte[] data = key(97);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(data, 3, 90);
            byte[] expected = mac.doFinal();
            assertArrayEquals(expected, signing.keyedMac(data, 3, 90), "key of " + keyLength + " bytes");
            assertArrayEquals(expected, signing.mac(data, 3, 90), "key of " + keyLength + " bytes");
        }
    }

    @Test
    void anotherKeyOrAChangedByteFailsTheTag() throws Exception {
        Signing signing = new Signing(key(32));
        byte[] sealed = signing.seal(0, List.of(1, 2, 3));
        assertFalse(new Signing(key(33)).verify(sealed));
        for (int i = 0; i < sealed.length; i++) {
            byte[] changed = sealed.clone();
            changed[i] ^= 1;
            assertFalse(signing.verify(changed), "byte " + i);
            assertThrows(Signing.BadTag.class, () -> signing.openAfterHeader(changed, null));
        }
        assertFalse(signing.verify(Arrays.copyOf(sealed, Signing.TAG - 1)));
        assertFalse(signing.verify(null));
    }

    @Test
    void threadsSigningAtOnceGetTheirOwnTags() throws Exception {
        byte[] key = key(32);
        Signing signing = new Signing(key);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        String value = thread + ":" + i + "x".repeat(i % 100);
                        byte[] sealed = signing.seal(i, value);
                        assertArrayEquals(hmac(key, sealed), Arrays.copyOf(sealed, Signing.TAG), value);
                        assertEquals(value, signing.openAfterHeader(sealed, null));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(50, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
