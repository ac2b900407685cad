package dev.mp4j.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.wire.Codec;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one type mp4j puts on a Hazelcast executor, and one of the few that members' Java deserialization filter
 * admits: the signed bytes of a {@link Job}. A member runs the job only when the signature is right under its own
 * authkey; otherwise it logs a warning, runs nothing and returns null. Its answer is the signed bytes of an
 * {@link Outcome}.
 */
final class SignedCall implements Callable<byte[]>, Serializable, HazelcastInstanceAware {
    @Serial
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.hazelcast");

    private final byte[] sealed;
    private transient HazelcastInstance instance;

    /** @param sealed a {@link Job}, signed */
    SignedCall(byte[] sealed) {
        this.sealed = sealed;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.instance = hazelcastInstance;
    }

    @Override
    public byte[] call() throws IOException {
        MemberKeys.Keys keys = instance == null ? null : MemberKeys.of(instance);
        if (keys == null || !keys.signing().verify(sealed)) {
            LOG.log(System.Logger.Level.WARNING, "refused a task that is not signed with this member's authkey"
                    + (keys == null ? " (this member has no mp4j authkey)" : "") + "; it did not run");
            return null;
        }
        Outcome outcome;
        try {
            Job job = (Job) keys.signing().open(sealed, keys.filter());
            outcome = run(job);
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            outcome = new Outcome(null, Codec.portable(
                    new dev.mp4j.multiprocessing.ProcessError("the member could not read the task: " + e, e), where()));
        }
        try {
            return keys.signing().seal(outcome);
        } catch (IOException e) {
            return keys.signing().seal(new Outcome(null, Codec.portable(new dev.mp4j.multiprocessing.ProcessError(
                    "the task's result could not be serialized: " + e), where())));
        }
    }

    private Outcome run(Job job) {
        if (job.timeLimitNanos() <= 0) {
            return call(job);
        }
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().daemon().name("mp4j-task").start(() -> done.complete(call(job)));
        try {
            return done.get(job.timeLimitNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            return new Outcome(null, Codec.portable(new TimeoutError("the task ran past its time limit of "
                    + Duration.ofNanos(job.timeLimitNanos()) + "; its thread was interrupted"), where()));
        } catch (InterruptedException e) {
            t.interrupt();
            Thread.currentThread().interrupt();
            return new Outcome(null, Codec.portable(new dev.mp4j.InterruptedError("the member is stopping"), where()));
        } catch (ExecutionException e) {
            throw new AssertionError("call(job) catches everything", e);
        }
    }

    private Outcome call(Job job) {
        try {
            return new Outcome(job.fn().call(), null);
        } catch (Throwable e) { // the task's own exception, whatever it is, goes to its future
            return new Outcome(null, Codec.portable(e, where()));
        }
    }

    private String where() {
        return "raised on member " + Cluster.address(instance.getCluster().getLocalMember())
                + " (pid " + ProcessHandle.current().pid() + ")";
    }
}
