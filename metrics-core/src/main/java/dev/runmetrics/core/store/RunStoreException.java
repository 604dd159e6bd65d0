package dev.runmetrics.core.store;

/**
 * Thrown by a {@link RunStore} when it cannot do what was asked because of its storage (database
 * down, I/O error, serialization failure), as opposed to a bad argument, which is an
 * {@link IllegalArgumentException}. The message says what was being done; the cause is the
 * underlying error.
 */
public class RunStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what the store was doing */
    public RunStoreException(String message) {
        super(message);
    }

    /**
     * @param message what the store was doing
     * @param cause the underlying error
     */
    public RunStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
