package dev.runmetrics.core.node;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;

/** See {@link ErrorClassifier#defaults()}. Stateless and thread-safe. */
enum DefaultErrorClassifier implements ErrorClassifier {
    INSTANCE;

    /** Bounds the walk down the cause chain, which may be cyclic or absurdly deep. */
    private static final int MAX_CAUSE_DEPTH = 16;

    @Override
    public ErrorCategory classify(Throwable error) {
        Throwable current = error;
        for (int depth = 0; current != null && depth < MAX_CAUSE_DEPTH; depth++) {
            ErrorCategory category = classifyOne(current);
            if (category != null) {
                return category;
            }
            Throwable cause = current.getCause();
            current = cause == current ? null : cause;
        }
        return ErrorCategory.OTHER;
    }

    private static ErrorCategory classifyOne(Throwable error) {
        // Timeouts first: SocketTimeoutException and HttpTimeoutException are IOExceptions too.
        if (error instanceof TimeoutException || error instanceof InterruptedIOException
                || error.getClass().getName().equals("java.net.http.HttpTimeoutException")) {
            return ErrorCategory.TIMEOUT;
        }
        if (error instanceof IllegalArgumentException) {
            return ErrorCategory.VALIDATION;
        }
        String className = error.getClass().getName();
        if (className.contains("Validation") || className.contains("ConstraintViolation")) {
            return ErrorCategory.VALIDATION;
        }
        if (error instanceof IOException || error instanceof UncheckedIOException) {
            return ErrorCategory.NETWORK;
        }
        return null;
    }

    @Override
    public String toString() {
        return "ErrorClassifier.defaults()";
    }
}
