package dev.mp4j.multiprocessing.managers;

import java.io.Serial;
import java.io.Serializable;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@link Map} whose mappings live in a manager's server (Python's {@code DictProxy}). Each operation is
 * one call of the referent (a synchronized {@link LinkedHashMap}); the views iterate a copy taken at the
 * first {@code hasNext}/{@code next}, and their {@code remove}/{@code setValue} act on the shared map.
 */
final class DictProxy<K, V> extends AbstractMap<K, V> implements Serializable, BaseProxy.Proxied {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final String[] NONE = BaseProxy.NO_PARAMS;
    private static final String[] ONE = BaseProxy.sig(Object.class);
    private static final String[] TWO = BaseProxy.sig(Object.class, Object.class);
    private static final String[] THREE = BaseProxy.sig(Object.class, Object.class, Object.class);
    private static final String[] MAP = BaseProxy.sig(Map.class);

    private final BaseProxy proxy;

    DictProxy(BaseProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public BaseProxy baseProxy() {
        return proxy;
    }

    @SuppressWarnings("unchecked")
    private Map<K, V> copy() {
        return (Map<K, V>) proxy.getValue();
    }

    @Override
    public int size() {
        return proxy.callAs("size", NONE);
    }

    @Override
    public boolean isEmpty() {
        return proxy.callAs("isEmpty", NONE);
    }

    @Override
    public boolean containsKey(Object key) {
        return proxy.callAs("containsKey", ONE, key);
    }

    @Override
    public boolean containsValue(Object value) {
        return proxy.callAs("containsValue", ONE, value);
    }

    @Override
    public V get(Object key) {
        return proxy.callAs("get", ONE, key);
    }

    @Override
    public V getOrDefault(Object key, V defaultValue) {
        return proxy.callAs("getOrDefault", TWO, key, defaultValue);
    }

    @Override
    public V put(K key, V value) {
        return proxy.callAs("put", TWO, key, value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        return proxy.callAs("putIfAbsent", TWO, key, value);
    }

    @Override
    public V remove(Object key) {
        return proxy.callAs("remove", ONE, key);
    }

    @Override
    public boolean remove(Object key, Object value) {
        return proxy.callAs("remove", TWO, key, value);
    }

    @Override
    public V replace(K key, V value) {
        return proxy.callAs("replace", TWO, key, value);
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        return proxy.callAs("replace", THREE, key, oldValue, newValue);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
        proxy.call("putAll", MAP, new LinkedHashMap<>(m));
    }

    @Override
    public void clear() {
        proxy.call("clear", NONE);
    }

    @Override
    public Set<Map.Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<K, V>> iterator() {
                return new Iterator<>() {
                    private Iterator<Map.Entry<K, V>> copy;
                    private Map.Entry<K, V> last;

                    private Iterator<Map.Entry<K, V>> copy() {
                        if (copy == null) {
                            copy = DictProxy.this.copy().entrySet().iterator();
                        }
                        return copy;
                    }

                    @Override
                    public boolean hasNext() {
                        return copy().hasNext();
                    }

                    @Override
                    public Map.Entry<K, V> next() {
                        Map.Entry<K, V> e = copy().next();
                        last = e;
                        K key = e.getKey();
                        return new SimpleEntry<>(key, e.getValue()) {
                            @Serial
                            private static final long serialVersionUID = 1L;

                            @Override
                            public V setValue(V value) {
                                super.setValue(value);
                                return put(key, value);
                            }
                        };
                    }

                    @Override
                    public void remove() {
                        if (last == null) {
                            throw new IllegalStateException("next() was not called, or remove() was called already");
                        }
                        DictProxy.this.remove(last.getKey());
                        last = null;
                    }
                };
            }

            @Override
            public int size() {
                return DictProxy.this.size();
            }

            @Override
            public boolean contains(Object o) {
                if (!(o instanceof Map.Entry<?, ?> e)) {
                    return false;
                }
                Object v = get(e.getKey());
                return v != null ? v.equals(e.getValue()) : e.getValue() == null && containsKey(e.getKey());
            }

            @Override
            public boolean remove(Object o) {
                return o instanceof Map.Entry<?, ?> e && DictProxy.this.remove(e.getKey(), e.getValue());
            }

            @Override
            public void clear() {
                DictProxy.this.clear();
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o == this || proxy.equalsCopy(o, Map.class);
    }

    @Override
    public int hashCode() {
        return copy().hashCode();
    }

    @Override
    public String toString() {
        return proxy.copyText();
    }
}
