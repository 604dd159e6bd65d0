package dev.runmetrics.http.internal;

import dev.runmetrics.core.model.LifecycleTimes;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.record.RunEvent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps recorder events to the run and step events of the workflow WebSocket streams: every
 * lifecycle change of a run or a step becomes one message {@code {"event": ..., "data": {...}}}.
 * Every {@code data} has {@code execution_id}, {@code workflow_id}, {@code attempt}, {@code status}
 * and {@code timestamp} (when it happened, ISO-8601 UTC); step events add {@code step_id} and
 * {@code step_name}. Runs: queued → {@code workflow_queued}; started → {@code workflow_started};
 * completed and cancelled → {@code workflow_completed} (its {@code status} says which); failed and
 * timed out → {@code workflow_failed} (with {@code error}, and {@code interrupted: true} for a run
 * whose process died); paused → {@code workflow_paused}; resumed → {@code workflow_resumed} (with
 * the new attempt). Steps: {@code step_queued}, {@code step_started}, {@code step_completed},
 * {@code step_retried} (a try failed and the step runs again), {@code step_failed} (for good),
 * {@code step_skipped}, {@code step_paused}, {@code step_cancelled}. A change of a step's custom
 * attributes is not a lifecycle change and is not sent.
 */
public final class WebSocketEvents {

    /** The message prefix the recorder gives a run failed because its process died. */
    private static final String INTERRUPTED = "interrupted:";

    private WebSocketEvents() {}

    /** The event as JSON text, or null if it has no WebSocket counterpart. */
    public static String toJson(RunEvent e) {
        Map<String, Object> message = toMessage(e);
        return message == null ? null : Json.text(message);
    }

    static Map<String, Object> toMessage(RunEvent e) {
        Run run = e.run();
        StepRun step = e.step();
        String name = switch (e.type()) {
            case RUN_QUEUED -> "workflow_queued";
            case RUN_STARTED -> "workflow_started";
            case RUN_COMPLETED, RUN_CANCELLED -> "workflow_completed";
            case RUN_FAILED, RUN_TIMEOUT -> "workflow_failed";
            case RUN_PAUSED -> "workflow_paused";
            case RUN_RESUMED -> "workflow_resumed";
            case STEP_QUEUED -> "step_queued";
            case STEP_STARTED -> "step_started";
            case STEP_COMPLETED -> "step_completed";
            case STEP_RETRIED -> "step_retried";
            case STEP_FAILED -> "step_failed";
            case STEP_SKIPPED -> "step_skipped";
            case STEP_PAUSED -> "step_paused";
            case STEP_CANCELLED -> "step_cancelled";
            case STEP_ATTRIBUTES -> null;
        };
        if (name == null) {
            return null;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("execution_id", run.runId());
        data.put("workflow_id", run.workflowId());
        if (step == null) {
            data.put("attempt", run.attempt());
            data.put("status", run.status().wireName());
            switch (e.type()) {
                case RUN_COMPLETED, RUN_CANCELLED -> data.put("duration_seconds", seconds(run));
                case RUN_FAILED, RUN_TIMEOUT -> {
                    data.put("error", run.errorMessage());
                    data.put("interrupted", run.errorMessage() != null && run.errorMessage().startsWith(INTERRUPTED));
                }
                case RUN_PAUSED -> data.put("reason", run.errorMessage());
                default -> { }
            }
        } else {
            data.put("attempt", step.attempt());
            data.put("status", step.status().wireName());
            data.put("step_id", step.stepId());
            data.put("step_name", step.stepName());
            switch (e.type()) {
                case STEP_COMPLETED -> {
                    data.put("duration_seconds", seconds(step));
                    data.put("output", step.outputSummary());
                }
                case STEP_FAILED, STEP_RETRIED -> {
                    data.put("error", step.errorMessage());
                    data.put("error_category", step.errorCategory());
                    data.put("retry_count", step.retryCount());
                }
                case STEP_PAUSED, STEP_CANCELLED -> data.put("reason", step.errorMessage());
                default -> { }
            }
        }
        data.put("timestamp", Json.instant(e.at()));
        return Json.map("event", name, "data", data);
    }

    /**
     * The executions stream's message for a run event: the run's state after it,
     * {@code {"event": "execution_changed", "data": {...}}} with {@code execution_id},
     * {@code workflow_id}, {@code workflow_name}, {@code attempt}, {@code status},
     * {@code queued_at}, {@code started_at}, {@code completed_at} (null until then), {@code user_id}
     * (null when absent), {@code priority} (0 when absent), {@code error} (null unless it failed,
     * timed out, was cancelled or paused) and {@code timestamp} (when it changed).
     *
     * @throws IllegalArgumentException if the event is a step event
     */
    static Map<String, Object> executionChanged(RunEvent e) {
        if (e.type().isStepEvent()) {
            throw new IllegalArgumentException("a step event changes no run state: " + e.type());
        }
        Run run = e.run();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("execution_id", run.runId());
        data.put("workflow_id", run.workflowId());
        data.put("workflow_name", run.workflowName());
        data.put("attempt", run.attempt());
        data.put("status", run.status().wireName());
        data.put("queued_at", Json.instant(run.queuedAt()));
        data.put("started_at", Json.instant(run.startedAt()));
        data.put("completed_at", Json.instant(run.completedAt()));
        Object user = run.attributes().get(Run.USER_ID);
        data.put("user_id", user == null ? null : user.toString());
        Object priority = run.attributes().get(Run.PRIORITY);
        data.put("priority", priority instanceof Number p ? p.intValue() : 0);
        data.put("error", run.errorMessage());
        data.put("timestamp", Json.instant(e.at()));
        return Json.map("event", "execution_changed", "data", data);
    }

    private static Double seconds(LifecycleTimes t) {
        return t.executionTime().map(d -> d.toNanos() / 1e9).orElse(null);
    }
}
