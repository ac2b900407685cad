package dev.mp4j.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import dev.mp4j.futures.TimeoutError;
import dev.mp4j.internal.util.LazyLogger;
import dev.mp4j.internal.wire.Codec;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one type mp4j puts on a Hazelcast executor: the signed bytes of a {@link Job}. A member runs the job only
 * when the signature is right under its own authkey; otherwise it logs a warning, runs nothing and returns null.
 * Its answer is the signed bytes of an {@link Outcome}.
 *
 * <p>It travels as an {@link IdentifiedDataSerializable} of {@link #FACTORY_ID}, not by Java serialization: reading
 * it reads one byte array, and Hazelcast's Java deserialization filter need not admit it.
 */
final class SignedCall implements Callable<byte[]>, IdentifiedDataSerializable, HazelcastInstanceAware {
    /** The id of the factory that makes mp4j's carriers, registered by {@link Configs} in every mp4j JVM. */
    static final int FACTORY_ID = 0x6d70346a; // "mp4j"
    private static final int CLASS_ID = 1;
    private static final System.Logger LOG = LazyLogger.of("dev.mp4j.hazelcast");

    private byte[] sealed;
    private HazelcastInstance instance;

    /** @param sealed a {@link Job}, signed */
    SignedCall(byte[] sealed) {
        this.sealed = sealed;
    }

    /** @return the signed bytes it carries */
    byte[] sealed() {
        return sealed;
    }

    /** @return the factory of {@link #FACTORY_ID}: an empty {@code SignedCall} for Hazelcast to read into */
    static DataSerializableFactory factory() {
        return id -> id == CLASS_ID ? new SignedCall(null) : null;
    }

    @Override
    public int getFactoryId() {
        return FACTORY_ID;
    }

    @Override
    public int getClassId() {
        return CLASS_ID;
    }

    @Override
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(sealed);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        sealed = in.readByteArray();
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance hazelcastInstance) {
        this.instance = hazelcastInstance;
    }

    @Override
    public byte[] call() throws IOException {
        MemberKeys.Keys keys = instance == null ? null : MemberKeys.of(instance);
        if (keys == null) {
            refused(" (this member has no mp4j authkey)");
            return null;
        }
        Outcome outcome;
        try {
            outcome = run(Job.open(keys.signing(), sealed, keys.filter()));
        } catch (Signing.BadTag e) {
            refused("");
            return null;
        } catch (IOException | ClassNotFoundException | RuntimeException e) {
            outcome = new Outcome(null, Codec.portable(
                    new dev.mp4j.multiprocessing.ProcessError("the member could not read the task: " + e, e), where()));
        }
        try {
            return outcome.seal(keys.signing());
        } catch (IOException e) {
            return new Outcome(null, Codec.portable(new dev.mp4j.multiprocessing.ProcessError(
                    "the task's result could not be serialized: " + e), where())).seal(keys.signing());
        }
    }

    private static void refused(String why) {
        LOG.log(System.Logger.Level.WARNING, "refused a task that is not signed with this member's authkey" + why
                + "; it did not run");
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
