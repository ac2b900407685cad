package dev.mp4j.internal.spawn;

import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.internal.wire.Tags;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The parent's handle on one booted child JVM: the OS process and the control channel (writing the
 * child's stdin, after the launch header; reading the child's FIFO). The parent sends the job
 * ({@link #sendJob}), then reads the channel until the child exits ({@link #readUntilExit}): the frames of
 * the launch protocol it handles itself, the job's own (a pool's results) it hands on.
 */
public final class ChildJvm {
    private static final int TERM_NOT_SENT = 0;
    private static final int TERM_SENT_EARLY = 1;
    private static final int TERM_DEFAULT_IN_PLACE = 2;

    private final java.lang.Process process;
    private final FrameChannel channel;
    private final AtomicReference<String> name;
    /** Whether SIGTERM was sent before the child reported {@link Tags#TERM_DEFAULT}, or it did. */
    private final AtomicInteger term = new AtomicInteger(TERM_NOT_SENT);
    /** The exit code the child reported ({@link Tags#EXIT}), once {@link #readUntilExit} has read it. */
    private volatile Integer reported;
    /** The token the child's environment carries for its descendants, or null when not known here. */
    private final String tree;
    /** Run once {@link #readUntilExit} has seen the process end, or null. */
    private volatile Runnable whenEnded;
    /** Run once, after the job is sent or when the channel is released without one; null once run, or none. */
    private final AtomicReference<Runnable> afterJob = new AtomicReference<>();

    /**
     * @param process the OS process
     * @param channel the control channel, which owns the child's stdin
     */
    public ChildJvm(java.lang.Process process, FrameChannel channel) {
        this(process, channel, new AtomicReference<>(), null);
    }

    /**
     * @param process the OS process
     * @param channel the control channel, which owns the child's stdin
     * @param name where the child's process name goes once it has one (its output's lines are labelled with it)
     * @param tree the token the child's environment carries for its descendants, or null
     */
    ChildJvm(java.lang.Process process, FrameChannel channel, AtomicReference<String> name, String tree) {
        this.process = process;
        this.channel = channel;
        this.name = name;
        this.tree = tree;
    }

    /**
     * @return the token the child's environment carries for its descendants
     *     ({@link dev.mp4j.internal.util.ProcessTrees#killMarked}), as the launch gave it: known without reading
     *     the child's environment back from {@code /proc} (a file read and a parse of the whole environment, run
     *     interpreted beside each paced start's child); null when it is not known here, or the child is gone
     */
    public String treeToken() {
        return tree != null ? tree : dev.mp4j.internal.util.ProcessTrees.token(process.toHandle());
    }

    /**
     * Names the child (a spare is booted before it has a name): the lines of its output are labelled with it
     * when its context says so.
     *
     * @param processName the child's process name
     */
    public void name(String processName) {
        name.set(processName);
    }

    /** @return the OS process */
    public java.lang.Process process() {
        return process;
    }

    /** @return the control channel */
    public FrameChannel channel() {
        return channel;
    }

    /** @return the child's pid */
    public long pid() {
        return process.pid();
    }

    /**
     * Sends the child the serial filter it applies to everything it decodes from then on (its job included),
     * then its job, already serialized (so that a task that cannot be serialized fails before any JVM is
     * involved).
     *
     * @param encodedJob the job's serialized form
     * @param filter a serializable filter, or null for mp4j's default
     * @throws IOException if the child is gone
     */
    public void sendJob(byte[] encodedJob, ObjectInputFilter filter) throws IOException {
        try {
            if (filter != null) {
                channel.send(Tags.frame(Tags.FILTER, Codec.encode(filter)));
            }
            channel.send(Tags.frame(Tags.JOB, encodedJob));
        } finally {
            runAfterJob();
        }
    }

    /**
     * @param then run (it must not block) once the job is sent ({@link #sendJob}, whether or not the child took
     *     it), or when the channel is released without one, whichever comes first; on the thread that does it
     */
    void afterJob(Runnable then) {
        afterJob.set(then);
    }

    private void runAfterJob() {
        Runnable then = afterJob.getAndSet(null);
        if (then != null) {
            then.run();
        }
    }

    /**
     * Sends SIGTERM, and sends it again once the child reports {@link Tags#TERM_DEFAULT} if it had not yet.
     * A starting child swaps the JVM's SIGTERM handler for the default action; a SIGTERM that the JVM took
     * just before the swap and dispatched just after it finds no handler and is lost. The child reports the
     * swap done before its job runs, so the second SIGTERM, sent only in that case, lands on the default
     * action (a first one that was not lost has the child ending already).
     */
    public void terminate() {
        term.compareAndSet(TERM_NOT_SENT, TERM_SENT_EARLY); // before the signal: see termDefaultInPlace
        process.destroy();
    }

    /** The child reported {@link Tags#TERM_DEFAULT}: repeats a SIGTERM sent before it. */
    private void termDefaultInPlace() {
        if (term.getAndSet(TERM_DEFAULT_IN_PLACE) == TERM_SENT_EARLY) {
            process.destroy();
        }
    }

    /**
     * Reads the control channel until it closes, giving every frame that is not EXIT, SYSEXIT or
     * TERM_DEFAULT to {@code other}, then waits for the process and returns its exit code as Python gives
     * it ({@link #exitCode}). Runs on the caller's thread.
     *
     * @param other receives the job protocol's frames; may be a no-op
     * @return the exit code
     */
    public int readUntilExit(Consumer<byte[]> other) {
        boolean sysExit = false;
        try {
            while (true) {
                byte[] frame = channel.receive(Integer.MAX_VALUE - 16L);
                if (frame.length == 0) {
                    continue;
                }
                switch (frame[0]) {
                    case Tags.EXIT -> reported = Tags.intOf(frame);
                    case Tags.SYSEXIT -> sysExit = true;
                    case Tags.TERM_DEFAULT -> termDefaultInPlace();
                    default -> other.accept(frame);
                }
            }
        } catch (IOException closed) {
            // the child is gone (or we released it): its exit status tells the rest
        }
        int code = exitCode(exitValue(), reported, sysExit);
        Runnable ended = whenEnded;
        if (ended != null) {
            ended.run();
        }
        return code;
    }

    /**
     * @param ended run by {@link #readUntilExit} on its thread once it has seen the process end (it must not
     *     block): the thread that reads the channel is woken by the child's end anyway, where a dependent of
     *     {@code process().onExit()} is run by a thread of the common pool, woken for it alongside the threads
     *     that wait for the child
     */
    void whenEnded(Runnable ended) {
        whenEnded = ended;
    }

    /**
     * @return the exit code the child reported before it ended, as {@link #readUntilExit} returns it once the
     *     process has ended; null while {@link #readUntilExit} has not read it (or the child sent none: it was
     *     killed, or the program called System.exit)
     */
    public Integer reportedExit() {
        return reported;
    }

    /** @return the process's exit status, once it has ended; an interrupt meanwhile is kept, not obeyed */
    private int exitValue() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return process.waitFor();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Turns what the parent saw of a child's end into Python's exit code.
     *
     * @param exitValue the OS exit status as the JDK reports it (128+N for signal N)
     * @param reported the code the child announced before a normal exit, or null
     * @param sysExit whether the child announced that the program called System.exit
     * @return the code, {@code -N} for a death by signal N
     */
    static int exitCode(int exitValue, Integer reported, boolean sysExit) {
        if (reported != null) {
            return reported;
        }
        if (!sysExit && exitValue > 128 && exitValue <= 128 + 64) {
            return -(exitValue - 128);
        }
        return exitValue;
    }

    /** Releases the parent's ends: the channel, with the child's stdin and FIFO. */
    public void release() {
        runAfterJob();
        channel.close();
    }

    @Override
    public String toString() {
        return "ChildJvm[pid=" + process.pid() + "]";
    }
}
