package dev.mp4j.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.internal.child.Bootstrap;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the check that children find mp4j's classes knows it without opening a jar. */
class LaunchLayoutTest {
    @Test
    void aClassLoadedFromAnEntryOfTheClassPathIsFoundThere() throws Exception {
        List<String> classPath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        assertTrue(LaunchLayout.loadedFrom(Bootstrap.class, classPath), classPath.toString());
        Path where = Path.of(Bootstrap.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(LaunchLayout.loadedFrom(Bootstrap.class, List.of("/no/such/dir", where.toString())));
        assertFalse(LaunchLayout.loadedFrom(Bootstrap.class, List.of("/no/such/dir")));
        assertFalse(LaunchLayout.loadedFrom(String.class, classPath), "a JDK class has no code source");
    }

    @Test
    void theDefaultSpecPassesTheCheck() throws Exception {
        LaunchLayout.check(Launch.Spec.defaults(Bootstrap.class));
    }
}
