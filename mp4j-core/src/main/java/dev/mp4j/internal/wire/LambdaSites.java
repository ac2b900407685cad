package dev.mp4j.internal.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The serializable lambdas and method references a class's own code makes, read from its class file: each
 * {@code invokedynamic} whose bootstrap method is {@code LambdaMetafactory.altMetafactory} with
 * {@code FLAG_SERIALIZABLE}, and neither marker interfaces nor bridges. These are the lambdas the class's
 * {@code $deserializeLambda$} rebuilds (javac writes one case per such call site), described by the names a
 * {@link java.lang.invoke.SerializedLambda} holds: {@link #key}. A site whose lambda implements more than its
 * functional interface (markers, bridges) is left out, so that what only {@code $deserializeLambda$} can
 * rebuild goes to it.
 *
 * <p>The class file is the one the class's loader gives as its resource; where there is none (a class made
 * at run time, one whose loader does not give its bytes) or it cannot be parsed, the class has no sites
 * here. Read once per class.
 */
final class LambdaSites {
    /** {@code LambdaMetafactory.FLAG_SERIALIZABLE}, {@code FLAG_MARKERS}, {@code FLAG_BRIDGES}. */
    private static final int FLAG_SERIALIZABLE = 1;
    private static final int FLAG_MARKERS = 2;
    private static final int FLAG_BRIDGES = 4;

    /** Per class: the keys of its serializable lambda sites; empty when unknown. */
    private static final ClassValue<Set<String>> SITES = new ClassValue<>() {
        @Override
        protected Set<String> computeValue(Class<?> type) {
            byte[] bytes = classFile(type);
            if (bytes == null) {
                return Set.of();
            }
            try {
                return new LambdaSites(bytes).sites();
            } catch (RuntimeException malformed) { // an index out of range: not a class file this reads
                return Set.of();
            }
        }
    };

    private final byte[] b;
    /** Per constant pool index: the offset of its entry's tag, or 0 for the second slot of a long or double. */
    private final int[] at;

    private LambdaSites(byte[] bytes) {
        b = bytes;
        if (u4(0) != 0xCAFEBABE) {
            throw new IllegalArgumentException("not a class file");
        }
        int count = u2(8);
        at = new int[count];
        int p = 10;
        for (int i = 1; i < count; i++) {
            at[i] = p;
            int tag = b[p] & 0xff;
            p += switch (tag) {
                case 1 -> 3 + u2(p + 1);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> 5;
                case 5, 6 -> 9;
                case 7, 8, 16, 19, 20 -> 3;
                case 15 -> 4;
                default -> throw new IllegalArgumentException("constant pool tag " + tag);
            };
            if (tag == 5 || tag == 6) {
                i++;
            }
        }
        attributesAt = p;
    }

    /** Where the constant pool ends. */
    private final int attributesAt;

    /**
     * @param capturing a class
     * @return whether its code makes the serializable lambda these names describe (its {@code $deserializeLambda$}
     *     would rebuild it), with no markers or bridges
     */
    static boolean declares(Class<?> capturing, String fiClass, String fiName, String fiSig, int implKind,
                            String implClass, String implName, String implSig, String instantiated) {
        Set<String> sites = SITES.get(capturing);
        return !sites.isEmpty() && sites.contains(key(fiClass, fiName, fiSig, implKind, implClass, implName, implSig,
                instantiated));
    }

    /** @return the key of a lambda site by its SerializedLambda's names (class names with slashes) */
    static String key(String fiClass, String fiName, String fiSig, int implKind, String implClass, String implName,
                      String implSig, String instantiated) {
        return String.join(" ", fiClass, fiName, fiSig, Integer.toString(implKind), implClass, implName, implSig,
                instantiated);
    }

    /** @return the bytes of the class file its loader gives for {@code type}, or null */
    private static byte[] classFile(Class<?> type) {
        if (type.isHidden() || type.isArray() || type.isPrimitive()) {
            return null;
        }
        String name = type.getName();
        try (InputStream in = type.getResourceAsStream("/" + name.replace('.', '/') + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** @return the keys of the serializable lambda sites, without markers or bridges */
    private Set<String> sites() {
        int[] bootstrap = bootstrapMethods();
        if (bootstrap == null) {
            return Set.of();
        }
        Set<String> sites = new HashSet<>();
        for (int i = 1; i < at.length; i++) {
            if (at[i] == 0 || (b[at[i]] & 0xff) != 18) { // CONSTANT_InvokeDynamic
                continue;
            }
            int bsm = u2(at[i] + 1);
            if (bsm >= bootstrap.length) {
                continue;
            }
            String site = site(bootstrap[bsm], u2(at[i] + 3));
            if (site != null) {
                sites.add(site);
            }
        }
        return sites;
    }

    /**
     * @param entry the offset of a BootstrapMethods entry
     * @param nat the NameAndType of its invokedynamic
     * @return the site's key, or null if it is not a serializable lambda without markers or bridges
     */
    private String site(int entry, int nat) {
        int handle = u2(entry);
        int argc = u2(entry + 2);
        if (argc < 4 || tag(handle) != 15 || !isAltMetafactory(u2(at[handle] + 2))) {
            return null;
        }
        int samType = u2(entry + 4);
        int impl = u2(entry + 6);
        int instantiated = u2(entry + 8);
        int flagsIndex = u2(entry + 10);
        if (tag(samType) != 16 || tag(impl) != 15 || tag(instantiated) != 16 || tag(flagsIndex) != 3) {
            return null;
        }
        int flags = u4(at[flagsIndex] + 1);
        if ((flags & FLAG_SERIALIZABLE) == 0) {
            return null;
        }
        // then a count of marker interfaces and the markers, a count of bridges and the bridges: javac writes
        // a count of 0 for either it names
        int arg = 4;
        for (int flag : new int[] {FLAG_MARKERS, FLAG_BRIDGES}) {
            if ((flags & flag) != 0) {
                int countIndex = arg < argc ? u2(entry + 4 + 2 * arg) : 0;
                if (tag(countIndex) != 3 || u4(at[countIndex] + 1) != 0) {
                    return null;
                }
                arg++;
            }
        }
        if (arg != argc) {
            return null;
        }
        String siteType = utf8(u2(at[nat] + 3));
        int close = siteType.lastIndexOf(')');
        if (!siteType.startsWith("L", close + 1) || !siteType.endsWith(";")) {
            return null;
        }
        String fiClass = siteType.substring(close + 2, siteType.length() - 1);
        String fiName = utf8(u2(at[nat] + 1));
        int kind = b[at[impl] + 1] & 0xff;
        int ref = u2(at[impl] + 2);
        int refTag = tag(ref);
        if (refTag != 10 && refTag != 11) {
            return null;
        }
        String implClass = utf8(u2(at[u2(at[ref] + 1)] + 1));
        int implNat = u2(at[ref] + 3);
        return key(fiClass, fiName, utf8(u2(at[samType] + 1)), kind, implClass, utf8(u2(at[implNat] + 1)),
                utf8(u2(at[implNat] + 3)), utf8(u2(at[instantiated] + 1)));
    }

    private static final byte[] LAMBDA_METAFACTORY = "java/lang/invoke/LambdaMetafactory".getBytes(StandardCharsets.UTF_8);
    private static final byte[] ALT_METAFACTORY = "altMetafactory".getBytes(StandardCharsets.UTF_8);

    /** @return whether the Methodref at {@code ref} is {@code LambdaMetafactory.altMetafactory} */
    private boolean isAltMetafactory(int ref) {
        if (tag(ref) != 10) {
            return false;
        }
        int cls = u2(at[ref] + 1);
        int nat = u2(at[ref] + 3);
        return tag(cls) == 7 && tag(nat) == 12 && utf8Is(u2(at[cls] + 1), LAMBDA_METAFACTORY)
                && utf8Is(u2(at[nat] + 1), ALT_METAFACTORY);
    }

    /**
     * @return per bootstrap method, the offset of its entry in the BootstrapMethods attribute; null if the class
     *     has none
     */
    private int[] bootstrapMethods() {
        int p = attributesAt + 6; // access_flags, this_class, super_class
        p += 2 + 2 * u2(p); // interfaces
        for (int members = 0; members < 2; members++) { // fields, then methods
            int n = u2(p);
            p += 2;
            for (int i = 0; i < n; i++) {
                p = skipAttributes(p + 6);
            }
        }
        int n = u2(p);
        p += 2;
        for (int i = 0; i < n; i++) {
            int length = u4(p + 2);
            if (utf8Is(u2(p), BOOTSTRAP_METHODS)) {
                int count = u2(p + 6);
                int[] entries = new int[count];
                int q = p + 8;
                for (int j = 0; j < count; j++) {
                    entries[j] = q;
                    q += 4 + 2 * u2(q + 2);
                }
                return entries;
            }
            p += 6 + length;
        }
        return null;
    }

    private static final byte[] BOOTSTRAP_METHODS = "BootstrapMethods".getBytes(StandardCharsets.UTF_8);

    /** @return the offset past the attribute table at {@code p} */
    private int skipAttributes(int p) {
        int n = u2(p);
        p += 2;
        for (int i = 0; i < n; i++) {
            p += 6 + u4(p + 2);
        }
        return p;
    }

    /** @return the tag of constant {@code i}, or 0 for none */
    private int tag(int i) {
        return i > 0 && i < at.length && at[i] != 0 ? b[at[i]] & 0xff : 0;
    }

    private boolean utf8Is(int i, byte[] expected) {
        if (tag(i) != 1) {
            return false;
        }
        int p = at[i];
        int n = u2(p + 1);
        return n == expected.length && Arrays.equals(b, p + 3, p + 3 + n, expected, 0, n);
    }

    /**
     * @return the string of the Utf8 constant {@code i} (the class file's modified UTF-8, which for the names
     *     of classes, methods and descriptors javac writes is plain UTF-8 save for U+0000 and supplementary
     *     characters: a name holding those matches no key, and its lambda takes {@code $deserializeLambda$})
     */
    private String utf8(int i) {
        if (tag(i) != 1) {
            throw new IllegalArgumentException("constant " + i + " is no Utf8");
        }
        int p = at[i];
        return new String(b, p + 3, u2(p + 1), StandardCharsets.UTF_8);
    }

    private int u2(int p) {
        return (b[p] & 0xff) << 8 | (b[p + 1] & 0xff);
    }

    private int u4(int p) {
        return (b[p] & 0xff) << 24 | (b[p + 1] & 0xff) << 16 | (b[p + 2] & 0xff) << 8 | (b[p + 3] & 0xff);
    }
}
