package dev.mp4j.futures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** CPython's ExecutorShutdownTest, for every executor kind. */
@Timeout(60)
abstract class ExecutorShutdownTest extends ExecutorTestBase {

    /** The argument {@link InterpreterShutdownChild} takes to make this kind of executor. */
    protected abstract String childExecutorKind();

    @Test
    @DisplayName("test_run_after_shutdown")
    void testRunAfterShutdown() {
        executor.shutdown();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class,
                () -> executor.submit(() -> FutureFixtures.pow(2, 5)));
        assertEquals("cannot schedule new futures after shutdown", e.getMessage());
    }

    @Test
    @DisplayName("test_interpreter_shutdown")
    void testInterpreterShutdown(@TempDir Path dir) throws Exception {
        assertChildPrintsApple(dir, childExecutorKind());
    }

    static void assertChildPrintsApple(Path dir, String kind) throws Exception {
        ChildJvm.Result r = ChildJvm.run(InterpreterShutdownChild.class, dir, 30, kind);
        assertEquals("", r.stderrWithoutJvmWarnings(), "stderr of the child JVM");
        assertEquals("apple", r.stdout().strip(), "stdout of the child JVM");
        assertEquals(0, r.exitCode(), "exit code of the child JVM");
    }

    @Test
    @DisplayName("test_hang_issue12364")
    void testHangIssue12364() {
        List<Future<Void>> fs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            fs.add(executor.submit(() -> FutureFixtures.sleep(20)));
        }
        executor.shutdown();
        for (Future<Void> f : fs) {
            f.result();
        }
    }
}
