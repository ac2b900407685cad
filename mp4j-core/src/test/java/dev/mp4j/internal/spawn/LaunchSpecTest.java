package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.mp4j.internal.child.Bootstrap;
import dev.mp4j.multiprocessing.ChildOutput;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A spec is a map key: equal when every component is, whatever the instance. */
class LaunchSpecTest {
    @Test
    void specsAreEqualExactlyWhenEveryComponentIs() {
        Launch.Spec a = Launch.Spec.defaults(Bootstrap.class);
        Launch.Spec b = new Launch.Spec(Launch.Spec.ownJava(), List.of(), Bootstrap.class, true, List.of(),
                ChildOutput.INHERIT, List.of());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        for (Launch.Spec other : List.of(a.withJava(Path.of("/opt/java")), a.withJvmOptions(List.of("-Xmx1g")),
                new Launch.Spec(a.java(), List.of(), LaunchSpecTest.class, true, List.of(), ChildOutput.INHERIT, List.of()),
                a.withInherit(false), a.withClassPath(List.of(Path.of("/x.jar"))), a.withOutput(ChildOutput.PREFIXED),
                a.withPreload(List.of("a.B")))) {
            assertNotEquals(a, other);
            assertNotEquals(other, a);
            assertEquals(other, new Launch.Spec(other.java(), other.jvmOptions(), other.main(), other.inherit(),
                    other.classPath(), other.output(), other.preload()));
        }
        assertNotEquals(a, null);
        assertNotEquals(a, "a spec");
    }
}
