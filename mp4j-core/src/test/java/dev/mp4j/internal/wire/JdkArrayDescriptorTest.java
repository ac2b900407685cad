package dev.mp4j.internal.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.function.SerializableRunnable;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JDK form's array class descriptors, written from constants, are the JDK's own. */
@Timeout(60)
class JdkArrayDescriptorTest {
    private static final List<Class<?>> ARRAYS = List.of(Object[].class, String[].class, byte[].class, int[].class,
            long[].class, double[].class, boolean[].class, char[].class, short[].class, float[].class,
            Integer[].class, Long[].class, Double[].class);

    /** Not a value of the fast form: a graph holding one takes JDK serialization. */
    record Plain(String s) implements Serializable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
    }

    /** A serializable class that is no record, so that the whole graph is written by the JDK. */
    static final class Box implements Serializable {
        @java.io.Serial
        private static final long serialVersionUID = 1L;
        @SuppressWarnings("serial") // its elements are all serializable
        final Object[] values;

        Box(Object[] values) {
            this.values = values;
        }
    }

    @Test
    void theKnownSerialVersionUidsAreTheJdksDefaults() {
        for (Class<?> c : ARRAYS) {
            assertEquals(ObjectStreamClass.lookup(c).getSerialVersionUID(), Codec.knownSuid(c), c.getName());
        }
        assertEquals(0, Codec.knownSuid(Plain[].class));
        assertEquals(0, Codec.knownSuid(String.class));
        assertEquals(0, Codec.knownSuid(null));
    }

    @Test
    void aGraphOfArraysIsWrittenByteForByteAsTheJdkWritesIt() throws Exception {
        Object[] values = {new Object[] {"a", 1}, new String[] {"b"}, new byte[] {1}, new int[] {2}, new long[] {3},
            new double[] {4}, new boolean[] {true}, new char[] {'c'}, new short[] {5}, new float[] {6},
            new Integer[] {7}, new Long[] {8L}, new Double[] {9.0}, new Plain[] {new Plain("p")}};
        Box box = new Box(values);
        ByteArrayOutputStream jdk = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(jdk)) {
            out.writeObject(box);
        }
        byte[] ours = Codec.encode(box);
        assertArrayEquals(jdk.toByteArray(), ours);
        Box back = (Box) Codec.decode(ours, null);
        assertArrayEquals(((Object[]) values[0]), (Object[]) back.values[0]);
        assertArrayEquals((int[]) values[3], (int[]) back.values[3]);
        assertEquals(values.length, back.values.length);
    }

    /** Encodes a lambda that captures a value the fast form cannot write, and exits. */
    static final class Encoding {
        public static void main(String[] args) throws Exception {
            Box captured = new Box(new Object[] {args[0]});
            SerializableRunnable target = () -> System.out.println("captured " + captured.values[0]);
            byte[] form = Codec.encode(target);
            ((Runnable) Codec.decode(form, null)).run();
        }
    }

    @Test
    void aLambdaCapturingAValueOfTheJdkFormIsWrittenWithoutMessageDigest() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xlog:class+load=info", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"), Encoding.class.getName(), "written")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("captured written"), "the lambda did not run: " + out);
        assertTrue(out.contains("java.io.ObjectOutputStream "), "the JDK form was not written");
        // the default serialVersionUID of Object[] would load it (a SHA-1), with the security providers
        assertFalse(out.contains("java.security.MessageDigest "), "MessageDigest was loaded");
    }
}
