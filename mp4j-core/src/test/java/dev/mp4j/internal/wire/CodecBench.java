package dev.mp4j.internal.wire;

import dev.mp4j.function.SerializableFunction;
import dev.mp4j.internal.pool.Chunks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A micro harness (not a test): the codec as it was (JDK serialization with new streams per call) against
 * {@link Codec}, encode and decode of one value, in interleaved rounds, reporting medians of this thread's
 * CPU time (on a shared machine wall time measures the neighbours). Run it from the test classpath:
 * {@code java -cp mp4j-core/target/test-classes:mp4j-core/target/classes dev.mp4j.internal.wire.CodecBench [rounds]}.
 * The pickle figures to compare with come from the same values in CPython: {@code pickle.loads(pickle.dumps(v))}
 * timed with {@code timeit} and {@code timer=time.thread_time}.
 */
public final class CodecBench {
    private CodecBench() {}

    record Small(int a, String b, long c) implements Serializable {}

    static final class SmallClass implements Serializable {
        private static final long serialVersionUID = 1L;
        int a = 7;
        String b = "seven";
        long c = 77L;
    }

    static byte[] oldEncode(Object obj) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(obj);
        }
        return bytes.toByteArray();
    }

    static Object oldDecode(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new LoaderAware(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(Codec.DEFAULT_FILTER);
            return in.readObject();
        }
    }

    private static final class LoaderAware extends ObjectInputStream {
        LoaderAware(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException ignored) {
                }
            }
            return super.resolveClass(desc);
        }
    }

    static Object sink;

    /** ThreadMXBean.getCurrentThreadCpuTime, by reflection (module dev.mp4j does not read java.management). */
    private static final java.lang.reflect.Method CPU_TIME;
    private static final Object THREADS;

    static {
        try {
            Class<?> factory = Class.forName("java.lang.management.ManagementFactory");
            THREADS = factory.getMethod("getThreadMXBean").invoke(null);
            CPU_TIME = Class.forName("java.lang.management.ThreadMXBean").getMethod("getCurrentThreadCpuTime");
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** CPU time of this thread: the machine is shared and loaded, wall time measures the neighbours. */
    static long cpu() {
        try {
            return (Long) CPU_TIME.invoke(THREADS);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static double timeOld(Object v, int n) throws Exception {
        long t0 = cpu();
        for (int i = 0; i < n; i++) {
            sink = oldDecode(oldEncode(v));
        }
        return (cpu() - t0) / (double) n;
    }

    static double timeNew(Object v, int n) throws Exception {
        long t0 = cpu();
        for (int i = 0; i < n; i++) {
            sink = Codec.decode(Codec.encode(v), null);
        }
        return (cpu() - t0) / (double) n;
    }

    static double median(double[] a) {
        double[] c = a.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    public static void main(String[] args) throws Exception {
        ArrayList<Object> chunk = new ArrayList<>();
        for (int i = 0; i < 12_500; i++) {
            chunk.add(i);
        }
        SerializableFunction<Object, Object> fn = x -> (Integer) x + 1;
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("Integer", 12345);
        values.put("String(20)", "abcdefghijklmnopqrst");
        values.put("List of 12,500 Integers", chunk);
        values.put("byte[1 MiB]", new byte[1 << 20]);
        values.put("serializable lambda", fn);
        values.put("small record", new Small(7, "seven", 77L));
        values.put("small class (JDK fallback)", new SmallClass());
        values.put("ChunkResult (12,500 Integers)", new Chunks.ChunkResult(chunk, null));
        int rounds = Integer.parseInt(args.length > 0 ? args[0] : "9");
        long budget = 8_000_000L; // ns per measurement
        System.out.printf("%-34s %12s %12s %8s  (encode+decode, thread CPU time, median of %d interleaved rounds)%n", "value", "old",
                "new", "old/new", rounds);
        for (Map.Entry<String, Object> e : values.entrySet()) {
            Object v = e.getValue();
            long warm = cpu() + 600_000_000L;
            while (cpu() < warm) {
                timeOld(v, 20);
                timeNew(v, 20);
            }
            int nOld = (int) Math.max(3, budget / Math.max(timeOld(v, 20), 30));
            int nNew = (int) Math.max(3, budget / Math.max(timeNew(v, 20), 30));
            double[] olds = new double[rounds];
            double[] news = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                olds[r] = timeOld(v, nOld);
                news[r] = timeNew(v, nNew);
            }
            double o = median(olds);
            double nw = median(news);
            System.out.printf("%-34s %10.2f µs %10.2f µs %7.1fx   sizes %d / %d bytes%n", e.getKey(), o / 1000,
                    nw / 1000, o / nw, oldEncode(v).length, Codec.encode(v).length);
        }
    }
}
