package dev.runmetrics.core.store;

/**
 * A store's own measurements of its database work, as counted since the store started: what a
 * resource sampler turns into per-minute query rates and times. Immutable.
 *
 * @param statements statements the store ran (cumulative)
 * @param statementNanos their elapsed time, nanoseconds (cumulative)
 * @param connectionsInUse database connections the store holds now
 * @param peakConnectionsInUse the most it held at once since the previous reading (a reading resets it)
 * @param poolSize connections its pool holds open (in use and idle), or null when unknown
 */
public record DatabaseActivity(long statements, long statementNanos, int connectionsInUse, int peakConnectionsInUse,
        Integer poolSize) {

    /** @throws IllegalArgumentException if a figure is negative */
    public DatabaseActivity {
        if (statements < 0 || statementNanos < 0 || connectionsInUse < 0 || peakConnectionsInUse < 0
                || (poolSize != null && poolSize < 0)) {
            throw new IllegalArgumentException("database activity figures must not be negative");
        }
    }

    /**
     * The same activity with the pool's size as the host's pool tells it (the store sees only the
     * connections it holds, not the pool's idle ones).
     *
     * @throws IllegalArgumentException if size is negative
     */
    public DatabaseActivity withPoolSize(Integer size) {
        return new DatabaseActivity(statements, statementNanos, connectionsInUse, peakConnectionsInUse, size);
    }
}
