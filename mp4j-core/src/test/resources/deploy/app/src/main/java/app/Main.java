package app;

import dev.mp4j.futures.ProcessPoolExecutor;
import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.Pool;

import java.util.List;

/**
 * An application as it is deployed: a Pool and a ProcessPoolExecutor, whose results are computed in
 * worker JVMs. Prints "pool [...]", "executor ..." and "parent <pid>".
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        try (Pool pool = new Pool(1)) {
            System.out.println("pool " + pool.map(Main::square, List.of(1, 2, 3, 4)));
        }
        try (ProcessPoolExecutor executor = new ProcessPoolExecutor(1)) {
            System.out.println("executor " + executor.submit(Main::probe).get());
        }
        System.out.println("parent " + ProcessHandle.current().pid());
    }

    /** The square, computed in a worker (-1 if it ran in the parent). */
    static int square(int x) {
        return Multiprocessing.parentProcess() != null ? x * x : -1;
    }

    /** What a worker sees of its JVM. */
    static String probe() {
        String preview;
        try {
            preview = String.valueOf(Class.forName("app.PreviewUse").getMethod("value").invoke(null));
        } catch (ClassNotFoundException e) {
            preview = "absent";
        } catch (ReflectiveOperationException | LinkageError e) {
            preview = "failed:" + e;
        }
        return "pid=" + ProcessHandle.current().pid()
                + " worker=" + (Multiprocessing.parentProcess() != null)
                + " x=" + System.getProperty("x")
                + " open=" + Object.class.getModule().isOpen("java.lang", Main.class.getModule())
                + " heapMiB=" + Runtime.getRuntime().maxMemory() / (1024 * 1024)
                + " preview=" + preview;
    }
}
