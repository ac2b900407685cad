package dev.mp4j.multiprocessing.shared;

import dev.mp4j.internal.shared.SharedObjects;
import dev.mp4j.multiprocessing.SharedDouble;
import dev.mp4j.multiprocessing.SharedIntArray;
import dev.mp4j.multiprocessing.SharedLong;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Threading;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.NotSerializableException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * How a shared value gets and passes on its lock, with stand-in locks: made once, on the first
 * {@code lock()} or the first serialization, whichever comes first; every copy carries the same lock.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedLockWiringTest {
    private final Shm shm = new Shm();

    @AfterEach
    void release() {
        shm.releaseAll();
    }

    /** A stand-in for a cross-process RLock (a proxy, so serializable), known by its id. */
    private record Named(int id) implements InvocationHandler, Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) {
            return switch (m.getName()) {
                case "toString" -> "lock " + id;
                case "hashCode" -> id;
                case "equals" -> args[0] instanceof RLock other && Proxy.isProxyClass(other.getClass())
                        && Proxy.getInvocationHandler(other).equals(this);
                default -> throw new UnsupportedOperationException(m.getName());
            };
        }
    }

    private static final class Counting implements Supplier<RLock> {
        final AtomicInteger made = new AtomicInteger();

        @Override
        public RLock get() {
            return (RLock) Proxy.newProxyInstance(RLock.class.getClassLoader(), new Class<?>[] {RLock.class},
                    new Named(made.incrementAndGet()));
        }
    }

    @Test
    void theLockIsMadeOnceOnFirstUse() {
        Counting f = new Counting();
        SharedLong v = shm.track(SharedObjects.sharedLong(3, f));
        assertEquals(0, f.made.get(), "no lock until one is needed");
        RLock lock = v.lock();
        assertSame(lock, v.lock());
        assertEquals(1, f.made.get());
        SharedLong copy = Shm.roundTrip(v);
        assertEquals(lock, copy.lock(), "the copy carries the same lock");
        assertSame(copy.lock(), copy.lock());
        assertEquals(1, f.made.get());
        assertEquals(lock, Shm.roundTrip(copy).lock(), "and so do copies of copies");
    }

    @Test
    void sendingMakesTheLockFirst() {
        Counting f = new Counting();
        SharedIntArray a = shm.track(SharedObjects.sharedIntArray(4, f));
        SharedIntArray copy = Shm.roundTrip(a);
        assertEquals(1, f.made.get(), "sending made the lock, so that every copy shares it");
        assertEquals(a.lock(), copy.lock());
        assertEquals(1, f.made.get());
    }

    @Test
    void aLockThatCannotTravelFailsTheSend() {
        SharedDouble d = shm.track(SharedObjects.sharedDouble(1.5, Threading::rlock)); // a thread lock
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Shm.roundTrip(d));
        assertInstanceOf(NotSerializableException.class, e.getCause());
    }

    @Test
    void withoutCrossProcessLocksACopyCannotLock() {
        Supplier<RLock> none = () -> {
            throw new UnsupportedOperationException("no cross-process locks here");
        };
        SharedLong v = shm.track(SharedObjects.sharedLong(1, none));
        SharedLong copy = Shm.roundTrip(v);
        assertEquals(1, copy.get());
        assertThrows(UnsupportedOperationException.class, copy::lock);
        assertThrows(UnsupportedOperationException.class, v::lock);
    }
}
