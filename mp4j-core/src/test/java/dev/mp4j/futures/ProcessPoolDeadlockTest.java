package dev.mp4j.futures;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.mp4j.multiprocessing.Multiprocessing;
import dev.mp4j.multiprocessing.ProcessError;
import dev.mp4j.multiprocessing.RemoteTraceback;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CPython's test_deadlock cases for the process pool, on the JVM: a task or result that fails to be
 * serialized or deserialized on either side, a worker that dies while it runs a task, exceptions that
 * cannot travel. Each case must end promptly with a precise error, never hang (hence the timeouts), and a
 * pool that is not broken must stay usable. Pools here have one worker, so "the worker" is well defined.
 */
@Timeout(30)
class ProcessPoolDeadlockTest {
    @RegisterExtension
    static final ProcessPoolWorkers WORKERS = new ProcessPoolWorkers();

    private static final String ABRUPT = "A process in the process pool was terminated abruptly";

    private ProcessPoolExecutor newPool() {
        return WORKERS.newPool(1);
    }

    /** The pid of the pool's single worker, as a task sees it. */
    private static long workerPid(ProcessPoolExecutor pool) {
        return WORKERS.saw(pool.submit(() -> ProcessHandle.current().pid()).result());
    }

    /** The pool still runs tasks, on the same worker as before. */
    private static void assertUsable(ProcessPoolExecutor pool, long pid) {
        assertEquals(42, pool.submit(() -> FutureFixtures.mul(6, 7)).result());
        assertEquals(pid, workerPid(pool), "the worker was replaced though the pool was not broken");
    }

    private static <T extends Throwable> T assertCause(Class<T> type, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        throw new AssertionError("no " + type.getName() + " in the cause chain of " + e, e);
    }

    /**
     * Submits a second task behind one that kills the worker. The worker may die before this submit: then
     * the submit itself raises BrokenProcessPool, which the returned future carries.
     */
    private static Future<Integer> submitBehind(ProcessPoolExecutor pool) {
        try {
            return pool.submit(() -> FutureFixtures.mul(6, 7));
        } catch (BrokenProcessPool e) {
            Future<Integer> f = new Future<>();
            f.setException(e);
            return f;
        }
    }

    /** The pool broke: the future, every other unfinished one, and later submits raise BrokenProcessPool. */
    private static void assertBroken(ProcessPoolExecutor pool, Future<?> future, Future<?> pending, String exitCode) {
        BrokenProcessPool e = assertThrows(BrokenProcessPool.class, future::result);
        assertTrue(e.getMessage().startsWith(ABRUPT), e.getMessage());
        if (exitCode != null) {
            assertTrue(e.getMessage().endsWith("exit code " + exitCode + ")"), e.getMessage());
        }
        assertThrows(BrokenProcessPool.class, pending::result);
        assertThrows(BrokenProcessPool.class, () -> pool.submit(() -> FutureFixtures.mul(6, 7)));
        pool.shutdown(true);
        assertEquals(List.of(), pool.processes());
    }

    // ---- a worker that dies while it runs a task

    @Test
    void taskCallingSystemExitBreaksThePool() {
        ProcessPoolExecutor pool = newPool();
        workerPid(pool);
        Future<Object> f = pool.submit(() -> exit(3));
        Future<Integer> pending = submitBehind(pool);
        assertBroken(pool, f, pending, "3");
    }

    @Test
    void taskHaltingTheJvmBreaksThePool() {
        ProcessPoolExecutor pool = newPool();
        workerPid(pool);
        Future<Object> f = pool.submit(() -> halt(7));
        Future<Integer> pending = submitBehind(pool);
        assertBroken(pool, f, pending, "7");
    }

    @Test
    void workerDyingBeforeItIsPrimedBreaksThePool() {
        // The first task ends the worker before any other task ran: the pending ones fail too.
        ProcessPoolExecutor pool = newPool();
        Future<Object> f = pool.submit(() -> exit(0));
        Future<Integer> pending = submitBehind(pool);
        assertBroken(pool, f, pending, "0");
    }

    static Object exit(int code) {
        System.exit(code);
        return null;
    }

    static Object halt(int code) {
        Runtime.getRuntime().halt(code);
        return null;
    }

    // ---- a task's own exception

    @Test
    void taskExceptionCarriesARemoteTracebackNamingTheWorkerAndPid() {
        ProcessPoolExecutor pool = newPool();
        long pid = workerPid(pool);
        String name = pool.submit(() -> Multiprocessing.currentProcess().name()).result();

        Future<Object> f = pool.submit(() -> ExecutorApiTest.throwChecked("boom"));
        CompletionException wrapped = assertThrows(CompletionException.class, f::result);
        IOException e = assertInstanceOf(IOException.class, wrapped.getCause());
        assertEquals("boom", e.getMessage());
        assertSame(e, f.exception());
        RemoteTraceback where = remoteTraceback(e);
        assertTrue(where.getMessage().contains("'" + name + "'"), where.getMessage());
        assertTrue(where.getMessage().contains("pid " + pid), where.getMessage());
        // the stack trace is the worker's: it runs through the task function
        assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(s -> s.getMethodName().equals("throwChecked")),
                Arrays.toString(e.getStackTrace()));
        assertUsable(pool, pid);
        pool.shutdown(true);
    }

    private static RemoteTraceback remoteTraceback(Throwable e) {
        RemoteTraceback found = null;
        for (Throwable s : e.getSuppressed()) {
            if (s instanceof RemoteTraceback r) {
                assertTrue(found == null, "more than one RemoteTraceback on " + e);
                found = r;
            }
        }
        if (found == null) {
            fail("no suppressed RemoteTraceback on " + e);
        }
        return found;
    }

    // ---- what cannot be serialized

    @Test
    void taskCapturingSomethingNotSerializableFailsItsFuture() {
        ProcessPoolExecutor pool = newPool();
        long pid = workerPid(pool);
        Object lock = new Object();
        Future<Integer> f = pool.submit(() -> lock.hashCode());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, f::result);
        assertTrue(e.getMessage().contains("class java.lang.Object is not serializable"), e.getMessage());
        assertUsable(pool, pid);
        pool.shutdown(true);
    }

    @Test
    void plainCallableIsNotSerializable() {
        ProcessPoolExecutor pool = newPool();
        Callable<Integer> plain = new Callable<>() {
            @Override
            public Integer call() {
                return 1;
            }
        };
        Future<Integer> f = pool.submit(plain);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, f::result);
        assertTrue(e.getMessage().contains("class " + plain.getClass().getName() + " is not serializable"),
                e.getMessage());
        // nothing was sent, so no worker was needed yet; the pool works
        assertEquals(42, pool.submit(() -> FutureFixtures.mul(6, 7)).result());
        WORKERS.saw(pool);
        pool.shutdown(true);
    }

    @Test
    void resultThatCannotBeSerializedFailsItsFutureAndThePoolGoesOn() {
        ProcessPoolExecutor pool = newPool();
        long pid = workerPid(pool);
        Future<Object> f = pool.submit(() -> new NotSerializable());
        ProcessError e = assertThrows(ProcessError.class, f::result);
        assertTrue(e.getMessage().contains(NotSerializable.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("cannot be sent back"), e.getMessage());
        assertUsable(pool, pid);
        pool.shutdown(true);
    }

    @Test
    void exceptionThatCannotBeSerializedArrivesAsAProcessError() {
        ProcessPoolExecutor pool = newPool();
        long pid = workerPid(pool);
        Future<Object> f = pool.submit(() -> {
            throw new UnserializableException("with a payload");
        });
        ProcessError e = assertThrows(ProcessError.class, f::result);
        assertTrue(e.getMessage().startsWith(UnserializableException.class.getName() + ": with a payload"),
                e.getMessage());
        assertTrue(remoteTraceback(e).getMessage().contains("pid " + pid));
        assertUsable(pool, pid);
        pool.shutdown(true);
    }

    @Test
    void unserializableExceptionInAChunkedMapArrivesAtItsItem() {
        ProcessPoolExecutor pool = newPool();
        long pid = workerPid(pool);
        ResultIterator<Integer> it = pool.map(ProcessPoolDeadlockTest::unserializableAt2, List.of(0, 1, 2, 3), null, 4);
        assertEquals(0, it.next());
        assertEquals(1, it.next());
        ProcessError e = assertThrows(ProcessError.class, it::next);
        assertTrue(e.getMessage().startsWith(UnserializableException.class.getName() + ": at 2"), e.getMessage());
        assertUsable(pool, pid);
        pool.shutdown(true);
    }

    static Integer unserializableAt2(Integer x) {
        if (x == 2) {
            throw new UnserializableException("at 2");
        }
        return x;
    }

    /** Not serializable at all. */
    static final class NotSerializable {}

    /** Serializable by type, but its payload field is not. */
    @SuppressWarnings("serial")
    static final class UnserializableException extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final Object payload = new Object();

        UnserializableException(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return super.toString() + " " + payload.getClass().getSimpleName();
        }
    }

    // ---- failures while (de)serializing, on either side (CPython's ErrorAtPickle, ExitAtUnpickle ...)

    @Test
    void errorWhileSerializingTheTaskFailsItsFuture() {
        // CPython: "error at task pickle" fails the future.
        ProcessPoolExecutor pool = newPool();
        long pid = workerPid(pool);
        Trap trap = new Trap(Trap.Where.WRITE_IN_PARENT, Trap.What.THROW);
        Future<Object> f = pool.submit(() -> trap);
        assertCause(TrapException.class, f.exception());
        assertUsable(pool, pid);
        pool.shutdown(true);
    }

    @Test
    void errorWhileDeserializingTheTaskInTheWorkerFailsItsFuture() {
        ProcessPoolExecutor pool = newPool();
        long pid = workerPid(pool);
        Trap trap = new Trap(Trap.Where.READ_IN_WORKER, Trap.What.THROW);
        Future<Object> f = pool.submit(() -> trap);
        ProcessError e = assertThrows(ProcessError.class, f::result);
        assertTrue(e.getMessage().startsWith("the worker cannot read the task"), e.getMessage());
        assertTrue(e.getMessage().contains("trap fired while deserializing"), e.getMessage());
        assertCause(TrapException.class, e);
        assertUsable(pool, pid);
        pool.shutdown(true);
    }

    @Test
    void exitWhileDeserializingTheTaskBreaksThePool() {
        ProcessPoolExecutor pool = newPool();
        workerPid(pool);
        Trap trap = new Trap(Trap.Where.READ_IN_WORKER, Trap.What.EXIT);
        Future<Object> f = pool.submit(() -> trap);
        Future<Integer> pending = submitBehind(pool);
        assertBroken(pool, f, pending, String.valueOf(Trap.EXIT_CODE));
    }

    @Test
    void crashWhileDeserializingTheTaskBreaksThePool() {
        ProcessPoolExecutor pool = newPool();
        workerPid(pool);
        Trap trap = new Trap(Trap.Where.READ_IN_WORKER, Trap.What.HALT);
        Future<Object> f = pool.submit(() -> trap);
        Future<Integer> pending = submitBehind(pool);
        assertBroken(pool, f, pending, String.valueOf(Trap.HALT_CODE));
    }

    @Test
    void errorWhileSerializingTheResultInTheWorkerFailsItsFuture() {
        ProcessPoolExecutor pool = newPool();
        long pid = workerPid(pool);
        Future<Object> f = pool.submit(() -> new Trap(Trap.Where.WRITE_IN_WORKER, Trap.What.THROW));
        assertCause(TrapException.class, f.exception());
        assertUsable(pool, pid);
        pool.shutdown(true);
    }

    @Test
    void exitWhileSerializingTheResultBreaksThePool() {
        ProcessPoolExecutor pool = newPool();
        workerPid(pool);
        Future<Object> f = pool.submit(() -> new Trap(Trap.Where.WRITE_IN_WORKER, Trap.What.EXIT));
        Future<Integer> pending = submitBehind(pool);
        assertBroken(pool, f, pending, String.valueOf(Trap.EXIT_CODE));
    }

    @Test
    void errorWhileDeserializingTheResultInTheParentFailsItsFuture() {
        ProcessPoolExecutor pool = newPool();
        long pid = workerPid(pool);
        Future<Object> f = pool.submit(() -> new Trap(Trap.Where.READ_IN_PARENT, Trap.What.THROW));
        ProcessError e = assertThrows(ProcessError.class, f::result);
        assertTrue(e.getMessage().startsWith("cannot read the result of task"), e.getMessage());
        assertCause(TrapException.class, e);
        assertUsable(pool, pid);
        pool.shutdown(true);
    }

    @Test
    void jvmErrorWhileDeserializingTheResultInTheParentFailsItsFuture() {
        // An Error (not an Exception) thrown while the parent reads a result must still end the future.
        ProcessPoolExecutor pool = newPool();
        workerPid(pool);
        Future<Object> f = pool.submit(() -> new Trap(Trap.Where.READ_IN_PARENT, Trap.What.ERROR));
        Throwable e = f.exception(java.time.Duration.ofSeconds(10));
        assertTrue(e instanceof ProcessError || e instanceof BrokenProcessPool, String.valueOf(e));
        assertCause(TrapError.class, e);
        pool.shutdown(true);
    }

    /** A value (captured by a task, or returned) that fails while it is serialized or deserialized, on one side. */
    static final class Trap implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;
        static final int EXIT_CODE = 3;
        static final int HALT_CODE = 7;

        enum Where { WRITE_IN_PARENT, READ_IN_WORKER, WRITE_IN_WORKER, READ_IN_PARENT }

        enum What { THROW, ERROR, EXIT, HALT }

        private final Where where;
        private final What what;

        Trap(Where where, What what) {
            this.where = where;
            this.what = what;
        }

        /** Whether this runs in the test JVM (the pool's parent) rather than in a worker. */
        private static boolean inTestJvm() {
            return Multiprocessing.parentProcess() == null;
        }

        @Serial
        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
            if (where == (inTestJvm() ? Where.WRITE_IN_PARENT : Where.WRITE_IN_WORKER)) {
                fire("serializing");
            }
        }

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            if (where == (inTestJvm() ? Where.READ_IN_PARENT : Where.READ_IN_WORKER)) {
                fire("deserializing");
            }
        }

        private void fire(String when) {
            if (inTestJvm() && (what == What.EXIT || what == What.HALT)) {
                throw new AssertionError("a trap must not end the test JVM");
            }
            switch (what) {
                case THROW -> throw new TrapException("trap fired while " + when);
                case ERROR -> throw new TrapError("trap fired while " + when);
                case EXIT -> System.exit(EXIT_CODE);
                case HALT -> Runtime.getRuntime().halt(HALT_CODE);
            }
        }
    }

    static final class TrapException extends RuntimeException {
        @Serial
        private static final long serialVersionUID = 1L;

        TrapException(String message) {
            super(message);
        }
    }

    static final class TrapError extends Error {
        @Serial
        private static final long serialVersionUID = 1L;

        TrapError(String message) {
            super(message);
        }
    }

    // ---- classes one side cannot load

    @Test
    void taskWhoseClassTheWorkerCannotLoadFailsItsFuture() throws ReflectiveOperationException {
        ProcessPoolExecutor pool = newPool();
        long pid = workerPid(pool);
        Callable<Object> task = ParentOnly.task();
        Future<Object> f = pool.submit(task);
        ProcessError e = assertThrows(ProcessError.class, f::result);
        assertTrue(e.getMessage().contains("cannot load class " + task.getClass().getName()), e.getMessage());
        assertUsable(pool, pid);
        pool.shutdown(true);
    }

    /**
     * A chunk whose calls all returned counts as completed before the parent reads its values (its worker
     * gets its next chunk first): when they cannot be read, the map fails there and the chunk counts as failed.
     */
    @Test
    void errorWhileDeserializingAChunksValuesInTheParentFailsTheMap() {
        ProcessPoolExecutor pool = newPool();
        long pid = workerPid(pool);
        ResultIterator<Object> it = pool.map(x -> x == 2 ? new Trap(Trap.Where.READ_IN_PARENT, Trap.What.THROW) : x,
                List.of(0, 1, 2, 3, 4, 5), null, 2);
        assertEquals(0, it.next());
        assertEquals(1, it.next());
        ProcessError e = assertThrows(ProcessError.class, it::next);
        assertTrue(e.getMessage().startsWith("cannot read the result of task"), e.getMessage());
        assertCause(TrapException.class, e);
        assertUsable(pool, pid);
        pool.shutdown(true);
        ExecutorStats s = pool.stats();
        assertEquals(2, s.failedTasks(), s.toString()); // the unreadable chunk's two calls
        assertEquals(4 + 3, s.completedTasks(), s.toString()); // two chunks, and the three single tasks
    }

    @Test
    void resultWhoseClassTheParentCannotLoadFailsItsFuture() {
        ProcessPoolExecutor pool = newPool();
        long pid = workerPid(pool);
        Future<Object> f = pool.submit(ProcessPoolDeadlockTest::workerOnlyResult);
        ProcessError e = assertThrows(ProcessError.class, f::result);
        assertTrue(e.getMessage().contains("cannot load class " + WORKER_ONLY), e.getMessage());
        assertUsable(pool, pid);
        pool.shutdown(true);
    }

    private static final String WORKER_ONLY = ProcessPoolDeadlockTest.class.getName() + "$WorkerOnly";

    static Object workerOnlyResult() throws ReflectiveOperationException {
        assertNotEquals(null, Multiprocessing.parentProcess(), "must run in a worker");
        return defineSerializableCallable(WORKER_ONLY).getConstructor().newInstance();
    }

    /** A serializable Callable class defined in the test JVM only: no worker can load it by name. */
    static final class ParentOnly {
        private static final String NAME = ProcessPoolDeadlockTest.class.getName() + "$ParentOnly$Generated";
        private static Class<?> defined;

        @SuppressWarnings("unchecked")
        static synchronized Callable<Object> task() throws ReflectiveOperationException {
            if (defined == null) {
                defined = defineSerializableCallable(NAME);
            }
            return (Callable<Object>) defined.getConstructor().newInstance();
        }
    }

    /** Defines, in this package and JVM, a public class that implements Callable and Serializable. */
    static Class<?> defineSerializableCallable(String binaryName) throws IllegalAccessException {
        byte[] bytes = ClassFile.of().build(ClassDesc.of(binaryName), cb -> cb
                .withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER)
                .withSuperclass(CD_Object)
                .withInterfaceSymbols(ClassDesc.of("java.util.concurrent.Callable"), ClassDesc.of("java.io.Serializable"))
                .withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PUBLIC, code -> code
                        .aload(0)
                        .invokespecial(CD_Object, INIT_NAME, MTD_void)
                        .return_())
                .withMethodBody("call", MethodTypeDesc.of(CD_Object), ClassFile.ACC_PUBLIC, code -> code
                        .aconst_null()
                        .areturn()));
        return MethodHandles.lookup().defineClass(bytes);
    }

}
