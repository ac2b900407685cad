package dev.mp4j.python;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Java objects a {@link PyManagerServer} serves, with the methods CPython's proxies call on them, as
 * {@code SyncManager}'s referents answer: a {@link Map} as a dict ({@code DictProxy}), a {@link List} as a list
 * ({@code ListProxy}: indexes and slices as Python's, an index out of range raising {@code IndexError}, which
 * ends a Python {@code for} loop over the proxy), a {@link BlockingQueue} as a {@code queue.Queue} (AutoProxy),
 * an iterator as {@code Iterator}. A method raises a Python exception as {@link PythonError}, which the server
 * sends as {@code #ERROR}. Map and list methods hold the referent's monitor; queue methods do not (they block).
 */
final class Referents {
    private Referents() {}

    /** One served object: its exposed methods, and how each is called. */
    interface Served {
        List<String> exposed();

        /** @return the typeid of a method whose result the server keeps and proxies (#PROXY), else null */
        default String typeidOf(String method) {
            return null;
        }

        Object call(String method, List<Object> args, Map<?, ?> kwds) throws InterruptedException;

        /** @return the value {@code #GETVALUE} sends (Python's {@code proxy._getvalue()}) */
        Object value();
    }

    static Served of(Object o) {
        if (o instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<Object, Object> map = (Map<Object, Object>) m;
            return new Dict(map);
        }
        if (o instanceof List<?> l) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) l;
            return new PyList(list);
        }
        if (o instanceof BlockingQueue<?> q) {
            @SuppressWarnings("unchecked")
            BlockingQueue<Object> queue = (BlockingQueue<Object>) q;
            return new PyQueue(queue);
        }
        if (o instanceof Iterator<?> it) {
            return new Iter(it);
        }
        return new Opaque(o);
    }

    static PythonError error(String type, Object... args) {
        return new PythonError(type, java.util.Arrays.asList(args));
    }

    private static Object arg(List<Object> args, Map<?, ?> kwds, int i, String name, Object dflt) {
        if (i < args.size()) {
            return args.get(i);
        }
        return kwds.containsKey(name) ? kwds.get(name) : dflt;
    }

    private static void arity(String method, List<Object> args, int min, int max) {
        if (args.size() < min || args.size() > max) {
            throw error("builtins.TypeError", method + "() takes " + (min == max ? "" + min : min + " to " + max)
                    + " arguments (" + args.size() + " given)");
        }
    }

    private static long integer(Object o, String what) {
        if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            return ((Number) o).longValue();
        }
        if (o instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw error("builtins.TypeError", what + " must be integers or slices, not " + typeName(o));
    }

    private static String typeName(Object o) {
        return o == null ? "NoneType" : o instanceof String ? "str" : o instanceof Double ? "float"
                : o.getClass().getSimpleName();
    }

    /** A dict. */
    static final class Dict implements Served {
        private static final List<String> EXPOSED = List.of("__contains__", "__delitem__", "__getitem__",
                "__iter__", "__len__", "__setitem__", "clear", "copy", "get", "items", "keys", "pop", "popitem",
                "setdefault", "update", "values");
        private final Map<Object, Object> map;

        Dict(Map<Object, Object> map) {
            this.map = map;
        }

        @Override
        public List<String> exposed() {
            return EXPOSED;
        }

        @Override
        public String typeidOf(String method) {
            return method.equals("__iter__") ? "Iterator" : null;
        }

        @Override
        public Object value() {
            synchronized (map) {
                return new LinkedHashMap<>(map);
            }
        }

        @Override
        public Object call(String method, List<Object> args, Map<?, ?> kwds) {
            synchronized (map) {
                return switch (method) {
                    case "__getitem__" -> {
                        arity(method, args, 1, 1);
                        Object k = args.get(0);
                        if (!map.containsKey(k)) {
                            throw error("builtins.KeyError", k);
                        }
                        yield map.get(k);
                    }
                    case "__setitem__" -> {
                        arity(method, args, 2, 2);
                        map.put(args.get(0), args.get(1));
                        yield null;
                    }
                    case "__delitem__" -> {
                        arity(method, args, 1, 1);
                        if (!map.containsKey(args.get(0))) {
                            throw error("builtins.KeyError", args.get(0));
                        }
                        map.remove(args.get(0));
                        yield null;
                    }
                    case "__contains__" -> {
                        arity(method, args, 1, 1);
                        yield map.containsKey(args.get(0));
                    }
                    case "__len__" -> (long) map.size();
                    case "__iter__" -> new ArrayList<>(map.keySet()).iterator();
                    case "clear" -> {
                        map.clear();
                        yield null;
                    }
                    case "copy" -> new LinkedHashMap<>(map);
                    case "get" -> {
                        arity(method, args, 1, 2);
                        Object k = args.get(0);
                        yield map.containsKey(k) ? map.get(k) : args.size() > 1 ? args.get(1) : null;
                    }
                    case "items" -> {
                        List<Object> items = new ArrayList<>(map.size());
                        map.forEach((k, v) -> items.add(new PyTuple(k, v)));
                        yield items;
                    }
                    case "keys" -> new ArrayList<>(map.keySet());
                    case "values" -> new ArrayList<>(map.values());
                    case "pop" -> {
                        arity(method, args, 1, 2);
                        Object k = args.get(0);
                        if (map.containsKey(k)) {
                            yield map.remove(k);
                        }
                        if (args.size() > 1) {
                            yield args.get(1);
                        }
                        throw error("builtins.KeyError", k);
                    }
                    case "popitem" -> {
                        if (map.isEmpty()) {
                            throw error("builtins.KeyError", "popitem(): dictionary is empty");
                        }
                        Object last = null;
                        for (Object k : map.keySet()) {
                            last = k;
                        }
                        yield new PyTuple(last, map.remove(last));
                    }
                    case "setdefault" -> {
                        arity(method, args, 1, 2);
                        Object k = args.get(0);
                        if (!map.containsKey(k)) {
                            map.put(k, args.size() > 1 ? args.get(1) : null);
                        }
                        yield map.get(k);
                    }
                    case "update" -> {
                        arity(method, args, 0, 1);
                        if (!args.isEmpty()) {
                            if (args.get(0) instanceof Map<?, ?> other) {
                                map.putAll(other);
                            } else if (args.get(0) instanceof Collection<?> pairs) {
                                for (Object p : pairs) {
                                    if (!(p instanceof List<?> kv) || kv.size() != 2) {
                                        throw error("builtins.ValueError",
                                                "dictionary update sequence element has length other than 2");
                                    }
                                    map.put(kv.get(0), kv.get(1));
                                }
                            } else {
                                throw error("builtins.TypeError", typeName(args.get(0)) + " object is not iterable");
                            }
                        }
                        map.putAll(kwds);
                        yield null;
                    }
                    default -> throw new IllegalStateException("not exposed: " + method);
                };
            }
        }
    }

    /** A list, with Python's indexes (negative from the end) and slices. */
    static final class PyList implements Served {
        private static final List<String> EXPOSED = List.of("__add__", "__contains__", "__delitem__",
                "__getitem__", "__len__", "__mul__", "__reversed__", "__rmul__", "__setitem__", "append", "count",
                "extend", "index", "insert", "pop", "remove", "reverse", "sort", "__imul__");
        private final List<Object> list;

        PyList(List<Object> list) {
            this.list = list;
        }

        @Override
        public List<String> exposed() {
            return EXPOSED;
        }

        @Override
        public Object value() {
            synchronized (list) {
                return new ArrayList<>(list);
            }
        }

        private int index(Object o, boolean forInsert) {
            long i = integer(o, "list indices");
            int n = list.size();
            if (i < 0) {
                i += n;
            }
            if (forInsert) {
                return (int) Math.max(0, Math.min(i, n));
            }
            if (i < 0 || i >= n) {
                throw error("builtins.IndexError", "list index out of range");
            }
            return (int) i;
        }

        /** @return {start, stop, step, count} as Python's {@code slice.indices(len)} and the length of the range */
        private long[] slice(PyObject s) {
            List<Object> a = s.args();
            Object start = !a.isEmpty() && a.size() > 1 ? a.get(0) : null;
            Object stop = a.size() > 1 ? a.get(1) : a.isEmpty() ? null : a.get(0);
            Object step = a.size() > 2 ? a.get(2) : null;
            long st = step == null ? 1 : integer(step, "slice indices");
            if (st == 0) {
                throw error("builtins.ValueError", "slice step cannot be zero");
            }
            long n = list.size();
            long lo = st < 0 ? -1 : 0;
            long hi = st < 0 ? n - 1 : n;
            long b = start == null ? (st < 0 ? hi : lo) : clamp(integer(start, "slice indices"), n, lo, hi);
            long e = stop == null ? (st < 0 ? lo : hi) : clamp(integer(stop, "slice indices"), n, lo, hi);
            long count = st > 0 ? (e > b ? (e - b + st - 1) / st : 0) : (b > e ? (b - e - st - 1) / -st : 0);
            return new long[] {b, e, st, count};
        }

        private static long clamp(long i, long n, long lo, long hi) {
            if (i < 0) {
                i += n;
                return Math.max(i, lo);
            }
            return Math.min(i, hi);
        }

        private static boolean isSlice(Object o) {
            return o instanceof PyObject p && p.module().equals("builtins") && p.name().equals("slice")
                    && !p.viaNew() && p.args().size() <= 3;
        }

        @Override
        public Object call(String method, List<Object> args, Map<?, ?> kwds) {
            synchronized (list) {
                return switch (method) {
                    case "__getitem__" -> {
                        arity(method, args, 1, 1);
                        if (isSlice(args.get(0))) {
                            long[] s = slice((PyObject) args.get(0));
                            List<Object> out = new ArrayList<>((int) s[3]);
                            for (long k = 0, i = s[0]; k < s[3]; k++, i += s[2]) {
                                out.add(list.get((int) i));
                            }
                            yield out;
                        }
                        yield list.get(index(args.get(0), false));
                    }
                    case "__setitem__" -> {
                        arity(method, args, 2, 2);
                        if (isSlice(args.get(0))) {
                            long[] s = slice((PyObject) args.get(0));
                            if (s[2] != 1 || !(args.get(1) instanceof Collection<?> items)) {
                                throw error("builtins.TypeError", "only a step-1 slice may be assigned, and a list");
                            }
                            List<Object> sub = list.subList((int) s[0], (int) Math.max(s[0], s[1]));
                            sub.clear();
                            sub.addAll(items);
                            yield null;
                        }
                        list.set(index(args.get(0), false), args.get(1));
                        yield null;
                    }
                    case "__delitem__" -> {
                        arity(method, args, 1, 1);
                        if (isSlice(args.get(0))) {
                            long[] s = slice((PyObject) args.get(0));
                            List<Integer> at = new ArrayList<>();
                            for (long k = 0, i = s[0]; k < s[3]; k++, i += s[2]) {
                                at.add((int) i);
                            }
                            at.sort(Collections.reverseOrder());
                            for (int i : at) {
                                list.remove(i);
                            }
                            yield null;
                        }
                        list.remove(index(args.get(0), false));
                        yield null;
                    }
                    case "__len__" -> (long) list.size();
                    case "__contains__" -> list.contains(args.isEmpty() ? null : args.get(0));
                    case "__add__" -> {
                        arity(method, args, 1, 1);
                        if (!(args.get(0) instanceof List<?> other) || other instanceof PyTuple) {
                            throw error("builtins.TypeError", "can only concatenate list (not \""
                                    + typeName(args.get(0)) + "\") to list");
                        }
                        List<Object> out = new ArrayList<>(list);
                        out.addAll(other);
                        yield out;
                    }
                    case "__mul__", "__rmul__" -> {
                        arity(method, args, 1, 1);
                        long times = integer(args.get(0), "can't multiply sequence by non-int; the factor");
                        List<Object> out = new ArrayList<>();
                        for (long i = 0; i < times; i++) {
                            out.addAll(list);
                        }
                        yield out;
                    }
                    case "__imul__" -> {
                        arity(method, args, 1, 1);
                        long times = integer(args.get(0), "can't multiply sequence by non-int; the factor");
                        List<Object> copy = new ArrayList<>(list);
                        list.clear();
                        for (long i = 0; i < times; i++) {
                            list.addAll(copy);
                        }
                        yield null;
                    }
                    case "__reversed__" -> {
                        List<Object> out = new ArrayList<>(list);
                        Collections.reverse(out);
                        yield out.iterator();
                    }
                    case "append" -> {
                        arity(method, args, 1, 1);
                        list.add(args.get(0));
                        yield null;
                    }
                    case "extend" -> {
                        arity(method, args, 1, 1);
                        if (!(args.get(0) instanceof Collection<?> items)) {
                            throw error("builtins.TypeError", typeName(args.get(0)) + " object is not iterable");
                        }
                        list.addAll(items);
                        yield null;
                    }
                    case "insert" -> {
                        arity(method, args, 2, 2);
                        list.add(index(args.get(0), true), args.get(1));
                        yield null;
                    }
                    case "pop" -> {
                        arity(method, args, 0, 1);
                        if (list.isEmpty()) {
                            throw error("builtins.IndexError", "pop from empty list");
                        }
                        yield list.remove(index(args.isEmpty() ? -1L : args.get(0), false));
                    }
                    case "remove" -> {
                        arity(method, args, 1, 1);
                        if (!list.remove(args.get(0))) {
                            throw error("builtins.ValueError", "list.remove(x): x not in list");
                        }
                        yield null;
                    }
                    case "index" -> {
                        arity(method, args, 1, 1);
                        int i = list.indexOf(args.get(0));
                        if (i < 0) {
                            throw error("builtins.ValueError", args.get(0) + " is not in list");
                        }
                        yield (long) i;
                    }
                    case "count" -> {
                        arity(method, args, 1, 1);
                        yield (long) Collections.frequency(list, args.get(0));
                    }
                    case "reverse" -> {
                        Collections.reverse(list);
                        yield null;
                    }
                    case "sort" -> {
                        if (!args.isEmpty() || kwds.containsKey("key")) {
                            throw error("builtins.TypeError", "sort() of a served Java list takes only reverse=");
                        }
                        boolean reverse = Boolean.TRUE.equals(kwds.get("reverse"));
                        try {
                            @SuppressWarnings({"unchecked", "rawtypes"})
                            java.util.Comparator<Object> natural = (java.util.Comparator) java.util.Comparator
                                    .naturalOrder();
                            list.sort(reverse ? natural.reversed() : natural);
                        } catch (ClassCastException | NullPointerException e) {
                            throw error("builtins.TypeError", "'<' not supported between these items");
                        }
                        yield null;
                    }
                    default -> throw new IllegalStateException("not exposed: " + method);
                };
            }
        }
    }

    /** A {@code queue.Queue}: put and get with {@code block} and {@code timeout} as Python's. */
    static final class PyQueue implements Served {
        private static final List<String> EXPOSED = List.of("empty", "full", "get", "get_nowait", "put",
                "put_nowait", "qsize");
        private final BlockingQueue<Object> queue;

        PyQueue(BlockingQueue<Object> queue) {
            this.queue = queue;
        }

        @Override
        public List<String> exposed() {
            return EXPOSED;
        }

        @Override
        public Object value() {
            List<Object> items = new ArrayList<>(queue);
            items.replaceAll(i -> i == NONE ? null : i);
            return items;
        }

        private static long timeoutNanos(Object t) {
            if (t == null) {
                return -1;
            }
            double s = t instanceof Number n ? n.doubleValue() : Double.NaN;
            if (!(s >= 0)) {
                throw error("builtins.ValueError", "'timeout' must be a non-negative number");
            }
            return (long) Math.min(s * 1e9, Long.MAX_VALUE);
        }

        @Override
        public Object call(String method, List<Object> args, Map<?, ?> kwds) throws InterruptedException {
            switch (method) {
                case "put", "put_nowait" -> {
                    Object given = arg(args, kwds, 0, "item", null);
                    Object item = given == null ? NONE : given;
                    boolean block = !method.equals("put_nowait") && !Boolean.FALSE.equals(
                            arg(args, kwds, 1, "block", true));
                    long nanos = method.equals("put") ? timeoutNanos(arg(args, kwds, 2, "timeout", null)) : 0;
                    boolean done = !block ? queue.offer(item) : nanos < 0 ? put(item)
                            : queue.offer(item, nanos, TimeUnit.NANOSECONDS);
                    if (!done) {
                        throw error("queue.Full");
                    }
                    return null;
                }
                case "get", "get_nowait" -> {
                    boolean block = !method.equals("get_nowait") && !Boolean.FALSE.equals(
                            arg(args, kwds, 0, "block", true));
                    long nanos = method.equals("get") ? timeoutNanos(arg(args, kwds, 1, "timeout", null)) : 0;
                    Object item = !block ? queue.poll() : nanos < 0 ? queue.take()
                            : queue.poll(nanos, TimeUnit.NANOSECONDS);
                    if (item == null) {
                        throw error("queue.Empty");
                    }
                    return item == NONE ? null : item;
                }
                case "qsize" -> {
                    return (long) queue.size();
                }
                case "empty" -> {
                    return queue.isEmpty();
                }
                case "full" -> {
                    return queue.remainingCapacity() == 0;
                }
                default -> throw new IllegalStateException("not exposed: " + method);
            }
        }

        private boolean put(Object item) throws InterruptedException {
            queue.put(item);
            return true;
        }
    }

    /** Stands for Python's None in a served queue (a BlockingQueue holds no null). */
    static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** An iterator the server keeps for a client ({@code dict.__iter__}). */
    static final class Iter implements Served {
        private final Iterator<?> it;

        Iter(Iterator<?> it) {
            this.it = Objects.requireNonNull(it);
        }

        @Override
        public List<String> exposed() {
            return List.of("__next__");
        }

        @Override
        public Object value() {
            return null;
        }

        @Override
        public Object call(String method, List<Object> args, Map<?, ?> kwds) {
            synchronized (it) {
                if (!it.hasNext()) {
                    throw error("builtins.StopIteration");
                }
                return it.next();
            }
        }
    }

    /** Any other object: no methods, its value only. */
    static final class Opaque implements Served {
        private final Object o;

        Opaque(Object o) {
            this.o = o;
        }

        @Override
        public List<String> exposed() {
            return List.of();
        }

        @Override
        public Object value() {
            return o;
        }

        @Override
        public Object call(String method, List<Object> args, Map<?, ?> kwds) {
            throw new IllegalStateException("not exposed: " + method);
        }
    }
}
