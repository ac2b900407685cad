package dev.mp4j.multiprocessing;

import java.io.Serial;

/**
 * A received byte message did not fit the buffer given; holds the whole message.
 *
 * @since 0.1
 */
public class BufferTooShort extends ProcessError {
    @Serial
    private static final long serialVersionUID = 1L;

    private final byte[] message;

    /** With no detail. */
    public BufferTooShort() {
        this("buffer too short", (byte[]) null);
    }

    /** @param detail the detail message */
    public BufferTooShort(String detail) {
        this(detail, (byte[]) null);
    }

    /**
     * @param detail the detail message
     * @param cause the cause
     */
    public BufferTooShort(String detail, Throwable cause) {
        super(detail, cause);
        this.message = null;
    }

    /**
     * @param detail the detail message
     * @param message the whole message that did not fit
     */
    public BufferTooShort(String detail, byte[] message) {
        super(detail);
        this.message = message == null ? null : message.clone();
    }

    /** @return the whole message that did not fit (a copy), or null */
    public byte[] message() {
        return message == null ? null : message.clone();
    }
}
