package dev.mp4j.python;

import java.util.Map;

/**
 * The names of Python 2 that protocol 2 pickles may hold, read as CPython's unpickler reads them
 * ({@code Lib/_compat_pickle.py}, applied below protocol 3): {@code __builtin__} and {@code exceptions} are
 * {@code builtins}, {@code copy_reg} is {@code copyreg}, and the few renamed builtins.
 */
final class Names {
    private static final Map<String, String> MODULES = Map.of(
            "__builtin__", "builtins",
            "exceptions", "builtins",
            "copy_reg", "copyreg",
            "Queue", "queue",
            "cPickle", "pickle",
            "thread", "_thread",
            "UserDict", "collections",
            "UserList", "collections",
            "UserString", "collections");
    private static final Map<String, String[]> BUILTINS = Map.of(
            "xrange", new String[] {"builtins", "range"},
            "reduce", new String[] {"functools", "reduce"},
            "intern", new String[] {"sys", "intern"},
            "unichr", new String[] {"builtins", "chr"},
            "unicode", new String[] {"builtins", "str"},
            "long", new String[] {"builtins", "int"},
            "basestring", new String[] {"builtins", "str"},
            "StandardError", new String[] {"builtins", "Exception"});

    private Names() {}

    /** @return {module, name} as Python 3 names them */
    static String[] fromPython2(String module, String name) {
        if (module.equals("__builtin__") || module.equals("exceptions")) {
            String[] renamed = BUILTINS.get(name);
            if (renamed != null) {
                return renamed.clone();
            }
        }
        if (module.equals("UserDict") && name.equals("IterableUserDict")) {
            return new String[] {"collections", "UserDict"};
        }
        return new String[] {MODULES.getOrDefault(module, module), name};
    }
}
