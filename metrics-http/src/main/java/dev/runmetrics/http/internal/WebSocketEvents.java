package dev.runmetrics.http.internal;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.record.RunEvent;
import java.util.Map;

/**
 * Maps recorder events to the run and step events of the workflow WebSocket streams. Runs: started → {@code workflow_started};
 * completed and cancelled → {@code workflow_completed} (its {@code status} says which); failed and
 * timed out → {@code workflow_failed}. Steps: started, completed, failed (for good) →
 * {@code step_started}, {@code step_completed}, {@code step_failed}. Other events (queued, paused,
 * resumed, retried, skipped, attributes) have no WebSocket event and are not sent.
 */
public final class WebSocketEvents {

    private WebSocketEvents() {}

    /** The event as JSON text, or null if it has no WebSocket counterpart. */
    public static String toJson(RunEvent e) {
        Map<String, Object> message = toMessage(e);
        return message == null ? null : Json.text(message);
    }

    static Map<String, Object> toMessage(RunEvent e) {
        Run run = e.run();
        StepRun step = e.step();
        String at = Json.instant(e.at());
        return switch (e.type()) {
            case RUN_STARTED -> event("workflow_started", Json.map("execution_id", run.runId(), "workflow_id",
                    run.workflowId(), "attempt", run.attempt(), "timestamp", at));
            case RUN_COMPLETED, RUN_CANCELLED -> event("workflow_completed", Json.map("execution_id", run.runId(),
                    "workflow_id", run.workflowId(), "status", run.status().wireName(), "duration_seconds",
                    seconds(run), "timestamp", at));
            case RUN_FAILED, RUN_TIMEOUT -> event("workflow_failed", Json.map("execution_id", run.runId(),
                    "workflow_id", run.workflowId(), "status", run.status().wireName(), "error", run.errorMessage(),
                    "timestamp", at));
            case STEP_STARTED -> event("step_started", Json.map("execution_id", run.runId(), "step_id",
                    step.stepId(), "step_name", step.stepName(), "attempt", step.attempt(), "timestamp", at));
            case STEP_COMPLETED -> event("step_completed", Json.map("execution_id", run.runId(), "step_id",
                    step.stepId(), "step_name", step.stepName(), "duration_seconds", seconds(step), "output",
                    step.outputSummary(), "timestamp", at));
            case STEP_FAILED -> event("step_failed", Json.map("execution_id", run.runId(), "step_id", step.stepId(),
                    "step_name", step.stepName(), "error", step.errorMessage(), "retry_count", step.retryCount(),
                    "timestamp", at));
            default -> null;
        };
    }

    private static Map<String, Object> event(String name, Map<String, Object> data) {
        return Json.map("event", name, "data", data);
    }

    private static Double seconds(dev.runmetrics.core.model.LifecycleTimes t) {
        return t.executionTime().map(d -> d.toNanos() / 1e9).orElse(null);
    }
}
