package dev.runmetrics.http.archfixture;

import dev.runmetrics.core.flow.WorkflowRunner;
import dev.runmetrics.http.MetricsHttpServer;

/**
 * A planted violation for {@code HttpArchitectureRuleCanFailTest}: a class in the http module's
 * packages that takes the reference orchestrator itself instead of control's interfaces.
 */
public final class RunnerMounting {

    private RunnerMounting() {}

    /** Serves resume, pause and cancel through {@code runner}. */
    public static MetricsHttpServer.Builder mount(MetricsHttpServer.Builder b, WorkflowRunner runner) {
        return b.resumeHandler(runner).pause(runner::pause).cancel(runner::cancel);
    }
}
