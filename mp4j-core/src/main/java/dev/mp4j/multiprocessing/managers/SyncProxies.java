package dev.mp4j.multiprocessing.managers;

import dev.mp4j.internal.util.Timeouts;
import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Guard;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Proxies of the synchronization objects a {@link SyncManager} makes (Python's {@code AcquirerProxy},
 * {@code ConditionProxy}, {@code EventProxy}, {@code BarrierProxy}). Each call runs in the server on the
 * thread that serves the calling thread, so ownership (an RLock's, a condition's lock) belongs to the
 * calling thread of the calling process. {@code enter()} acquires here and returns a guard that releases;
 * {@code awaitFor} evaluates its predicate here, between waits, as Python's {@code wait_for} does.
 */
final class SyncProxies {
    private static final String[] NONE = BaseProxy.NO_PARAMS;
    private static final String[] BOOL = BaseProxy.sig(boolean.class);
    private static final String[] TIMEOUT = BaseProxy.sig(Duration.class);
    private static final String[] INT = BaseProxy.sig(int.class);

    private SyncProxies() {}

    /** The common part: the wrapped proxy, equality by referent, the description. */
    abstract static class Base implements Serializable, BaseProxy.Proxied {
        @Serial
        private static final long serialVersionUID = 1L;
        final BaseProxy proxy;

        Base(BaseProxy proxy) {
            this.proxy = proxy;
        }

        @Override
        public final BaseProxy baseProxy() {
            return proxy;
        }

        final boolean bool(String name, String[] signature, Object... args) {
            return (Boolean) proxy.call(name, signature, args);
        }

        @Override
        public final boolean equals(Object o) {
            return o == this || o instanceof Base b && b.getClass() == getClass() && b.proxy.equals(proxy);
        }

        @Override
        public final int hashCode() {
            return proxy.hashCode();
        }

        @Override
        public String toString() {
            return proxy.toString().replace("<BaseProxy", "<" + getClass().getSimpleName());
        }
    }

    /** A lock's proxy. */
    static class LockProxy extends Base implements Lock {
        @Serial
        private static final long serialVersionUID = 1L;

        LockProxy(BaseProxy proxy) {
            super(proxy);
        }

        @Override
        public boolean acquire() {
            return bool("acquire", NONE);
        }

        @Override
        public boolean acquire(boolean block) {
            return bool("acquire", BOOL, block);
        }

        @Override
        public boolean acquire(Duration timeout) {
            return bool("acquire", TIMEOUT, timeout);
        }

        @Override
        public void release() {
            proxy.call("release", NONE);
        }

        @Override
        public boolean locked() {
            return bool("locked", NONE);
        }

        @Override
        public Guard enter() {
            acquire();
            return this::release;
        }
    }

    /** A re-entrant lock's proxy. */
    static final class RLockProxy extends LockProxy implements RLock {
        @Serial
        private static final long serialVersionUID = 1L;

        RLockProxy(BaseProxy proxy) {
            super(proxy);
        }
    }

    /** A condition's proxy. */
    static final class ConditionProxy extends LockProxy implements Condition {
        @Serial
        private static final long serialVersionUID = 1L;

        ConditionProxy(BaseProxy proxy) {
            super(proxy);
        }

        @Override
        public boolean await() {
            return bool("await", NONE);
        }

        @Override
        public boolean await(Duration timeout) {
            return bool("await", TIMEOUT, timeout);
        }

        @Override
        public boolean awaitFor(BooleanSupplier predicate) {
            return awaitFor(predicate, null);
        }

        @Override
        public boolean awaitFor(BooleanSupplier predicate, Duration timeout) {
            boolean result = predicate.getAsBoolean();
            long deadline = Timeouts.deadline(Timeouts.toNanos(timeout));
            while (!result) {
                if (deadline == Timeouts.FOREVER) {
                    await();
                } else {
                    long left = Timeouts.remaining(deadline);
                    if (left == 0) {
                        break;
                    }
                    await(Duration.ofNanos(left));
                }
                result = predicate.getAsBoolean();
            }
            return result;
        }

        @Override
        public void signal() {
            proxy.call("signal", NONE);
        }

        @Override
        public void signal(int n) {
            proxy.call("signal", INT, n);
        }

        @Override
        public void signalAll() {
            proxy.call("signalAll", NONE);
        }
    }

    /** A semaphore's proxy. */
    static final class SemaphoreProxy extends Base implements Semaphore {
        @Serial
        private static final long serialVersionUID = 1L;

        SemaphoreProxy(BaseProxy proxy) {
            super(proxy);
        }

        @Override
        public boolean acquire() {
            return bool("acquire", NONE);
        }

        @Override
        public boolean acquire(boolean block) {
            return bool("acquire", BOOL, block);
        }

        @Override
        public boolean acquire(Duration timeout) {
            return bool("acquire", TIMEOUT, timeout);
        }

        @Override
        public void release() {
            proxy.call("release", NONE);
        }

        @Override
        public void release(int n) {
            proxy.call("release", INT, n);
        }

        @Override
        public int value() {
            return (Integer) proxy.call("value", NONE);
        }

        @Override
        public Guard enter() {
            acquire();
            return this::release;
        }
    }

    /** An event's proxy. */
    static final class EventProxy extends Base implements Event {
        @Serial
        private static final long serialVersionUID = 1L;

        EventProxy(BaseProxy proxy) {
            super(proxy);
        }

        @Override
        public boolean isSet() {
            return bool("isSet", NONE);
        }

        @Override
        public void set() {
            proxy.call("set", NONE);
        }

        @Override
        public void clear() {
            proxy.call("clear", NONE);
        }

        @Override
        public boolean await() {
            return bool("await", NONE);
        }

        @Override
        public boolean await(Duration timeout) {
            return bool("await", TIMEOUT, timeout);
        }
    }

    /** A barrier's proxy. */
    static final class BarrierProxy extends Base implements Barrier {
        @Serial
        private static final long serialVersionUID = 1L;

        BarrierProxy(BaseProxy proxy) {
            super(proxy);
        }

        @Override
        public int await() {
            return (Integer) proxy.call("await", NONE);
        }

        @Override
        public int await(Duration timeout) {
            return (Integer) proxy.call("await", TIMEOUT, timeout);
        }

        @Override
        public void reset() {
            proxy.call("reset", NONE);
        }

        @Override
        public void abort() {
            proxy.call("abort", NONE);
        }

        @Override
        public int parties() {
            return (Integer) proxy.call("parties", NONE);
        }

        @Override
        public int nWaiting() {
            return (Integer) proxy.call("nWaiting", NONE);
        }

        @Override
        public boolean broken() {
            return bool("broken", NONE);
        }
    }
}
