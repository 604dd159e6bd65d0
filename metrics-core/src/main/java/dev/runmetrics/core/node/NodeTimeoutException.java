package dev.runmetrics.core.node;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Thrown by a created node when one attempt ran longer than its configured timeout. The attempt's
 * thread was interrupted. Classified as {@link ErrorCategory#TIMEOUT} by the default classifier.
 */
public final class NodeTimeoutException extends TimeoutException {
    private static final long serialVersionUID = 1L;

    private final String nodeName;
    private final Duration timeout;

    /**
     * Creates the exception.
     *
     * @param nodeName the node that timed out
     * @param timeout the timeout it exceeded
     */
    public NodeTimeoutException(String nodeName, Duration timeout) {
        super("node '" + nodeName + "' did not finish within " + timeout.toMillis() + " ms");
        this.nodeName = nodeName;
        this.timeout = timeout;
    }

    /** @return the node that timed out */
    public String nodeName() {
        return nodeName;
    }

    /** @return the timeout it exceeded */
    public Duration timeout() {
        return timeout;
    }
}
