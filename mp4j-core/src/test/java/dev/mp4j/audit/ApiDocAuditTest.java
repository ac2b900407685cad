package dev.mp4j.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The class comments of the public API: every public type of an exported package says {@code @since}, and
 * every entry point (executors, pools, processes, contexts, queues, pipes, connections, managers, shared
 * memory, the module classes) shows a {@code {@snippet}} example.
 */
class ApiDocAuditTest {
    private static final Path MAIN = Path.of("src/main/java");
    private static final List<String> EXPORTED = List.of("dev/mp4j", "dev/mp4j/function", "dev/mp4j/futures",
            "dev/mp4j/threading", "dev/mp4j/multiprocessing", "dev/mp4j/multiprocessing/managers");
    private static final List<String> ENTRY_POINTS = List.of("futures/ThreadPoolExecutor", "futures/ProcessPoolExecutor",
            "futures/Executor", "futures/Futures", "multiprocessing/Pool", "multiprocessing/ThreadPool",
            "multiprocessing/Process", "multiprocessing/Context", "multiprocessing/Multiprocessing",
            "multiprocessing/Queue", "multiprocessing/SimpleQueue", "multiprocessing/JoinableQueue",
            "multiprocessing/Pipe", "multiprocessing/Listener", "multiprocessing/Connections",
            "multiprocessing/SharedMemory", "multiprocessing/managers/BaseManager",
            "multiprocessing/managers/SyncManager", "threading/Threading");
    /** The class comment right before the public type's declaration (annotations may stand between). */
    private static final Pattern CLASS_DOC = Pattern.compile(
            "(/\\*\\*(?:(?!\\*/).)*\\*/)\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*public (?:final |abstract |sealed |non-sealed )*"
                    + "(?:class|interface|record|enum|@interface) ", Pattern.DOTALL);

    private static String classDoc(Path file) throws IOException {
        Matcher m = CLASS_DOC.matcher(Files.readString(file));
        return m.find() ? m.group(1) : null;
    }

    @Test
    void everyPublicTypeSaysSince() throws IOException {
        List<String> missing = new ArrayList<>();
        int types = 0;
        for (String pkg : EXPORTED) {
            try (Stream<Path> s = Files.list(MAIN.resolve(pkg))) {
                for (Path f : s.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).toList()) {
                    if (!Files.readString(f).lines().anyMatch(l -> l.matches("public .*(class|interface|record|enum) .*"))) {
                        continue;
                    }
                    types++;
                    String doc = classDoc(f);
                    if (doc == null || !doc.contains("@since 0.1")) {
                        missing.add(MAIN.relativize(f).toString());
                    }
                }
            }
        }
        assertTrue(types > 60, "public types found: " + types);
        assertEquals(List.of(), missing, "public types without a class comment saying @since 0.1");
    }

    @Test
    void everyEntryPointShowsASnippet() throws IOException {
        List<String> missing = new ArrayList<>();
        for (String name : ENTRY_POINTS) {
            String doc = classDoc(MAIN.resolve("dev/mp4j/" + name + ".java"));
            if (doc == null || !doc.contains("{@snippet :")) {
                missing.add(name);
            }
        }
        assertEquals(List.of(), missing, "entry points without a {@snippet} in their class comment");
    }
}
