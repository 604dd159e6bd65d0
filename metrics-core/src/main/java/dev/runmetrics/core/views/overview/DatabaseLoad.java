package dev.runmetrics.core.views.overview;

/**
 * The database's load, as the store reports it (a host supplies it to the views' builder); null
 * components are unknown. Immutable.
 *
 * @param connections open connections
 * @param queryRate queries per second
 * @param avgQueryTime mean query time in seconds
 */
public record DatabaseLoad(Integer connections, Double queryRate, Double avgQueryTime) {
    /** Nothing known: what a store without a database (or without the numbers) reports. */
    public static final DatabaseLoad UNKNOWN = new DatabaseLoad(null, null, null);
}
