package dev.mp4j.internal.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mp4j.function.SerializableRunnable;
import dev.mp4j.internal.ring.Ring;
import dev.mp4j.internal.wire.Codec;
import dev.mp4j.multiprocessing.EOFError;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A task that captures a pipe end stays in the codec's fast form; the end counts itself sent only once the whole
 * value is written, and a closed end cannot be sent, either way.
 */
@Timeout(60)
class PortablePipeTest {
    @Test
    void aTaskCapturingAPipeEndTakesTheFastFormAndTheEndWorks() throws Exception {
        PipeEnd[] ends = IpcQueues.pipe(false, null);
        PipeEnd reader = ends[0];
        PipeEnd writer = ends[1];
        try {
            SerializableRunnable task = () -> writer.send("hi");
            byte[] bytes = Codec.encode(task);
            assertEquals(0x01, bytes[0], "a pipe end in a task no longer needs JDK serialization");
            writer.close(); // passed on: its pending count keeps the writing end held
            ((Runnable) Codec.decode(bytes, null)).run();
            assertEquals("hi", reader.recv());
        } finally {
            reader.close();
            writer.close();
        }
    }

    @Test
    void anEndIsCountedSentOnlyWhenTheWholeValueIsWrittenInOneForm() throws Exception {
        PipeEnd[] ends = IpcQueues.pipe(false, null);
        PipeEnd reader = ends[0];
        PipeEnd writer = ends[1];
        try {
            // a Date after the end: the fast writer gives up and JDK serialization writes the whole value, counting
            // the end sent once; counted twice, the one receipt below would leave the writing end held
            byte[] bytes = Codec.encode(new Object[] {writer, new java.util.Date()});
            assertEquals((byte) 0xAC, bytes[0], "the whole value in JDK serialization's form");
            writer.close();
            PipeEnd back = (PipeEnd) ((Object[]) Codec.decode(bytes, null))[0];
            back.close();
            assertFalse(reader.state.in.endHeld(Ring.WRITING_END, false), "one count sent, one received");
            // not serializable after the end: the fast writer gives up, and JDK serialization fails
            PipeEnd[] other = IpcQueues.pipe(false, null);
            try {
                assertThrows(NotSerializableException.class, () -> Codec.encode(new Object[] {other[1], new Object()}));
            } finally {
                other[0].close();
                other[1].close();
            }
        } finally {
            reader.close();
            writer.close();
        }
        PipeEnd[] more = IpcQueues.pipe(false, null);
        try {
            byte[] bytes = Codec.encode(more[1]);
            more[1].close();
            PipeEnd back = (PipeEnd) Codec.decode(bytes, null);
            back.close(); // the one sent count was matched by the one receipt: no one holds the writing end
            assertFalse(more[0].state.in.endHeld(Ring.WRITING_END, false));
            assertThrows(EOFError.class, () -> more[0].recv());
        } finally {
            more[0].close();
            more[1].close();
        }
    }

    @Test
    void aClosedEndCannotBeSent() {
        PipeEnd[] ends = IpcQueues.pipe(true, null);
        ends[0].close();
        try {
            assertThrows(InvalidObjectException.class, () -> Codec.encode(ends[0]));
            SerializableRunnable task = () -> ends[0].poll(Duration.ZERO);
            assertThrows(InvalidObjectException.class, () -> Codec.encode(task));
        } finally {
            ends[1].close();
        }
    }
}
