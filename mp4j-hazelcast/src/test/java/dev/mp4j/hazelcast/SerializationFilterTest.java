package dev.mp4j.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.exception.WrongTargetException;
import com.hazelcast.spi.impl.SerializationServiceSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hazelcast's Java deserialization filter on an mp4j member: Hazelcast's own exceptions pass (they travel in its
 * error responses, and a refused one leaves the call waiting for good), any other Java-serialized class is refused;
 * mp4j's carrier is not Java-serialized at all.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SerializationFilterTest {
    @Test
    void hazelcastsExceptionsPassAndOtherClassesAreRefused() {
        String name = "mp4j-test-" + ProcessHandle.current().pid() + "-filter";
        int port = Cluster.freePorts(1).getFirst();
        try (Cluster cluster = Cluster.embedded(Configs.localMember(name, port, List.of(port)), "key".getBytes())) {
            HazelcastInstance hz = cluster.hazelcast();
            SerializationService ss = ((SerializationServiceSupport) hz).getSerializationService();

            WrongTargetException wrong = new WrongTargetException(null, null, 1, 2, "op");
            Data data = ss.toData(wrong);
            Object back = ss.toObject(data);
            assertTrue(back instanceof WrongTargetException, String.valueOf(back));
            assertEquals(wrong.getMessage(), ((WrongTargetException) back).getMessage());

            byte[] sealed = {1, 2, 3};
            Data carried = ss.toData(new SignedCall(sealed));
            assertEquals(SignedCall.FACTORY_ID, ((com.hazelcast.nio.serialization.IdentifiedDataSerializable)
                    ss.toObject(carried)).getFactoryId(), "mp4j's carrier is not Java-serialized");
            assertArrayEquals(sealed, ((SignedCall) ss.toObject(carried)).sealed());
            assertFalse(Configs.ALLOWED.contains(SignedCall.class.getName()));

            Data foreign = ss.toData(new AtomicLong(42));
            RuntimeException refused = assertThrows(RuntimeException.class, () -> ss.toObject(foreign));
            assertTrue(String.valueOf(refused.getCause()).contains("AtomicLong")
                    || String.valueOf(refused).contains("AtomicLong"), String.valueOf(refused));
        }
    }
}
