package dev.mp4j.filtertest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.multiprocessing.Context;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pipe;
import dev.mp4j.multiprocessing.Pool;
import dev.mp4j.multiprocessing.Process;
import dev.mp4j.multiprocessing.Queue;

import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code Context.withSerialFilter}: the filter decides what a context's children accept from this process and
 * what this process accepts through the queues, pipes and pools the context makes. The classes here live outside
 * mp4j's packages, whose own classes the filter is not asked about.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SerialFilterTest {
    /** A value the filters below reject. */
    record Forbidden(int n) implements Serializable {}

    /** A value they accept. */
    record Allowed(int n) implements Serializable {}

    /** Rejects one class by name, decides nothing else. */
    record RejectClass(String name) implements ObjectInputFilter, Serializable {
        @Override
        public Status checkInput(FilterInfo info) {
            Class<?> c = info.serialClass();
            return c != null && c.getName().equals(name) ? Status.REJECTED : Status.UNDECIDED;
        }
    }

    private static final ObjectInputFilter REJECT_FORBIDDEN = new RejectClass(Forbidden.class.getName());

    private static Context filtered() {
        return Multiprocessing.getContext("spawn").withSerialFilter(REJECT_FORBIDDEN);
    }

    private static boolean rejectedByFilter(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InvalidClassException && String.valueOf(c.getMessage()).contains("REJECTED")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aContextWithAFilterIsANewContextThatSaysSo() {
        Context spawn = Multiprocessing.getContext("spawn");
        Context ctx = spawn.withSerialFilter(REJECT_FORBIDDEN);
        assertNotSame(spawn, ctx);
        assertEquals("spawn", ctx.startMethod());
        assertTrue(ctx.toString().contains("RejectClass"), ctx.toString());
        assertTrue(ctx.withJvmOptions(List.of("-Xmx64m")).toString().contains("RejectClass"),
                "the other with-methods keep the filter");
    }

    @Test
    void theDummyContextHasNothingToFilter() {
        Context dummy = Multiprocessing.dummy();
        assertSame(dummy, dummy.withSerialFilter(REJECT_FORBIDDEN));
        assertThrows(NullPointerException.class, () -> dummy.withSerialFilter(null));
    }

    @Test
    void aFilterThatCannotReachAChildIsRefusedAtOnce() {
        Context spawn = Multiprocessing.getContext("spawn");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> spawn.withSerialFilter(info -> ObjectInputFilter.Status.UNDECIDED));
        assertTrue(e.getMessage().contains("Serializable"), e.getMessage());
        assertThrows(NullPointerException.class, () -> spawn.withSerialFilter(null));
    }

    @Test
    void aChildRejectsWhatItsContextsFilterRejectsAndGoesOn() throws Exception {
        Context ctx = filtered();
        Queue<Object> in = ctx.queue();
        Queue<String> out = ctx.queue();
        try {
            Process p = ctx.process(() -> {
                for (int i = 0; i < 2; i++) {
                    try {
                        out.put("got " + in.get());
                    } catch (RuntimeException e) {
                        out.put("refused " + rejectedByFilter(e));
                    }
                }
            });
            p.start();
            in.put(new Forbidden(1));
            in.put(new Allowed(2));
            assertEquals("refused true", out.get(Duration.ofSeconds(60)));
            assertEquals("got Allowed[n=2]", out.get(Duration.ofSeconds(60)));
            p.join(Duration.ofSeconds(30));
            assertEquals(0, p.exitCode().getAsInt());
        } finally {
            in.close();
            out.close();
        }
    }

    @Test
    void aPatternFilterReachesTheChildAsItsPattern() throws Exception {
        Context ctx = Multiprocessing.getContext("spawn")
                .withSerialFilter(ObjectInputFilter.Config.createFilter("!" + Forbidden.class.getName()));
        Queue<Object> in = ctx.queue();
        Queue<String> out = ctx.queue();
        try {
            Process p = ctx.process(() -> {
                try {
                    out.put("got " + in.get());
                } catch (RuntimeException e) {
                    out.put("refused " + rejectedByFilter(e));
                }
            });
            p.start();
            in.put(new Forbidden(1));
            assertEquals("refused true", out.get(Duration.ofSeconds(60)));
            p.join(Duration.ofSeconds(30));
        } finally {
            in.close();
            out.close();
        }
    }

    @Test
    void aProcessWhoseTargetCapturesARejectedValueDoesNotRunIt() throws Exception {
        Context ctx = filtered();
        Forbidden f = new Forbidden(3);
        Process p = ctx.process(() -> System.out.println("ran with " + f));
        p.start();
        p.join(Duration.ofSeconds(60));
        assertEquals(1, p.exitCode().getAsInt(), "the child refuses its job and exits with 1");
    }

    @Test
    void thisProcessRejectsWhatItsContextsQueuesAndPipesReceive() {
        Context ctx = filtered();
        Queue<Object> q = ctx.queue();
        try {
            q.put(new Forbidden(1));
            q.put(new Allowed(2));
            RuntimeException e = assertThrows(RuntimeException.class, () -> q.get(Duration.ofSeconds(30)));
            assertTrue(rejectedByFilter(e), String.valueOf(e));
            assertEquals(new Allowed(2), q.get(Duration.ofSeconds(30)), "the queue goes on");
        } finally {
            q.close();
        }
        Pipe pipe = ctx.pipe();
        try {
            pipe.conn1().send(new Forbidden(1));
            pipe.conn1().send(new Allowed(2));
            RuntimeException e = assertThrows(RuntimeException.class, () -> pipe.conn2().recv());
            assertTrue(rejectedByFilter(e), String.valueOf(e));
            assertEquals(new Allowed(2), pipe.conn2().recv(), "the connection goes on");
        } finally {
            pipe.conn1().close();
            pipe.conn2().close();
        }
    }

    @Test
    void aRejectedTaskOrResultFailsOnlyItsOwnResult() {
        Forbidden f = new Forbidden(4);
        try (Pool pool = filtered().pool(1)) {
            RuntimeException task = assertThrows(RuntimeException.class, () -> pool.apply(() -> f.n()));
            assertTrue(rejectedByFilter(task), "the worker refuses the task: " + task);
            RuntimeException result = assertThrows(RuntimeException.class, () -> pool.apply(() -> new Forbidden(5)));
            assertTrue(rejectedByFilter(result), "this process refuses the result: " + result);
            assertEquals(new Allowed(6), pool.apply(() -> new Allowed(6)), "the pool goes on");
        }
    }
}
