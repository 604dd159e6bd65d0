package dev.runmetrics.core.node;

import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The workspace the current thread works for, so that nodes created with a
 * {@link WorkspaceNodeMetrics} record into that workspace's collector. An orchestrator enters its
 * run's workspace around each node call ({@code WorkflowRunner} does); code outside any scope
 * records into {@link WorkspaceNodeMetrics#unscoped()}.
 *
 * <p>Scopes nest and are restored on exit, also when the call throws. A scope belongs to one thread:
 * a node that runs its attempts on another thread (a timeout) reads the scope before it hands the
 * attempt over. Thread-safe.
 */
public final class WorkspaceScope {

    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private WorkspaceScope() {}

    /** Returns the workspace the current thread is in, or null outside any scope. */
    public static String current() {
        return CURRENT.get();
    }

    /**
     * Calls {@code call} with the current thread in {@code workspaceId}, and returns what it returns.
     *
     * @throws NullPointerException if an argument is null
     * @throws Exception whatever {@code call} throws
     */
    public static <T> T call(String workspaceId, Callable<T> call) throws Exception {
        Objects.requireNonNull(workspaceId, "workspaceId");
        Objects.requireNonNull(call, "call");
        String previous = CURRENT.get();
        CURRENT.set(workspaceId);
        try {
            return call.call();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
