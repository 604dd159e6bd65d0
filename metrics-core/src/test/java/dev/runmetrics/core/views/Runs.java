package dev.runmetrics.core.views;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunFixtures;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** Hand-made runs and steps for the view tests: every instant given explicitly. */
final class Runs {
    private Runs() {
    }

    static Instant at(String iso) {
        return Instant.parse(iso);
    }

    /** A run queued at {@code queuedAt}, waiting {@code wait}, running {@code exec}, ended in {@code status}. */
    static Run ended(String ws, String runId, String workflowId, Instant queuedAt, Duration wait, Duration exec,
            RunStatus status) {
        Instant started = queuedAt.plus(wait);
        Instant completed = started.plus(exec);
        return new Run(ws, runId, workflowId, workflowId + " name", 0, status, 1, queuedAt, started, completed,
                Map.of("mode", "standard"), Map.of("output", "done"),
                status == RunStatus.COMPLETED ? null : "it went " + status.wireName(), queuedAt, completed,
                "instance-a", completed, Map.of());
    }

    static Run ended(String ws, String workflowId, Instant queuedAt, Duration wait, Duration exec, RunStatus status) {
        return ended(ws, RunFixtures.newRunId(), workflowId, queuedAt, wait, exec, status);
    }

    static Run running(String ws, String runId, String workflowId, Instant queuedAt, Instant startedAt,
            Map<String, Object> attributes) {
        return new Run(ws, runId, workflowId, workflowId + " name", 0, RunStatus.RUNNING, 1, queuedAt, startedAt,
                null, null, null, null, queuedAt, startedAt, "instance-a", startedAt, attributes);
    }

    static Run queued(String ws, String runId, String workflowId, Instant queuedAt, Map<String, Object> attributes) {
        return new Run(ws, runId, workflowId, workflowId + " name", 0, RunStatus.QUEUED, 1, queuedAt, null, null,
                null, null, null, queuedAt, queuedAt, "instance-a", queuedAt, attributes);
    }

    /** A step of {@code attempt} that started at {@code started} and ran {@code exec}, ended in {@code status}. */
    static StepRun step(String ws, String runId, String stepId, int order, String node, int attempt,
            RunStatus status, Instant started, Duration exec, Map<String, Object> attributes) {
        Instant completed = status.isTerminal() ? started.plus(exec) : null;
        return new StepRun(ws, runId, stepId, stepId + " name", order, node, attempt, status, started, started,
                completed, 0, status == RunStatus.FAILED ? "boom" : null, null, Map.of("in", order),
                Map.of("out", order), attributes, completed != null ? completed : started);
    }
}
