package dev.mp4j.multiprocessing.conn;

import dev.mp4j.multiprocessing.Connection;

import java.io.Serial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Python's _FakeConnection: byte messages only; each receive asks a script, given what was sent so far. */
final class FakeConnection implements Connection {
    @Serial
    private static final long serialVersionUID = 1L;

    final transient List<byte[]> sent = new ArrayList<>();
    private final transient Function<List<byte[]>, byte[]> script;

    FakeConnection(Function<List<byte[]>, byte[]> script) {
        this.script = script;
    }

    @Override
    public void sendBytes(byte[] buf) {
        sent.add(buf.clone());
    }

    @Override
    public byte[] recvBytes(int maxlength) {
        return script.apply(sent);
    }

    @Override
    public byte[] recvBytes() {
        return recvBytes(Integer.MAX_VALUE);
    }

    @Override
    public void send(Object obj) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <T> T recv() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void sendBytes(byte[] buf, int offset, int size) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int recvBytesInto(byte[] buf) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int recvBytesInto(byte[] buf, int offset) {
        throw new UnsupportedOperationException();
    }

    @Override
    public boolean poll() {
        return true;
    }

    @Override
    public boolean poll(Duration timeout) {
        return true;
    }

    @Override
    public void close() {}

    @Override
    public boolean closed() {
        return false;
    }

    @Override
    public boolean readable() {
        return true;
    }

    @Override
    public boolean writable() {
        return true;
    }
}
