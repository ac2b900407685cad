package dev.mp4j.multiprocessing.managers;

import java.io.Serial;

/** A {@link Value} held by a manager's server; {@code toString} is the referent's: {@code Value(42)}. */
final class ValueProxy<T> extends ForwardingProxy implements Value<T> {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String[] OBJ = BaseProxy.sig(Object.class);

    ValueProxy(BaseProxy proxy) {
        super(proxy);
    }

    @Override
    public T get() {
        return proxy.callAs("get", BaseProxy.NO_PARAMS);
    }

    @Override
    public void set(T value) {
        proxy.call("set", OBJ, value);
    }

    @Override
    public String toString() {
        return proxy.referentToString();
    }
}
