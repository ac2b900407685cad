package dev.mp4j.internal.pool;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.spawn.Child;
import dev.mp4j.internal.spawn.Job;
import dev.mp4j.internal.spawn.ProcessHooks;
import dev.mp4j.internal.util.KeepAlive;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.internal.wire.FrameChannel;
import dev.mp4j.multiprocessing.ProcessError;

import java.io.IOException;
import java.io.Serial;
import java.util.Arrays;

/**
 * The job of a pool worker JVM: run the initializer, then tasks as {@link PoolWire} describes until told
 * to quit (exit 0) or until the parent is gone.
 */
public final class WorkerJob implements Job {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String name;
    private final byte[] authkey;
    private final String parentName;
    private final long parentPid;
    private final System.Logger.Level logLevel;
    private final SerializableRunnable initializer;

    /**
     * @param name the worker's process name
     * @param initializer run once before the first task; null for none
     */
    public WorkerJob(String name, SerializableRunnable initializer) {
        ProcessHooks.Hooks hooks = ProcessHooks.get();
        this.name = name;
        this.authkey = hooks.currentAuthkey();
        this.parentName = hooks.currentName();
        this.parentPid = ProcessHandle.current().pid();
        this.logLevel = hooks.logLevel();
        this.initializer = initializer;
    }

    @Override
    public int run(Child child) {
        ProcessHooks.get().becomeChild(name, authkey, parentName, parentPid, logLevel);
        KeepAlive.lingerOff();
        FrameChannel channel = child.channel();
        try {
            if (initializer != null) {
                try {
                    initializer.run();
                } catch (Throwable t) {
                    System.err.println("Exception in initializer of " + name + ":");
                    t.printStackTrace();
                    channel.send(PoolWire.initFailed(t));
                    return 1;
                }
            }
            while (true) {
                byte[] frame = channel.receive(Integer.MAX_VALUE - 16L);
                if (frame.length == 0) {
                    continue;
                }
                if (frame[0] == PoolWire.QUIT) {
                    return 0;
                }
                if (frame[0] == PoolWire.TASK) {
                    channel.send(runTask(frame));
                }
            }
        } catch (IOException parentGone) {
            return 0;
        }
    }

    private static byte[] runTask(byte[] frame) {
        long id = PoolWire.id(frame);
        Object task;
        try {
            task = Codec.decode(Arrays.copyOfRange(frame, 9, frame.length), null);
        } catch (ClassNotFoundException e) {
            return PoolWire.failure(id, new ProcessError("the worker cannot load class " + e.getMessage()
                    + " of the task: is it on the class path the worker JVMs get?", e));
        } catch (Throwable t) {
            return PoolWire.failure(id, new ProcessError("the worker cannot read the task: " + t, t));
        }
        TaskRunner.Outcome out = TaskRunner.run(task, PoolWire::portable);
        if (out.error() != null) {
            return PoolWire.failure(id, out.error());
        }
        try {
            return PoolWire.value(id, out.value());
        } catch (Throwable t) {
            // writing the value failed in a way other than an IOException (a writeObject that throws)
            return PoolWire.failure(id, t);
        }
    }
}
