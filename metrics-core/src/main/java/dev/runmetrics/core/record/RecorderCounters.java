package dev.runmetrics.core.record;

/**
 * A snapshot of a {@link RunRecorder}'s own health counters, each counted since the recorder was
 * built and saturating at {@link Long#MAX_VALUE}.
 *
 * @param events lifecycle events accepted (one per successful recorder call)
 * @param rejectedCalls calls ignored because an argument was invalid or named a run or step the
 *     recorder does not know (or an illegal transition); each is logged at WARNING
 * @param listenerFailures listener invocations that threw
 * @param storeFailures store writes that threw (the run goes on; the snapshot is not retried by
 *     the recorder, but the next snapshot of the same run or step carries the full state again)
 */
public record RecorderCounters(long events, long rejectedCalls, long listenerFailures, long storeFailures) {

    /** @throws IllegalArgumentException if a counter is negative */
    public RecorderCounters {
        if (events < 0 || rejectedCalls < 0 || listenerFailures < 0 || storeFailures < 0) {
            throw new IllegalArgumentException("counters must not be negative");
        }
    }
}
