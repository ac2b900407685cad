package dev.mp4j.internal.spawn;

import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.FrameChannel;

import java.io.IOException;
import java.io.ObjectInputFilter;

/**
 * The parent's handle on one booted child JVM: the OS process and the control channel (writing the
 * child's stdin, after the launch header; reading the child's FIFO).
 *
 * @param process the OS process
 * @param channel the control channel, which owns the child's stdin
 */
public record ChildJvm(java.lang.Process process, FrameChannel channel) {
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
        if (filter != null) {
            channel.send(Tags.frame(Tags.FILTER, Codec.encode(filter)));
        }
        channel.send(Tags.frame(Tags.JOB, encodedJob));
    }

    /** Releases the parent's ends: the channel, with the child's stdin and FIFO. */
    public void release() {
        channel.close();
    }
}
