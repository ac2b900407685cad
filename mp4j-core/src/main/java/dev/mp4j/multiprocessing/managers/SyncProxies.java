package dev.mp4j.multiprocessing.managers;

import dev.mp4j.threading.Barrier;
import dev.mp4j.threading.Condition;
import dev.mp4j.threading.Event;
import dev.mp4j.threading.Lock;
import dev.mp4j.threading.RLock;
import dev.mp4j.threading.Semaphore;

import java.io.Serial;
import java.time.Duration;

/**
 * Proxies of the synchronization objects a {@link SyncManager} makes (Python's {@code AcquirerProxy},
 * {@code ConditionProxy}, {@code EventProxy}, {@code BarrierProxy}). Each call runs in the server on the
 * thread that serves the calling thread, so ownership (an RLock's, a condition's lock) belongs to the
 * calling thread of the calling process. Each proxy forwards the one timed form of each operation; the
 * interfaces' defaults make the other overloads of it here: {@code enter()} acquires through the proxy and
 * returns a guard that releases through it, and {@code awaitFor} evaluates its predicate here, between
 * waits, as Python's {@code wait_for} does.
 */
final class SyncProxies {
    private static final String[] NONE = BaseProxy.NO_PARAMS;
    private static final String[] TIMEOUT = BaseProxy.sig(Duration.class);
    private static final String[] INT = BaseProxy.sig(int.class);

    private SyncProxies() {}

    /** A lock's proxy. */
    static class LockProxy extends ForwardingProxy implements Lock {
        @Serial
        private static final long serialVersionUID = 1L;

        LockProxy(BaseProxy proxy) {
            super(proxy);
        }

        @Override
        public boolean acquire(Duration timeout) {
            return proxy.callAs("acquire", TIMEOUT, timeout);
        }

        @Override
        public void release() {
            proxy.call("release", NONE);
        }

        @Override
        public boolean locked() {
            return proxy.callAs("locked", NONE);
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
        public boolean await(Duration timeout) {
            return proxy.callAs("await", TIMEOUT, timeout);
        }

        @Override
        public void signal(int n) {
            proxy.call("signal", INT, n);
        }
    }

    /** A semaphore's proxy. */
    static final class SemaphoreProxy extends ForwardingProxy implements Semaphore {
        @Serial
        private static final long serialVersionUID = 1L;

        SemaphoreProxy(BaseProxy proxy) {
            super(proxy);
        }

        @Override
        public boolean acquire(Duration timeout) {
            return proxy.callAs("acquire", TIMEOUT, timeout);
        }

        @Override
        public void release(int n) {
            proxy.call("release", INT, n);
        }

        @Override
        public int value() {
            return proxy.callAs("value", NONE);
        }
    }

    /** An event's proxy. */
    static final class EventProxy extends ForwardingProxy implements Event {
        @Serial
        private static final long serialVersionUID = 1L;

        EventProxy(BaseProxy proxy) {
            super(proxy);
        }

        @Override
        public boolean isSet() {
            return proxy.callAs("isSet", NONE);
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
        public boolean await(Duration timeout) {
            return proxy.callAs("await", TIMEOUT, timeout);
        }
    }

    /** A barrier's proxy. */
    static final class BarrierProxy extends ForwardingProxy implements Barrier {
        @Serial
        private static final long serialVersionUID = 1L;

        BarrierProxy(BaseProxy proxy) {
            super(proxy);
        }

        @Override
        public int await(Duration timeout) {
            return proxy.callAs("await", TIMEOUT, timeout);
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
            return proxy.callAs("parties", NONE);
        }

        @Override
        public int nWaiting() {
            return proxy.callAs("nWaiting", NONE);
        }

        @Override
        public boolean broken() {
            return proxy.callAs("broken", NONE);
        }
    }
}
