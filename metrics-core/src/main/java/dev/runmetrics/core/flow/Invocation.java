package dev.runmetrics.core.flow;

import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.NodeConfig;
import dev.runmetrics.core.node.NodeFunction;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One execution of a step in one run attempt, passed through the step's node as its input, so
 * that each try the node's retry policy makes is seen here and recorded as a retry of the step.
 * Thread-safe: with a node timeout, tries run on the node's timeout threads.
 */
final class Invocation {

    /** Told about tries beyond the first, so the runner can record them. */
    interface Tries {
        /** A try failed and another will follow. */
        void retrying(String errorMessage, String errorCategory);

        /** Try {@code number} (2 or more) starts. */
        void started(int number);
    }

    final StepInput input;
    private final NodeConfig config;
    private final Tries tries;
    private final AtomicInteger count = new AtomicInteger();
    /** The highest try number whose retry has been recorded. */
    private final AtomicInteger retryRecordedFor = new AtomicInteger(1);

    Invocation(StepInput input, NodeConfig config, Tries tries) {
        this.input = input;
        this.config = config;
        this.tries = tries;
    }

    Object call(NodeFunction<StepInput, ?> work) throws Exception {
        int n = count.incrementAndGet();
        if (n > 1) {
            // A try that ended without passing through the catch below (the node's timeout) is
            // recorded when the next one starts.
            recordRetry(n, "try " + (n - 1) + " did not finish in time", ErrorCategory.TIMEOUT.name());
            tries.started(n);
        }
        try {
            return work.apply(input);
        } catch (Exception e) {
            // Mirrors the node's own decision so that the retry is recorded when the try fails,
            // before the backoff, not when the next try starts.
            if (n == count.get() && !(e instanceof InterruptedException) && n < config.retryPolicy().maxAttempts()) {
                ErrorCategory category = classify(e);
                if (config.retryPolicy().shouldRetry(e, category)) {
                    recordRetry(n + 1, WorkflowRunner.describe(e), category.name());
                }
            }
            throw e;
        }
    }

    private void recordRetry(int nextTry, String message, String category) {
        int prev;
        do {
            prev = retryRecordedFor.get();
            if (prev >= nextTry) {
                return;
            }
        } while (!retryRecordedFor.compareAndSet(prev, nextTry));
        tries.retrying(message, category);
    }

    private ErrorCategory classify(Throwable e) {
        try {
            ErrorCategory c = config.errorClassifier().classify(e);
            return c == null ? ErrorCategory.OTHER : c;
        } catch (RuntimeException ignored) {
            return ErrorCategory.OTHER;
        }
    }
}
