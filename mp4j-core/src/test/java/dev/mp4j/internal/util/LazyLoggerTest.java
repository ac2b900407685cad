package dev.mp4j.internal.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** A lazy logger is the named System.Logger once used: same name, same levels, same records. */
class LazyLoggerTest {
    @Test
    void logsThroughTheLoggerOfItsName() {
        String name = "dev.mp4j.test.lazy";
        Logger jul = Logger.getLogger(name);
        List<LogRecord> records = new ArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(h);
        jul.setUseParentHandlers(false);
        jul.setLevel(Level.WARNING);
        try {
            System.Logger lazy = LazyLogger.of(name);
            assertEquals(name, lazy.getName());
            assertTrue(lazy.isLoggable(System.Logger.Level.ERROR));
            assertFalse(lazy.isLoggable(System.Logger.Level.INFO));
            lazy.log(System.Logger.Level.INFO, "dropped");
            lazy.log(System.Logger.Level.WARNING, "kept {0}", 42);
            lazy.log(System.Logger.Level.ERROR, () -> "supplied");
            Throwable t = new IllegalStateException("boom");
            lazy.log(System.Logger.Level.ERROR, "with a throwable", t);
            assertEquals(3, records.size(), "records: " + records.size());
            assertEquals("kept {0}", records.get(0).getMessage());
            assertEquals(42, records.get(0).getParameters()[0]);
            assertEquals("supplied", records.get(1).getMessage());
            assertEquals(t, records.get(2).getThrown());
        } finally {
            jul.removeHandler(h);
            jul.setUseParentHandlers(true);
            jul.setLevel(null);
        }
    }
}
