package dev.runmetrics.core.node;

/**
 * What a collector's failure-rate threshold ({@link NodeMetricsCollector.Builder#failureRateThreshold})
 * watches: the share of failed calls or of failed attempts among a node's recent ones. A call
 * that failed twice and succeeded on its third attempt is one succeeded call but two failed
 * attempts of three, so a flaky node whose retries hide its failures trips only
 * {@link #PER_ATTEMPT}.
 */
public enum FailureRateBasis {
    /**
     * Failed calls among the node's last {@code windowSize} calls (a call fails only when its last
     * attempt fails): whether the node's callers see failures. The default. A node that records no
     * calls counts each execution as a call of one attempt, so for it both bases are the same.
     */
    PER_CALL,

    /** Failed attempts among the node's last {@code windowSize} executions: how often attempts fail. */
    PER_ATTEMPT
}
