package dev.mp4j.internal.ffm;

import dev.mp4j.internal.shm.Words;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;

/**
 * The few POSIX calls mp4j needs, reached through the FFM API: named semaphores.
 *
 * <p>Named semaphores are CPython's design for cross-process locks ({@code sem_open} of a name like
 * {@code /mp4j-3f2a...}, which glibc keeps as {@code /dev/shm/sem.mp4j-3f2a...}). {@code sem_open} is
 * variadic (mode and value follow the flags). Blocking waits use {@code sem_clockwait} on
 * {@code CLOCK_MONOTONIC} (where libc has none, as musl: {@code sem_timedwait} on {@code CLOCK_REALTIME}; where
 * it has neither, as macOS: {@code sem_trywait} polled) in slices of at most {@link #SLICE_NANOS}, because a
 * thread blocked in a native call can be neither interrupted nor stopped: between slices the caller checks for
 * interrupts, and a thread is never stuck in native code for long (HotSpot also waits for such threads at
 * exit).
 * The calls that never block and return at once ({@code sem_trywait}, {@code sem_post}, {@code sem_getvalue})
 * are made as critical downcalls: they skip the thread-state transition. The handles are linked when this JVM
 * first needs one, not when it first names this class.
 *
 * <p>Where the C library is glibc on 64-bit Linux ({@link SemFile#USABLE}), a semaphore is a file of 32 bytes
 * this class makes, maps and removes itself, and it takes, posts and reads the semaphore's word from Java as
 * glibc does ({@link SemFile}). The native calls are linked only when a thread must sleep, or wake a thread that
 * sleeps natively:
 * <pre>
 *   semCreate / semAttach / semClose / semUnlink   the file and its mapping, from Java
 *   semTryWait / semGetValue                       from Java
 *   semPost        from Java while the word counts no sleeper; else sem_post (links the calls), which wakes it
 *   semWaitSlice   a try from Java; then, calls linked: sem_clockwait on the mapping;
 *                  not linked: tries from Java, spinning, yielding 50 us, then parking 20 us doubling to
 *                  1 ms, uncounted (so a post needs no native call); after 1 s of such polling in all, or 32
 *                  waits ended by a post after they parked, links the calls in the background
 *                  (linkInBackground), and sleeps natively once they are
 * </pre>
 * The mapping is the {@code sem_t*} the native calls take: {@code sem_open} is never called there.
 *
 * <p>FFM's restricted methods need native access: {@code --enable-native-access=dev.mp4j} on the module
 * path, {@code ALL-UNNAMED} on the class path. mp4j's child JVMs get it from mp4j itself.
 */
public final class Posix {
    /** The longest a native wait lasts before the caller gets control back. */
    public static final long SLICE_NANOS = 50_000_000L;
    private static final int O_CREAT = 0100;
    private static final int O_EXCL = 0200;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final int ETIMEDOUT = 110;
    private static final int EEXIST = 17;
    private static final int ENOENT = 2;
    private static final int CLOCK_MONOTONIC = 1;

    private static final int CLOCK_REALTIME = 0;
    /** How long a polling wait sleeps between tries, at most. */
    private static final long POLL_NANOS = 1_000_000L;
    /** How many times a wait that polls for want of the linked calls tries, a spin-wait apart, before it yields. */
    private static final int POLL_SPINS = 100;
    /** How long it then tries, yielding between tries (a peer about to post, on a busy machine), before it parks. */
    private static final long POLL_YIELD_NANOS = 50_000L;
    /** Its first park (a park lasts some 50 us longer: the kernel's timer slack). */
    private static final long POLL_FIRST_NANOS = 20_000L;
    /** Its longest park. */
    private static final long POLL_MAX_NANOS = 1_000_000L;
    /**
     * How long the waits of a JVM poll in all before it links the calls to sleep natively: longer than a parent
     * waits for its first child to start and answer (some 300 ms), which a link would make slower (the parent's
     * link competes with the child's start for the CPUs, and once the parent sleeps natively, the child's post
     * must link the calls too).
     */
    private static final long POLL_BEFORE_LINK_NANOS = 1_000_000_000L;
    /**
     * How many polled waits a post ended after they parked before the JVM links the calls: waits that are
     * short but many (a ping-pong between processes), whose every park costs 70 us or more, where a native
     * sleep is woken in some 10 us.
     */
    private static final int PARKED_TAKES_BEFORE_LINK = 32;
    /** How many polled waits of this JVM a post ended after they parked. */
    private static final java.util.concurrent.atomic.AtomicInteger PARKED_TAKES =
            new java.util.concurrent.atomic.AtomicInteger();
    /** How long the waits of this JVM have polled, in all. */
    private static final java.util.concurrent.atomic.AtomicLong POLLED = new java.util.concurrent.atomic.AtomicLong();
    /**
     * A thread's memory for the native calls, in a class of its own: its layouts need the linker, which a JVM
     * that makes no native call does not initialize (some 20 ms).
     */
    private static final class Scratch {
        static final StructLayout TIMESPEC = MemoryLayout.structLayout(
                ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"));
        /** Where in a thread's scratch memory the captured errno goes (after the timespec). */
        static final long SCRATCH_CAPTURE = (TIMESPEC.byteSize() + Libc.CAPTURE.byteAlignment() - 1)
                / Libc.CAPTURE.byteAlignment() * Libc.CAPTURE.byteAlignment();
        /** Per thread: a timespec and a call-state buffer for the waits, so a wait allocates no native memory. */
        static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(() -> Arena.ofAuto()
                .allocate(SCRATCH_CAPTURE + Libc.CAPTURE.byteSize(),
                        Math.max(TIMESPEC.byteAlignment(), Libc.CAPTURE.byteAlignment())));

        private Scratch() {}
    }

    /**
     * The calls a process that uses a semaphore makes, linked together when it first makes one (it opens a
     * semaphore, then posts, tries, waits on it and reads its value, closes it, and its owner unlinks it;
     * where the semaphores are files made and used from Java, it only posts to a sleeper and sleeps, and the
     * other handles are null):
     * linked apart, the first post, value read or wait that blocks would take a few milliseconds more each,
     * inside the loop that runs the work. Handles of one C signature and options share one stub, where each
     * handle of a shape and options of its own spins stub classes of its own (1-4 ms of CPU and about ten
     * classes, beside the 40-50 ms and some 300 classes of the first handle a JVM links): {@code sem_post}
     * and {@code sem_trywait} as critical downcalls, {@code sem_close} and {@code sem_unlink} as plain ones
     * ({@code sem_close} walks the process's tree of open semaphores under a lock and unmaps one, and
     * {@code sem_unlink} takes the directory's lock: not the extremely short calls a critical downcall must
     * be). The JVM initializes this class once, under its own init lock, and it reaches nothing but Libc and
     * Posix's constants: no cycle, no other lock.
     */
    private static final class Calls {
        static final MethodHandle SEM_OPEN = SemFile.USABLE ? null : Libc.downcall("sem_open",
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
        static final MethodHandle SEM_POST = simple("sem_post");
        static final MethodHandle SEM_TRYWAIT = SemFile.USABLE ? null : simple("sem_trywait");
        static final MethodHandle SEM_CLOSE = SemFile.USABLE ? null : Libc.downcall("sem_close",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        static final MethodHandle SEM_UNLINK = SemFile.USABLE ? null : Libc.downcall("sem_unlink",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        static final MethodHandle SEM_GETVALUE = SemFile.USABLE ? null : Libc.downcall("sem_getvalue",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                Linker.Option.critical(true));
        /** glibc 2.30+; null elsewhere (musl, macOS): then {@link #SEM_TIMEDWAIT}. */
        static final MethodHandle SEM_CLOCKWAIT = Libc.downcallIfPresent("sem_clockwait",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS), Linker.Option.captureCallState("errno"));
        /**
         * Where there is no {@code sem_clockwait}: {@code sem_timedwait} on {@code CLOCK_REALTIME} (musl), or
         * null (macOS): then waits poll {@code sem_trywait}.
         */
        static final MethodHandle SEM_TIMEDWAIT = SEM_CLOCKWAIT != null ? null : Libc.downcallIfPresent(
                "sem_timedwait", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
                Linker.Option.captureCallState("errno"));
        /** For the deadlines of the timed waits; null where there are none. */
        static final MethodHandle CLOCK_GETTIME = SEM_CLOCKWAIT == null && SEM_TIMEDWAIT == null ? null
                : Libc.downcall("clock_gettime", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS), Linker.Option.critical(true));
        /**
         * Whether {@link System#nanoTime()} reads {@code CLOCK_MONOTONIC}, as HotSpot's does on Linux: then a
         * wait's deadline for {@code sem_clockwait} is computed without a {@code clock_gettime} call (one native
         * call less per wait, and less code for the JIT to compile into every waiting loop). Checked once,
         * against {@code clock_gettime}.
         */
        static final boolean NANO_TIME_IS_MONOTONIC = SEM_CLOCKWAIT != null && nanoTimeIsMonotonic(CLOCK_GETTIME);

        static {
            Linked.semaphoresLinked();
        }

        private static MethodHandle simple(String name) {
            return Libc.downcall(name, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                    Linker.Option.critical(false));
        }
    }

    /**
     * Links ahead the calls a job that holds a queue, pipe, lock or shared value will make (a forkserver
     * spare, while it waits for such a job).
     */
    public static void linkAhead() {
        try {
            MethodHandles.lookup().ensureInitialized(Calls.class);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e); // this class's own nested class: cannot happen
        }
    }

    /**
     * @return whether this JVM has linked the semaphore calls: until then, a waiter that would sleep on a bell
     *     (a semaphore another process posts when it sees a waiter counted) polls instead, uncounted, so that
     *     neither it nor the process that wakes it needs the calls ({@link #linkInBackground})
     */
    public static boolean linked() {
        return Linked.semaphores();
    }

    /**
     * Decides how semaphores are made here and loads their handle's class, making none: what a caller about to
     * make its first semaphore does while it waits for something else (the resource tracker's start).
     */
    public static void prepareCreate() {
        SemFile.prepare();
        try {
            MethodHandles.lookup().ensureInitialized(Sem.class);
        } catch (IllegalAccessException e) {
            throw new AssertionError("Sem is Posix's own", e);
        }
    }

    private static final java.util.concurrent.atomic.AtomicBoolean BACKGROUND =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Starts linking the semaphore calls on a daemon thread of their own, once per JVM, and returns at once:
     * what a waiter that polls asks for, so that a wait that lasts sleeps on its bell in the end. Linking takes a
     * fresh JVM 70-150 ms of CPU. If no thread can be started, the calls are linked when first made.
     */
    public static void linkInBackground() {
        if (Linked.semaphores() || !BACKGROUND.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(new Background(), "mp4j-natives");
        t.setDaemon(true);
        try {
            t.start();
        } catch (OutOfMemoryError | RuntimeException e) {
            BACKGROUND.set(false); // the next waiter tries again, or the first call links
        }
    }

    /** The background link's body: a class, not a lambda (a lambda spins a class in a fresh JVM). */
    private static final class Background implements Runnable {
        @Override
        public void run() {
            try {
                linkAhead();
            } catch (RuntimeException | LinkageError e) {
                unavailable(e); // waiters go on polling, more slowly
            }
        }
    }

    /**
     * Whether linking the calls failed in this JVM (native access denied, say): its waiters then poll for good,
     * their longest park {@link #POLL_UNAVAILABLE_NANOS}, and a post to a thread another JVM counts asleep is
     * made from Java, reaching it when its slice ends.
     */
    private static volatile boolean unavailable;
    /** The longest park of a poll where the calls cannot be linked: a tenth of a percent of a CPU per waiter. */
    private static final long POLL_UNAVAILABLE_NANOS = 10_000_000L;

    private static void unavailable(Throwable why) {
        if (!unavailable) {
            unavailable = true;
            dev.mp4j.internal.util.LazyLogger.of("dev.mp4j.multiprocessing").log(System.Logger.Level.WARNING,
                    () -> "mp4j cannot link its semaphores' native calls (" + why + "): waits poll, and a post to"
                            + " a process asleep on a semaphore reaches it within " + SLICE_NANOS / 1_000_000
                            + " ms; give native access (--enable-native-access=dev.mp4j, or ALL-UNNAMED on the"
                            + " class path) to have them sleep and be woken at once");
        }
    }

    private static boolean nanoTimeIsMonotonic(MethodHandle clockGettime) {
        try {
            MemorySegment ts = Scratch.SCRATCH.get().asSlice(0, Scratch.TIMESPEC);
            long before = System.nanoTime();
            int rc = (int) clockGettime.invokeExact(CLOCK_MONOTONIC, ts);
            long after = System.nanoTime();
            ByteBuffer t = Words.view(ts);
            long monotonic = t.getLong(0) * 1_000_000_000L + t.getLong(8);
            // the same clock reads between the two nanoTimes; another differs by its own origin, seconds at least
            return rc == 0 && monotonic >= before - 1_000_000L && monotonic <= after + 1_000_000L;
        } catch (Throwable t) {
            return false;
        }
    }

    private Posix() {}

    /**
     * A named semaphore opened in this process: its name and its {@code sem_t*}, which is either this process's
     * own mapping of the semaphore's file ({@link SemFile}: made or opened without a native call) or what
     * {@code sem_open} returned.
     */
    public static final class Sem {
        private final String name;
        private final MemorySegment handle;
        /** The mapping's, closed by {@link #semClose}; null for a handle from {@code sem_open}. */
        private final Arena arena;
        /** The mapping as a byte buffer, by which {@link SemFile} uses it; null for a handle from {@code sem_open}. */
        private final ByteBuffer word;

        private Sem(String name, MemorySegment handle, Arena arena) {
            this.name = name;
            this.handle = handle;
            this.arena = arena;
            this.word = arena == null ? null : Words.view(handle);
        }

        /** @return its name, {@code /...} */
        public String name() {
            return name;
        }

        /** @return its {@code sem_t*} */
        MemorySegment handle() {
            return handle;
        }

        /** @return the mapping as a byte buffer ({@link SemFile}); null if not {@link #mapped()} */
        ByteBuffer word() {
            return word;
        }

        /** @return whether this process maps its file itself (and uses it from Java where it can) */
        boolean mapped() {
            return arena != null;
        }

        @Override
        public String toString() {
            return "Sem[" + name + "]";
        }
    }

    /**
     * Creates a new named semaphore (fails if the name exists).
     *
     * @param name a name like {@code /mp4j-...}
     * @param value its initial value
     * @return the open semaphore
     * @throws UncheckedIOException if it cannot be created
     */
    public static Sem semCreate(String name, int value) {
        if (SemFile.USABLE) {
            Arena arena = Arena.ofShared();
            try {
                return new Sem(name, SemFile.create(name, value, arena), arena);
            } catch (RuntimeException | Error e) {
                arena.close();
                throw e;
            }
        }
        return semOpen(name, O_CREAT | O_EXCL, value);
    }

    /**
     * Opens an existing named semaphore.
     *
     * @param name its name
     * @return the open semaphore
     * @throws UncheckedIOException if it does not exist (any more)
     */
    public static Sem semAttach(String name) {
        if (SemFile.USABLE) {
            Arena arena = Arena.ofShared();
            try {
                return new Sem(name, SemFile.attach(name, arena), arena);
            } catch (RuntimeException | Error e) {
                arena.close();
                throw e;
            }
        }
        return semOpen(name, 0, 0);
    }

    private static Sem semOpen(String name, int flags, int value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CAPTURE);
            MemorySegment h = (MemorySegment) Calls.SEM_OPEN.invokeExact(state, arena.allocateFrom(name), flags, 0600,
                    value);
            if (h.address() == 0L) {
                int errno = Words.view(state).getInt((int) Libc.ERRNO);
                String why = errno == EEXIST ? "it exists already" : errno == ENOENT ? "no such semaphore" : "errno " + errno;
                throw new UncheckedIOException(new IOException("sem_open(" + name + ") failed: " + why));
            }
            return new Sem(name, h, null);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Closes this process's handle (the semaphore itself stays). A mapping that a thread of this process still
     * waits on natively stays mapped (until this JVM exits), where {@code sem_close} would unmap it under the
     * waiter.
     *
     * @param sem the semaphore
     */
    public static void semClose(Sem sem) {
        if (sem.mapped()) {
            try {
                sem.arena.close();
            } catch (IllegalStateException closedOrInUse) {
                // closed before, or in a native wait's use
            }
            return;
        }
        MethodHandle close = Calls.SEM_CLOSE; // outside the try: a failure to link propagates unwrapped
        try {
            int rc = (int) close.invokeExact(sem.handle());
            assert rc == 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Removes a semaphore's name; processes that have it open keep using it.
     *
     * @param name the name
     * @return false if there was no such name
     */
    public static boolean semUnlink(String name) {
        if (SemFile.USABLE) {
            return SemFile.unlink(name);
        }
        MethodHandle unlink = Calls.SEM_UNLINK; // outside the try: a failure to link propagates unwrapped
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) unlink.invokeExact(arena.allocateFrom(name));
            return rc == 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Increments; wakes a thread that sleeps on it. Made from Java unless a thread sleeps on it natively (glibc
     * counts it in the semaphore's word): then by {@code sem_post}, which wakes it.
     *
     * @param sem the semaphore to increment
     */
    public static void semPost(Sem sem) {
        if (!sem.mapped() || !SemFile.post(sem.word(), sem.name())) {
            if (!sem.mapped()) {
                nativePost(sem);
                return;
            }
            try {
                nativePost(sem);
            } catch (LinkageError e) { // the calls cannot be linked here: post from Java, waking no one
                unavailable(e);
                SemFile.postWithoutWaking(sem.word(), sem.name());
            }
        }
    }

    /** {@code sem_post}, a method of its own so that the JIT compiles the post from Java without it. */
    private static void nativePost(Sem sem) {
        try {
            int rc = (int) Calls.SEM_POST.invokeExact(sem.handle());
            if (rc != 0) {
                throw new IllegalStateException("sem_post(" + sem.name() + ") failed (value at its maximum?)");
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * @param sem the semaphore
     * @return true if it was decremented; false if its value was 0
     */
    public static boolean semTryWait(Sem sem) {
        if (sem.mapped()) {
            return SemFile.tryTake(sem.word());
        }
        MethodHandle tryWait = Calls.SEM_TRYWAIT; // outside the try: a failure to link propagates unwrapped
        try {
            return (int) tryWait.invokeExact(sem.handle()) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * @param sem the semaphore
     * @return its current value
     */
    public static int semGetValue(Sem sem) {
        if (sem.mapped()) {
            return SemFile.value(sem.word());
        }
        try {
            MemorySegment out = Scratch.SCRATCH.get().asSlice(0, ValueLayout.JAVA_INT);
            int rc = (int) Calls.SEM_GETVALUE.invokeExact(sem.handle(), out);
            if (rc != 0) {
                throw new IllegalStateException("sem_getvalue(" + sem.name() + ") failed");
            }
            return out.get(ValueLayout.JAVA_INT, 0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Waits at most {@code nanos} (at most {@link #SLICE_NANOS} in one native call) to decrement.
     *
     * @param sem the semaphore
     * @param nanos how long at most, in nanoseconds (0: just try)
     * @return true if decremented; false if the time ran out
     */
    public static boolean semWaitSlice(Sem sem, long nanos) {
        if (nanos <= 0) {
            return semTryWait(sem);
        }
        long slice = Math.min(nanos, SLICE_NANOS);
        if (sem.mapped()) {
            if (SemFile.tryTake(sem.word())) {
                return true;
            }
            if (!Linked.semaphores()) {
                return pollUnlinked(sem, slice);
            }
        }
        return nativeWait(sem, slice);
    }

    /**
     * A slice's wait in a JVM that has not linked the calls: tries from Java, a spin-wait apart, then a yield
     * apart for {@link #POLL_YIELD_NANOS}, then parks between tries, {@link #POLL_FIRST_NANOS} at first and twice
     * as long each time up to {@link #POLL_MAX_NANOS}. It does not count itself a waiter in the semaphore's
     * word, so a post needs no native call. Once this JVM has polled {@link #POLL_BEFORE_LINK_NANOS} in all, or
     * {@link #PARKED_TAKES_BEFORE_LINK} waits were ended by a post after they parked, it links the calls in the
     * background, and a slice that finds them linked sleeps natively for the rest of its time. A slice that
     * runs out returns false, as a native one does; so does one whose thread is interrupted.
     */
    private static boolean pollUnlinked(Sem sem, long slice) {
        long start = System.nanoTime();
        try {
            for (int i = 0; i < POLL_SPINS; i++) {
                Thread.onSpinWait();
                if (SemFile.tryTake(sem.word())) {
                    return true;
                }
            }
            long until = start + Math.min(slice, POLL_YIELD_NANOS);
            do {
                Thread.yield();
                if (SemFile.tryTake(sem.word())) {
                    return true;
                }
            } while (System.nanoTime() - until < 0);
            long park = POLL_FIRST_NANOS;
            for (;;) {
                long left = start + slice - System.nanoTime();
                if (left <= 0 || Thread.currentThread().isInterrupted()) {
                    return false; // the caller checks for interrupts between slices
                }
                if (Linked.semaphores()) {
                    return nativeWait(sem, left);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, park));
                if (SemFile.tryTake(sem.word())) {
                    if (PARKED_TAKES.incrementAndGet() >= PARKED_TAKES_BEFORE_LINK) {
                        linkInBackground();
                    }
                    return true;
                }
                park = unavailable ? POLL_UNAVAILABLE_NANOS : Math.min(park * 2, POLL_MAX_NANOS);
            }
        } finally {
            long polled = POLLED.addAndGet(System.nanoTime() - start);
            if (polled >= POLL_BEFORE_LINK_NANOS) {
                linkInBackground();
            }
        }
    }

    private static boolean nativeWait(Sem sem, long slice) {
        if (Calls.SEM_CLOCKWAIT == null && Calls.SEM_TIMEDWAIT == null) {
            return pollSlice(sem, slice);
        }
        try {
            MemorySegment scratch = Scratch.SCRATCH.get();
            MemorySegment ts = scratch.asSlice(0, Scratch.TIMESPEC);
            ByteBuffer words = Words.view(scratch);
            if (Calls.NANO_TIME_IS_MONOTONIC) {
                long until = System.nanoTime() + slice;
                words.putLong(0, until / 1_000_000_000L);
                words.putLong(8, until % 1_000_000_000L);
            } else {
                deadlineByClock(ts, words, slice);
            }
            MemorySegment state = scratch.asSlice(Scratch.SCRATCH_CAPTURE, Libc.CAPTURE);
            int rc = Calls.SEM_CLOCKWAIT != null
                    ? (int) Calls.SEM_CLOCKWAIT.invokeExact(state, sem.handle(), CLOCK_MONOTONIC, ts)
                    : (int) Calls.SEM_TIMEDWAIT.invokeExact(state, sem.handle(), ts);
            if (rc == 0) {
                return true;
            }
            int errno = words.getInt((int) (Scratch.SCRATCH_CAPTURE + Libc.ERRNO));
            if (errno == ETIMEDOUT || errno == EINTR || errno == EAGAIN) {
                return false;
            }
            throw new IllegalStateException((Calls.SEM_CLOCKWAIT != null ? "sem_clockwait(" : "sem_timedwait(")
                    + sem.name() + ") failed: errno " + errno);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Writes into {@code ts} (whose bytes {@code words} views) the time {@code slice} from now on the clock the
     * semaphore's timed wait uses.
     */
    private static void deadlineByClock(MemorySegment ts, ByteBuffer words, long slice) throws Throwable {
        int clock = Calls.SEM_CLOCKWAIT != null ? CLOCK_MONOTONIC : CLOCK_REALTIME;
        int rc = (int) Calls.CLOCK_GETTIME.invokeExact(clock, ts);
        if (rc != 0) {
            throw new IllegalStateException("clock_gettime failed");
        }
        long sec = words.getLong(0);
        long nsec = words.getLong(8) + slice;
        words.putLong(0, sec + nsec / 1_000_000_000L);
        words.putLong(8, nsec % 1_000_000_000L);
    }

    /**
     * A wait where libc has no timed wait on semaphores (macOS): tries, then sleeps a little, until the slice
     * is over.
     */
    static boolean pollSlice(Sem sem, long slice) {
        long deadline = System.nanoTime() + slice;
        while (true) {
            if (semTryWait(sem)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(left, POLL_NANOS));
            if (Thread.currentThread().isInterrupted()) {
                return false; // the caller checks for interrupts between slices
            }
        }
    }
}
