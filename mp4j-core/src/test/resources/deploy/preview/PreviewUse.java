package app;

/** Uses a preview language feature of Java 25 (primitive type patterns): loads only with --enable-preview. */
public final class PreviewUse {
    private PreviewUse() {}

    public static int value() {
        Object o = 42;
        return o instanceof int i ? i : -1;
    }
}
