package dev.mp4j.internal.spawn;

import dev.mp4j.internal.wire.Tags;
import java.io.IOException;
import java.util.function.Consumer;

/** Turns what the parent saw of a child's end into Python's exit code. */
public final class ExitCodes {
    private ExitCodes() {}

    /**
     * @param exitValue the OS exit status as the JDK reports it (128+N for signal N)
     * @param reported the code the child announced before a normal exit, or null
     * @param sysExit whether the child announced that the program called System.exit
     * @return the code, {@code -N} for a death by signal N
     */
    public static int decode(int exitValue, Integer reported, boolean sysExit) {
        if (reported != null) {
            return reported;
        }
        if (!sysExit && exitValue > 128 && exitValue <= 128 + 64) {
            return -(exitValue - 128);
        }
        return exitValue;
    }

    /**
     * Reads a child's control channel until it closes, giving every frame that is not EXIT, SYSEXIT or
     * TERM_DEFAULT to {@code other}, then waits for the process and returns its decoded exit code. Runs on
     * the caller's thread (a virtual thread, typically).
     *
     * @param child the child
     * @param other receives the job protocol's frames; may be a no-op
     * @return the exit code
     */
    public static int readUntilExit(ChildJvm child, Consumer<byte[]> other) {
        Integer reported = null;
        boolean sysExit = false;
        try {
            while (true) {
                byte[] frame = child.channel().receive(Integer.MAX_VALUE - 16L);
                if (frame.length == 0) {
                    continue;
                }
                switch (frame[0]) {
                    case Tags.EXIT -> reported = Tags.intOf(frame);
                    case Tags.SYSEXIT -> sysExit = true;
                    case Tags.TERM_DEFAULT -> child.termDefaultInPlace();
                    default -> other.accept(frame);
                }
            }
        } catch (IOException closed) {
            // the child is gone (or we released it): its exit status tells the rest
        }
        boolean interrupted = false;
        while (true) {
            try {
                child.process().waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return decode(child.process().exitValue(), reported, sysExit);
    }
}
