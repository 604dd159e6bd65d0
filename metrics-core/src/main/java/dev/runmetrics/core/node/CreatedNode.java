package dev.runmetrics.core.node;

import dev.runmetrics.core.time.Clock;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The node made by {@link Nodes#createNode}. Thread-safe; all per-call state is on the stack.
 * Each attempt is recorded as an execution, each retry as a retry, and the call once, when it
 * ends however it ends, with its number of attempts.
 * Attempts are timed only when there is a collector to record the duration into: without one the
 * clock is never read. With per-workspace metrics, each call finds its workspace's handle once
 * (a thread-local read and a map look-up, no allocation after the first call in a workspace).
 */
final class CreatedNode<I, O> implements Node<I, O> {
    private static final System.Logger LOG = System.getLogger(Nodes.class.getName());

    private final String name;
    private final NodeFunction<I, O> function;
    /** The handle every call records into, when the node has one collector. */
    private final NodeMetricsHandle fixed;
    /** Per-workspace collectors, else null. */
    private final WorkspaceNodeMetrics workspaces;
    private final ConcurrentHashMap<String, NodeMetricsHandle> byWorkspace;
    private final Function<String, NodeMetricsHandle> newHandle;
    private final RetryPolicy retryPolicy;
    private final Duration timeout;
    private final long timeoutNanos;
    private final Executor timeoutExecutor;
    private final ErrorClassifier classifier;
    private final Clock clock;
    private final Sleeper sleeper;

    CreatedNode(NodeConfig config, NodeFunction<I, O> function) {
        this.name = config.name();
        this.function = function;
        this.fixed = config.metricsCollector().map(collector -> collector.node(config.name())).orElse(null);
        this.workspaces = config.workspaceMetrics().orElse(null);
        this.byWorkspace = workspaces == null ? null : new ConcurrentHashMap<>();
        this.newHandle = workspaces == null ? null : ws -> workspaces.collector(ws).node(name);
        this.retryPolicy = config.retryPolicy();
        this.timeout = config.timeout().orElse(null);
        this.timeoutNanos = timeout == null ? 0 : timeout.toNanos();
        this.timeoutExecutor = timeout == null ? null
                : config.timeoutExecutor() != null ? config.timeoutExecutor() : NodeThreads.shared();
        this.classifier = config.errorClassifier();
        this.clock = config.clock();
        this.sleeper = config.sleeper();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public O apply(I input) throws Exception {
        NodeMetricsHandle metrics = fixed != null || workspaces == null ? fixed : handleOfThisCall();
        recordsCalls(metrics);
        Throwable earlier = null;
        for (int attempt = 1; ; attempt++) {
            // A clock read costs about 20 ns on some VMs; without a collector nothing uses the duration.
            long start = metrics == null ? 0L : clock.monotonicNanos();
            try {
                O output = attemptOnce(input);
                recordSuccess(metrics, start);
                recordCall(metrics, attempt, true);
                return output;
            } catch (Throwable failure) {
                ErrorCategory category = classify(failure);
                recordFailure(metrics, start, category);
                attachEarlier(failure, earlier);
                if (failure instanceof InterruptedException) {
                    recordCall(metrics, attempt, false);
                    Thread.currentThread().interrupt(); // the exception cleared it; the caller keeps it
                    throw (InterruptedException) failure;
                }
                if (!(failure instanceof Exception) || Thread.currentThread().isInterrupted()
                        || attempt >= retryPolicy.maxAttempts() || !retryPolicy.shouldRetry(failure, category)) {
                    recordCall(metrics, attempt, false);
                    throw rethrow(failure);
                }
                recordRetry(metrics, attempt + 1);
                try {
                    sleeper.sleep(retryPolicy.backoff(attempt, ThreadLocalRandom.current().nextDouble()));
                } catch (InterruptedException interrupted) {
                    // The retry never started: the call ends failed after the attempts that ran.
                    recordCall(metrics, attempt, false);
                    Thread.currentThread().interrupt();
                    failure.addSuppressed(interrupted);
                    throw rethrow(failure);
                }
                earlier = failure;
            }
        }
    }

    private NodeMetricsHandle handleOfThisCall() {
        try {
            String ws = WorkspaceScope.current();
            if (ws == null) {
                return workspaces.unscoped().node(name);
            }
            NodeMetricsHandle h = byWorkspace.get(ws);
            return h != null ? h : byWorkspace.computeIfAbsent(ws, newHandle);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "finding the metrics of node '" + name + "' failed; this call is not recorded", e);
            return null;
        }
    }

    private O attemptOnce(I input) throws Exception {
        if (timeout == null) {
            return function.apply(input);
        }
        FutureTask<O> task = new FutureTask<>(() -> function.apply(input));
        timeoutExecutor.execute(task);
        try {
            return task.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            task.cancel(true);
            throw new NodeTimeoutException(name, timeout);
        } catch (InterruptedException e) {
            task.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException) {
                throw e; // the worker thread was interrupted, not the caller: don't claim otherwise
            }
            if (cause instanceof Exception exception) {
                throw exception;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw e;
        } catch (CancellationException e) {
            throw new InterruptedException("node '" + name + "' was cancelled");
        }
    }

    private ErrorCategory classify(Throwable failure) {
        if (failure instanceof NodeTimeoutException) {
            return ErrorCategory.TIMEOUT;
        }
        try {
            ErrorCategory category = classifier.classify(failure);
            return category == null ? ErrorCategory.OTHER : category;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "error classifier of node '" + name + "' threw; counting OTHER", e);
            return ErrorCategory.OTHER;
        }
    }

    // Metrics never fail the node: a recording problem is logged and the call goes on.

    private void recordSuccess(NodeMetricsHandle metrics, long startNanos) {
        if (metrics != null) {
            try {
                metrics.recordSuccess(elapsedMs(startNanos));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "recording a success of node '" + name + "' failed", e);
            }
        }
    }

    private void recordFailure(NodeMetricsHandle metrics, long startNanos, ErrorCategory category) {
        if (metrics != null) {
            try {
                metrics.recordFailure(elapsedMs(startNanos), category);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "recording a failure of node '" + name + "' failed", e);
            }
        }
    }

    private void recordsCalls(NodeMetricsHandle metrics) {
        if (metrics != null) {
            try {
                metrics.recordsCalls();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "recording the calls of node '" + name + "' failed", e);
            }
        }
    }

    private void recordCall(NodeMetricsHandle metrics, int attempts, boolean succeeded) {
        if (metrics != null) {
            try {
                metrics.recordCall(attempts, succeeded);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "recording a call of node '" + name + "' failed", e);
            }
        }
    }

    private void recordRetry(NodeMetricsHandle metrics, int nextAttempt) {
        if (metrics != null) {
            try {
                metrics.recordRetry(nextAttempt);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "recording a retry of node '" + name + "' failed", e);
            }
        }
    }

    private double elapsedMs(long startNanos) {
        // A clock that steps back (it must not, but a test clock might) yields 0, not a negative.
        return Math.max(0L, clock.monotonicNanos() - startNanos) / 1_000_000.0;
    }

    private static void attachEarlier(Throwable failure, Throwable earlier) {
        if (earlier != null && earlier != failure) {
            failure.addSuppressed(earlier);
        }
    }

    private static Exception rethrow(Throwable failure) {
        if (failure instanceof Exception exception) {
            return exception;
        }
        throw (Error) failure;
    }

    @Override
    public String toString() {
        return "Node[" + name + "]";
    }
}
