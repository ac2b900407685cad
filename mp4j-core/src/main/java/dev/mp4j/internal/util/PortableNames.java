package dev.mp4j.internal.util;

/**
 * The names mp4j gives OS objects (semaphores, shared memory, files), and accepts for them: the POSIX portable
 * file name characters. Checked char by char, not with java.util.regex, whose patterns' classes and character
 * predicates a fresh JVM would load and spin on its way to its first child or queue.
 */
public final class PortableNames {
    private PortableNames() {}

    /**
     * @param s a name
     * @param from where in {@code s} the part to check begins
     * @param max the most chars that part may have
     * @param slash whether {@code /} is allowed too
     * @return whether {@code s} from {@code from} on is 1 to {@code max} chars of {@code [A-Za-z0-9._-]}, and
     *     {@code /} if {@code slash}
     */
    public static boolean of(String s, int from, int max, boolean slash) {
        int n = s.length() - from;
        if (n < 1 || n > max) {
            return false;
        }
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '-' || slash && c == '/')) {
                return false;
            }
        }
        return true;
    }
}
