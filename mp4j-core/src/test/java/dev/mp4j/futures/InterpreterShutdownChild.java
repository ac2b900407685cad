package dev.mp4j.futures;

/**
 * The child program of test_interpreter_shutdown: makes an executor of five workers, submits a task that
 * sleeps and then prints "apple", and returns from main without shutting the executor down. The JVM must
 * stay up until the task has run.
 *
 * <p>Argument: {@code virtual} for a ThreadPoolExecutor on virtual threads, else the class name of an
 * executor with an {@code (int maxWorkers)} constructor.
 */
public final class InterpreterShutdownChild {
    private InterpreterShutdownChild() {}

    public static void main(String[] args) throws ReflectiveOperationException {
        String kind = args.length > 0 ? args[0] : ThreadPoolExecutor.class.getName();
        Executor t;
        if (kind.equals("virtual")) {
            t = ThreadPoolExecutor.builder().maxWorkers(5).virtualThreads(true).build();
        } else {
            t = (Executor) Class.forName(kind).getConstructor(int.class).newInstance(5);
        }
        t.submit(() -> FutureFixtures.sleepAndPrint(500, "apple"));
    }
}
