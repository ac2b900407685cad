package dev.mp4j.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SystemProgramsTest {
    @Test
    void aSystemProgramIsFoundAsAnExecutableFile() {
        String sh = SystemPrograms.find("sh");
        File f = new File(sh);
        assertTrue(f.isAbsolute() && f.isFile() && f.canExecute(), sh);
        assertEquals("sh", f.getName());
    }

    @Test
    void aProgramFoundNowhereKeepsItsName() {
        assertEquals("mp4j-no-such-program", SystemPrograms.find("mp4j-no-such-program"));
    }

    @Test
    void aScriptFindsTheSystemsProgramsWithoutAPath() throws Exception {
        for (String path : new String[] {null, "", "/nonexistent"}) {
            ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c",
                    SystemPrograms.SHELL_PATH.concat("mkdir --version >/dev/null && printf '%s' \"$PATH\""));
            if (path == null) {
                pb.environment().remove("PATH");
            } else {
                pb.environment().put("PATH", path);
            }
            Process p = pb.redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), "PATH " + path + ": " + out);
            // no empty entry, which the shell would take for the working directory
            assertTrue(List.of(out.split(":", -1)).stream().noneMatch(String::isEmpty), "PATH " + path + ": " + out);
        }
    }
}
