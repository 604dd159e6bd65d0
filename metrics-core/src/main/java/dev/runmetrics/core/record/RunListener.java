package dev.runmetrics.core.record;

/**
 * Receives every lifecycle event of a {@link RunRecorder}.
 *
 * <p>Called on the thread that reported the event, while the recorder holds that run's lock, so
 * the events of one run arrive in order and never concurrently; events of different runs may
 * arrive concurrently from different threads. An implementation must therefore be thread-safe and
 * return quickly (hand work to its own queue; never do I/O inline). An exception it throws is
 * caught, logged and counted ({@link RecorderCounters#listenerFailures()}); the workflow and the
 * other listeners go on.
 */
@FunctionalInterface
public interface RunListener {

    /**
     * Handles one event.
     *
     * @param event the event; its snapshots are immutable and may be kept
     */
    void onEvent(RunEvent event);
}
