package dev.mp4j.internal.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mp4j.multiprocessing.managers.BaseManager;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A manager made to refuse registration ({@link Managers#refuseRegistration}): every register throws, others don't. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ManagersTest {
    @Test
    void everyRegisterThrowsWithTheMessageGivenAndOnlyOnThatManager() {
        try (BaseManager refusing = new BaseManager(); BaseManager other = new BaseManager()) {
            Managers.refuseRegistration(refusing, "no registry here; use dict()");
            List<Runnable> calls = List.of(
                    () -> refusing.register("a", ArrayList::new),
                    () -> refusing.register("b", ArrayList::new, null, null, null, true),
                    () -> refusing.registerFactory("c", args -> args[0]),
                    () -> refusing.register("d", args -> args[0], null, null, null),
                    () -> refusing.register("e"));
            for (Runnable call : calls) {
                assertEquals("no registry here; use dict()",
                        assertThrows(UnsupportedOperationException.class, call::run).getMessage());
            }
            other.register("a", ArrayList::new); // another manager is not touched
        }
    }
}
