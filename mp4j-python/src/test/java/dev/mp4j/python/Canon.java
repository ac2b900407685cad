package dev.mp4j.python;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A typed text form of a loaded value, for comparing deep structures (byte arrays by content, types kept). */
final class Canon {
    private Canon() {}

    static String of(Object o) {
        return switch (o) {
            case null -> "None";
            case Boolean b -> "bool:" + b;
            case Long l -> "int:" + l;
            case BigInteger b -> "bigint:" + b;
            case Double d -> "float:" + d;
            case String s -> "str:" + s;
            case byte[] b -> "bytes:" + HexFormat.of().formatHex(b);
            case PyByteArray b -> "bytearray:" + HexFormat.of().formatHex(b.bytes());
            case PyTuple t -> "tuple" + items(t);
            case List<?> l -> "list" + items(l);
            case Set<?> s -> "set" + items(List.copyOf(s));
            case Map<?, ?> m -> {
                StringBuilder b = new StringBuilder("dict{");
                m.forEach((k, v) -> b.append(of(k)).append(": ").append(of(v)).append(", "));
                yield b.append('}').toString();
            }
            case PythonError e -> "exception:" + e.type() + items(e.args());
            case PyGlobal g -> "global:" + g;
            case PyObject p -> "object:" + p.module() + "." + p.name() + (p.viaNew() ? ".__new__" : "")
                    + items(p.args()) + " state=" + of(p.state()) + " list=" + items(p.listItems()) + " dict="
                    + of(p.dictItems());
            default -> "java:" + o.getClass().getName() + ":" + o;
        };
    }

    private static String items(List<?> l) {
        StringBuilder b = new StringBuilder("[");
        for (Object o : l) {
            b.append(of(o)).append(", ");
        }
        return b.append(']').toString();
    }
}
