package dev.runmetrics.core.node;

/**
 * Maps a failure to the {@link ErrorCategory} it is counted under.
 *
 * <p>Used by {@link NodeMetricsCollector#recordFailure(String, double, Throwable)} and by created
 * nodes (see {@link NodeConfig.Builder#errorClassifier(ErrorClassifier)}). A classifier that throws or
 * returns {@code null} is treated as having returned {@link ErrorCategory#OTHER}; it never breaks
 * recording.
 *
 * <p>Implementations must be thread-safe; they are called from every thread that records.
 */
@FunctionalInterface
public interface ErrorClassifier {

    /**
     * Returns the category of {@code error}.
     *
     * @param error the failure, never {@code null}
     * @return its category; {@code null} means {@link ErrorCategory#OTHER}
     */
    ErrorCategory classify(Throwable error);

    /**
     * Returns the default classifier. It walks the cause chain (at most 16 deep, outermost first)
     * and answers with the first exception it recognises:
     * <ul>
     *   <li>{@link ErrorCategory#TIMEOUT}: {@link java.util.concurrent.TimeoutException} (including
     *       {@link NodeTimeoutException}), {@link java.io.InterruptedIOException} (which covers
     *       {@link java.net.SocketTimeoutException}) and {@code java.net.http.HttpTimeoutException};
     *   <li>{@link ErrorCategory#VALIDATION}: {@link IllegalArgumentException} (which covers
     *       {@link NumberFormatException}), and any exception whose class name contains
     *       {@code "Validation"} or {@code "ConstraintViolation"} (so Jakarta/Hibernate validation
     *       exceptions count without a dependency on them);
     *   <li>{@link ErrorCategory#NETWORK}: any other {@link java.io.IOException} (connect refused,
     *       unknown host, reset connection, ...) and {@link java.io.UncheckedIOException};
     *   <li>{@link ErrorCategory#OTHER}: everything else.
     * </ul>
     *
     * @return the shared default classifier
     */
    static ErrorClassifier defaults() {
        return DefaultErrorClassifier.INSTANCE;
    }
}
