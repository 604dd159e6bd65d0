package dev.runmetrics.core.node;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what a {@link System.Logger} writes, for tests. With no SLF4J provider on the test class
 * path, System.Logger goes to java.util.logging, so a JUL handler sees every record.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    /** Starts capturing what the logger named after {@code loggerOwner} writes, until {@link #close}. */
    public LogCapture(Class<?> loggerOwner) {
        this.logger = Logger.getLogger(loggerOwner.getName());
        logger.addHandler(handler);
    }

    /** The records captured so far, oldest first (a live, thread-safe view). */
    public List<LogRecord> records() {
        return records;
    }

    /** Stops capturing. */
    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
