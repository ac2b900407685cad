package dev.mp4j.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs the managers' examples and checks what they print. */
@Timeout(30)
class ManagerExamplesTest {

    private static List<String> run(Demo.Main main) throws Exception {
        PrintStream saved = System.out;
        var buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            main.run(new String[0]);
        } finally {
            System.setOut(saved);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        saved.print(out);
        return out.lines().toList();
    }

    @Test
    void customizedManager() throws Exception {
        assertEquals(List.of("7", "56"), run(CustomizedManager::main));
    }

    @Test
    void remoteQueueManager() throws Exception {
        assertEquals(List.of("hello", "local hello"), run(RemoteQueueManager::main));
    }

    @Test
    void registeredInTheDemo() {
        List<String> names = Demo.EXAMPLES.stream().map(Demo.Example::name).toList();
        assertEquals(true, names.containsAll(List.of("custom-manager", "remote-manager")), names::toString);
    }
}
