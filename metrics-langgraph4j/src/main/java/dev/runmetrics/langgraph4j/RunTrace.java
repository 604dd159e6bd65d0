package dev.runmetrics.langgraph4j;

import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.record.RunRecorder;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.bsc.langgraph4j.RunnableConfig;
import org.bsc.langgraph4j.action.AsyncNodeActionWithConfig;
import org.bsc.langgraph4j.state.AgentState;

/**
 * One attempt of a recorded run, carried through the graph in the {@link RunnableConfig}'s
 * metadata (LangGraph4j copies it into every node's config, a compiled subgraph's included), so
 * that a hook or a wrapped branch anywhere in the graph records into the right run.
 *
 * <p>It names steps ({@code path}, then {@code path#2}, {@code path#3} for a node that runs again in
 * the same attempt, as in a loop), times them with the monotonic clock, records them through the
 * {@link RunRecorder} and the optional {@link NodeMetricsCollector}, and applies a node's
 * {@link RetryPolicy} if one is configured. Nothing it does can fail or change a node: recording
 * errors are contained (the recorder never throws; the collector and classifier are guarded), and
 * the node's result or exception is passed on as it was.
 *
 * <p>Thread-safe: parallel branches record concurrently; the step bookkeeping is guarded by this
 * object's monitor, and recorder calls are made outside it.
 */
final class RunTrace {

    /** The metadata key under which the trace travels in a {@link RunnableConfig}. */
    static final String KEY = "runmetrics.trace";

    private static final System.Logger LOG = System.getLogger(RunTrace.class.getName());

    private final GraphMetrics metrics;
    private final RunRecorder recorder;
    final String workspaceId;
    final String runId;
    final int attempt;
    private final String rootGraphId;
    private final GraphLayout layout;

    /** Guarded by this. */
    private final Map<String, Integer> visits = new HashMap<>();
    /** Branch steps queued by their parallel node, by path, not yet started. Guarded by this. */
    private final Map<String, ArrayDeque<StepSpec>> queuedBranches = new HashMap<>();
    /** Steps recorded as queued or started and not yet ended. Guarded by this. */
    private final Map<String, StepSpec> open = new LinkedHashMap<>();
    /** The first step that failed, and why. Guarded by this. */
    private String failedStep;
    private String failure;

    RunTrace(GraphMetrics metrics, String workspaceId, String runId, int attempt, String rootGraphId,
            GraphLayout layout) {
        this.metrics = metrics;
        this.recorder = metrics.recorder();
        this.workspaceId = workspaceId;
        this.runId = runId;
        this.attempt = attempt;
        this.rootGraphId = rootGraphId;
        this.layout = layout;
    }

    /** Returns the trace a config carries, or null outside a recorded invocation. */
    static RunTrace of(RunnableConfig config) {
        if (config == null) {
            return null;
        }
        return config.metadata(KEY).orElse(null) instanceof RunTrace trace ? trace : null;
    }

    /** Returns a copy of {@code config} that carries this trace. */
    RunnableConfig attach(RunnableConfig config) {
        return RunnableConfig.builder(config).putMetadata(KEY, this).build();
    }

    /**
     * Returns the path prefix of the graph a node runs in: empty at the top, {@code "sub/"} inside
     * the compiled subgraph {@code sub}. LangGraph4j's graph path starts with the top graph's id
     * when it has one; that element is not part of step names.
     */
    String prefix(RunnableConfig config) {
        try {
            List<String> elements = config.graphPath().elements();
            int from = rootGraphId != null && !elements.isEmpty() && elements.get(0).equals(rootGraphId) ? 1 : 0;
            return from >= elements.size() ? "" : String.join("/", elements.subList(from, elements.size())) + "/";
        } catch (RuntimeException e) {
            return "";
        }
    }

    /**
     * Makes the next execution of the chosen step's node in this attempt take the chosen step's
     * name: a resume from {@code agent#2} runs {@code agent#2} again, not {@code agent}.
     */
    synchronized void continueNumbering(String stepId) {
        int hash = stepId.lastIndexOf('#');
        if (hash > 0) {
            try {
                int visit = Integer.parseInt(stepId.substring(hash + 1));
                visits.put(stepId.substring(0, hash), visit - 1);
            } catch (NumberFormatException e) {
                // not a numbered step: its node's path contains '#'
            }
        }
    }

    /** Returns the step name's path: the step id without its {@code #n} visit number. */
    static String pathOf(String stepId) {
        int hash = stepId.lastIndexOf('#');
        if (hash > 0 && hash < stepId.length() - 1 && stepId.substring(hash + 1).chars().allMatch(Character::isDigit)) {
            return stepId.substring(0, hash);
        }
        return stepId;
    }

    // ------------------------------------------------------------------ steps

    /** Records the branches of a parallel node as queued: they wait from the fan-out on. */
    void queueBranches(String prefix, List<GraphLayout.Branch> branches) {
        for (GraphLayout.Branch branch : branches) {
            String path = prefix + branch.path();
            StepSpec spec = open(path);
            if (spec != null) {
                synchronized (this) {
                    queuedBranches.computeIfAbsent(path, p -> new ArrayDeque<>()).add(spec);
                }
                recorder.stepQueued(workspaceId, runId, spec, null);
            }
        }
    }

    /**
     * Runs a node's action as a step of this attempt and returns its result unchanged: the same
     * value, or the same exception (thrown, or in the returned future).
     */
    <S extends AgentState> CompletableFuture<Map<String, Object>> execute(String path, S state, RunnableConfig config,
            AsyncNodeActionWithConfig<S> action) {
        // A node LangGraph4j runs at once has no queue wait: its first stepStarted stamps both
        // instants, one recorder event fewer. Branches were queued by their fan-out.
        StepSpec spec = takeQueued(path);
        if (spec == null) {
            spec = open(path);
            if (spec == null) {
                return action.apply(state, config);
            }
        }
        recordsCalls(spec);
        RetryPolicy policy = metrics.retryPolicy(path);
        if (policy != null && policy.maxAttempts() > 1) {
            CompletableFuture<Map<String, Object>> out = new CompletableFuture<>();
            tryOnce(spec, policy, 1, state, config, action, out);
            return out;
        }
        started(spec);
        long start = metrics.clock().monotonicNanos();
        CompletableFuture<Map<String, Object>> result;
        try {
            result = action.apply(state, config);
        } catch (Throwable e) {
            failed(spec, start, e, 1);
            throw e;
        }
        if (result == null) {
            failed(spec, start, new NullPointerException("node '" + path + "' returned no future"), 1);
            return null;
        }
        CompletableFuture<Map<String, Object>> out = new CompletableFuture<>();
        StepSpec step = spec;
        result.whenComplete((value, error) -> {
            try {
                if (error == null) {
                    completed(step, start, value, 1);
                } else {
                    failed(step, start, error, 1);
                }
            } finally {
                // Completed with exactly what the node's future holds, so nothing downstream can tell.
                if (error == null) {
                    out.complete(value);
                } else {
                    out.completeExceptionally(error);
                }
            }
        });
        return out;
    }

    private <S extends AgentState> void tryOnce(StepSpec spec, RetryPolicy policy, int number, S state,
            RunnableConfig config, AsyncNodeActionWithConfig<S> action, CompletableFuture<Map<String, Object>> out) {
        started(spec);
        long start = metrics.clock().monotonicNanos();
        CompletableFuture<Map<String, Object>> result;
        try {
            result = action.apply(state, config);
            if (result == null) {
                result = CompletableFuture.failedFuture(
                        new NullPointerException("node '" + spec.nodeName() + "' returned no future"));
            }
        } catch (Throwable e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((value, error) -> {
            if (error == null) {
                completed(spec, start, value, number);
                out.complete(value);
                return;
            }
            Throwable cause = unwrap(error);
            ErrorCategory category = classify(cause);
            boolean again = number < policy.maxAttempts() && cause instanceof Exception
                    && shouldRetry(policy, cause, category);
            if (!again) {
                failed(spec, start, error, number);
                out.completeExceptionally(error);
                return;
            }
            retried(spec, start, cause, category, number + 1);
            long delay = backoffNanos(policy, number);
            CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS).execute(() -> {
                try {
                    tryOnce(spec, policy, number + 1, state, config, action, out);
                } catch (Throwable e) {
                    out.completeExceptionally(e);
                }
            });
        });
    }

    /** Records a step the graph stopped before (an interrupt) as paused. */
    void paused(String path, String reason) {
        StepSpec spec = open(path);
        if (spec != null) {
            recorder.stepQueued(workspaceId, runId, spec, null);
            synchronized (this) {
                open.remove(spec.stepId());
            }
            recorder.stepPaused(workspaceId, runId, spec.stepId(), reason);
        }
    }

    /**
     * Ends the steps still open when the graph has stopped (branches of a fan-out that failed
     * fast, or never started), as cancelled.
     */
    void closeOpenSteps(String reason) {
        List<StepSpec> left;
        synchronized (this) {
            left = new ArrayList<>(open.values());
            open.clear();
            queuedBranches.clear();
        }
        for (StepSpec spec : left) {
            recorder.stepCancelled(workspaceId, runId, spec.stepId(), reason);
        }
    }

    /** Returns the id of the latest step opened for a path in this attempt, or null. */
    synchronized String lastOpened(String path) {
        Integer visit = visits.get(path);
        return visit == null ? null : visit == 1 ? path : path + "#" + visit;
    }

    /** Returns the id of the first step that failed in this attempt, or null. */
    synchronized String failedStep() {
        return failedStep;
    }

    /** Returns why the first failed step failed, or null. */
    synchronized String failure() {
        return failure;
    }

    private StepSpec open(String path) {
        try {
            synchronized (this) {
                int visit = visits.merge(path, 1, Integer::sum);
                String stepId = visit == 1 ? path : path + "#" + visit;
                StepSpec spec = new StepSpec(stepId, path, layout.order(path), path);
                open.put(stepId, spec);
                return spec;
            }
        } catch (RuntimeException e) { // an id the run model does not accept (blank, too long)
            LOG.log(Level.WARNING, "node '" + path + "' of run " + runId + " is not recorded: " + e.getMessage());
            return null;
        }
    }

    private synchronized StepSpec takeQueued(String path) {
        ArrayDeque<StepSpec> queued = queuedBranches.get(path);
        return queued == null ? null : queued.poll();
    }

    private void started(StepSpec spec) {
        recorder.stepStarted(workspaceId, runId, spec, null);
    }

    /**
     * Tells the collector that this node's calls are recorded (before its first try), so a call
     * that needed several tries counts once, by its outcome, and its tries are counted apart.
     */
    private void recordsCalls(StepSpec spec) {
        NodeMetricsCollector collector = metrics.collector();
        if (collector != null) {
            guarded(() -> collector.node(spec.nodeName()).recordsCalls());
        }
    }

    private void completed(StepSpec spec, long start, Map<String, Object> output, int tries) {
        double ms = elapsedMs(start);
        NodeMetricsCollector collector = metrics.collector();
        if (collector != null) {
            guarded(() -> {
                collector.recordSuccess(spec.nodeName(), ms);
                collector.recordCall(spec.nodeName(), tries, true);
            });
        }
        Map<String, Object> summary = summaryOf(output);
        synchronized (this) {
            open.remove(spec.stepId());
        }
        recorder.stepCompleted(workspaceId, runId, spec.stepId(), summary);
    }

    private void failed(StepSpec spec, long start, Throwable error, int tries) {
        double ms = elapsedMs(start);
        Throwable cause = unwrap(error);
        ErrorCategory category = classify(cause);
        NodeMetricsCollector collector = metrics.collector();
        if (collector != null) {
            guarded(() -> {
                collector.recordFailure(spec.nodeName(), ms, category);
                collector.recordCall(spec.nodeName(), tries, false);
            });
        }
        String message = describe(cause);
        synchronized (this) {
            open.remove(spec.stepId());
            if (failedStep == null) {
                failedStep = spec.stepId();
                failure = message;
            }
        }
        recorder.stepFailed(workspaceId, runId, spec.stepId(), message, category.name());
    }

    private void retried(StepSpec spec, long start, Throwable cause, ErrorCategory category, int nextTry) {
        double ms = elapsedMs(start);
        NodeMetricsCollector collector = metrics.collector();
        if (collector != null) {
            guarded(() -> {
                collector.recordFailure(spec.nodeName(), ms, category);
                collector.recordRetry(spec.nodeName(), nextTry);
            });
        }
        recorder.stepRetried(workspaceId, runId, spec.stepId(), describe(cause), category.name());
    }

    private ErrorCategory classify(Throwable cause) {
        try {
            ErrorCategory category = metrics.errorClassifier().classify(cause);
            return category == null ? ErrorCategory.OTHER : category;
        } catch (RuntimeException e) {
            return ErrorCategory.OTHER;
        }
    }

    private static boolean shouldRetry(RetryPolicy policy, Throwable cause, ErrorCategory category) {
        try {
            return policy.shouldRetry(cause, category);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static long backoffNanos(RetryPolicy policy, int failedTry) {
        try {
            return Math.max(0, policy.backoff(failedTry, ThreadLocalRandom.current().nextDouble()).toNanos());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private double elapsedMs(long start) {
        return Math.max(0, metrics.clock().monotonicNanos() - start) / 1_000_000.0;
    }

    private Map<String, Object> summaryOf(Map<String, Object> output) {
        try {
            return StateValues.summary(output);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void guarded(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "the node metrics collector failed; the graph goes on", e);
        }
    }

    /** Returns the failure inside the wrappers futures put around it. */
    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        for (int depth = 0; depth < 16 && (current instanceof CompletionException
                || current instanceof ExecutionException) && current.getCause() != null; depth++) {
            current = current.getCause();
        }
        return current;
    }

    /** Describes a failure for people: its class's simple name and message. */
    static String describe(Throwable e) {
        String message = e.getMessage();
        String type = e.getClass().getSimpleName().isEmpty() ? e.getClass().getName() : e.getClass().getSimpleName();
        return message == null || message.isBlank() ? type : type + ": " + message;
    }

    @Override
    public String toString() {
        return "RunTrace{run=" + runId + ", attempt=" + attempt + "}";
    }
}
