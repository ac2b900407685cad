package dev.mp4j.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library writes to {@code System.err} or {@code System.out} only where Python prints too: the trace of a
 * child's uncaught exception ({@code Process NAME:} and the stack trace; a dummy process is a thread's child).
 * Everything else goes to {@code System.Logger}, where any logging backend sees it.
 */
class DirectOutputAuditTest {
    private static final Pattern DIRECT = Pattern.compile(
            "System\\.(err|out)\\.print|\\.printStackTrace\\(\\)");

    /** Where printing is Python's behaviour: file → the number of such lines. */
    private static final Map<String, Integer> ALLOWED = Map.of(
            "dev/mp4j/internal/child/Jobs.java", 3,        // the process's "Process NAME:" and trace; a job's throw
            "dev/mp4j/internal/dummy/DummyProcess.java", 2); // the same for a dummy process

    @Test
    void onlyAnUncaughtExceptionsTraceIsPrinted() throws IOException {
        Path main = Path.of("src/main/java");
        assertTrue(Files.isDirectory(main), "run from the module's directory: " + main.toAbsolutePath());
        Map<String, Integer> found = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(main)) {
            files = s.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path f : files) {
            String rel = main.relativize(f).toString().replace('\\', '/');
            for (String line : Files.readAllLines(f)) {
                String code = line.strip();
                if (code.startsWith("*") || code.startsWith("//") || code.startsWith("/*")) {
                    continue; // javadoc examples and comments
                }
                if (DIRECT.matcher(code).find()) {
                    found.merge(rel, 1, Integer::sum);
                }
            }
        }
        assertTrue(files.size() > 100, "the sources were found: " + files.size());
        assertEquals(new TreeMap<>(ALLOWED), found, "lines that print to stderr/stdout directly, by file");
    }
}
