package dev.mp4j.threading;

import static dev.mp4j.threading.Waits.assertTimeout;
import static dev.mp4j.threading.Waits.awaitBlocked;
import static dev.mp4j.threading.Waits.since;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.InterruptedError;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** CPython's {@code lock_tests.EventTests}, plus the mp4j mapping rules. Subclasses make the events. */
abstract class EventTests {
    /** @return a new event, flag clear */
    protected abstract Event newEvent();

    // test_is_set
    @Test
    void isSet() {
        Event evt = newEvent();
        assertFalse(evt.isSet());
        evt.set();
        assertTrue(evt.isSet());
        evt.set();
        assertTrue(evt.isSet());
        evt.clear();
        assertFalse(evt.isSet());
        evt.clear();
        assertFalse(evt.isSet());
    }

    private static void checkNotify(Event evt) {
        // all threads get notified
        int n = 5;
        List<Boolean> results1 = new CopyOnWriteArrayList<>();
        List<Boolean> results2 = new CopyOnWriteArrayList<>();
        Bunch b = new Bunch(n, () -> {
            results1.add(evt.await());
            results2.add(evt.await());
        });
        b.waitForStarted();
        b.threads().forEach(Waits::awaitBlocked);
        assertEquals(0, results1.size());
        evt.set();
        b.waitForFinished();
        assertEquals(Collections.nCopies(n, true), results1);
        assertEquals(Collections.nCopies(n, true), results2);
    }

    // test_notify
    @Test
    void notifyAllWaiters() {
        Event evt = newEvent();
        checkNotify(evt);
        // another time, after an explicit clear()
        evt.set();
        evt.clear();
        checkNotify(evt);
    }

    // test_timeout
    @Test
    void timeout() {
        Event evt = newEvent();
        int n = 5;
        List<Boolean> results1 = new CopyOnWriteArrayList<>();
        List<Object[]> results2 = new CopyOnWriteArrayList<>();
        Bunch.Body f = () -> {
            results1.add(evt.await(Duration.ZERO));
            long t1 = System.nanoTime();
            boolean r = evt.await(Duration.ofMillis(300));
            results2.add(new Object[] {r, since(t1)});
        };
        new Bunch(n, f).waitForFinished();
        assertEquals(Collections.nCopies(n, false), results1);
        for (Object[] r : results2) {
            assertEquals(false, r[0]);
            assertTimeout((Double) r[1], 0.3);
        }
        // the event is set
        results1.clear();
        results2.clear();
        evt.set();
        new Bunch(n, f).waitForFinished();
        assertEquals(Collections.nCopies(n, true), results1);
        for (Object[] r : results2) {
            assertEquals(true, r[0]);
        }
    }

    // test_set_and_clear (issue #13502): waiters woken by set() return true though clear() came first
    @Test
    void setAndClear() {
        Event evt = newEvent();
        int n = 5;
        List<Boolean> results = new CopyOnWriteArrayList<>();
        Bunch b = new Bunch(n, () -> results.add(evt.await(Duration.ofSeconds(20))));
        b.waitForStarted();
        b.threads().forEach(Waits::awaitBlocked);
        evt.set();
        evt.clear();
        b.waitForFinished();
        assertEquals(Collections.nCopies(n, true), results);
    }

    // test_repr
    @Test
    void repr() {
        Event evt = newEvent();
        assertTrue(evt.toString().endsWith(": unset>"), evt.toString());
        evt.set();
        assertTrue(evt.toString().endsWith(": set>"), evt.toString());
    }

    @Test
    void negativeTimeoutReturnsTheFlagAtOnce() {
        Event evt = newEvent();
        assertFalse(evt.await(Duration.ofSeconds(-1)));
        evt.set();
        assertTrue(evt.await(Duration.ofSeconds(-1)));
        assertTrue(evt.await((Duration) null));
        assertTrue(evt.await());
    }

    @Test
    void interruptedAwaitThrowsInterruptedErrorWithFlagSet() {
        for (boolean timed : new boolean[] {false, true}) {
            Event evt = newEvent();
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    if (timed) {
                        evt.await(Duration.ofSeconds(20));
                    } else {
                        evt.await();
                    }
                } catch (Throwable e) {
                    thrown.set(e);
                }
                flag.set(Thread.currentThread().isInterrupted());
            });
            t.start();
            awaitBlocked(t);
            t.interrupt();
            Waits.join(t);
            assertSame(InterruptedError.class, thrown.get() == null ? null : thrown.get().getClass());
            assertEquals(true, flag.get());
            assertFalse(evt.isSet());
        }
    }
}
