package dev.runmetrics.core.model;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * Builds runs and step runs for store tests, with microsecond instants (what PostgreSQL keeps).
 * Public so that other modules' store tests (through the test-jar) can use it.
 */
public final class RunFixtures {
    /** A fixed, minute-aligned origin, so rollup minutes are predictable. */
    public static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    private RunFixtures() {
    }

    /** @return a fresh workspace id, so tests sharing a database never see each other's rows */
    public static String newWorkspace() {
        return "ws-" + UUID.randomUUID();
    }

    /** @return a fresh run id (UUID text) */
    public static String newRunId() {
        return UUID.randomUUID().toString();
    }

    /** @return {@code T0} plus that many milliseconds, truncated to microseconds */
    public static Instant at(long millis) {
        return T0.plusMillis(millis).truncatedTo(ChronoUnit.MICROS);
    }

    /** A queued run of {@code workflowId}, attempt 1, queued at {@code queuedAt}. */
    public static Run queued(String ws, String runId, String workflowId, Instant queuedAt) {
        return new Run(ws, runId, workflowId, workflowId + " name", 0, RunStatus.QUEUED, 1, queuedAt, null, null,
                Map.of("mode", "standard"), Map.of(), null, queuedAt, queuedAt, "instance-a", queuedAt, Map.of());
    }

    /** The same run, started {@code waitMs} after it was queued. */
    public static Run started(Run run, long waitMs) {
        Instant startedAt = run.queuedAt().plusMillis(waitMs);
        return new Run(run.workspaceId(), run.runId(), run.workflowId(), run.workflowName(), 0, RunStatus.RUNNING,
                run.attempt(), run.queuedAt(), startedAt, null, run.inputSummary(), Map.of(), null, run.createdAt(),
                startedAt, run.instanceId(), startedAt, run.attributes());
    }

    /** The same run, ended in {@code status} {@code execMs} after it started. */
    public static Run ended(Run startedRun, RunStatus status, long execMs) {
        Instant completedAt = startedRun.startedAt().plusMillis(execMs);
        return new Run(startedRun.workspaceId(), startedRun.runId(), startedRun.workflowId(),
                startedRun.workflowName(), 0, status, startedRun.attempt(), startedRun.queuedAt(),
                startedRun.startedAt(), completedAt, startedRun.inputSummary(), Map.of("output", "done"),
                status == RunStatus.FAILED ? "step 'process' failed" : null, startedRun.createdAt(), completedAt,
                startedRun.instanceId(), completedAt, startedRun.attributes());
    }

    /** A whole run: queued at {@code queuedAt}, waited {@code waitMs}, ran {@code execMs}, ended in {@code status}. */
    public static Run finished(String ws, String workflowId, Instant queuedAt, long waitMs, long execMs,
            RunStatus status) {
        return ended(started(queued(ws, newRunId(), workflowId, queuedAt), waitMs), status, execMs);
    }

    /** A step run of attempt 1 that ended in {@code status}. */
    public static StepRun step(String ws, String runId, String stepId, int order, String node, RunStatus status,
            Instant queuedAt, long waitMs, long execMs, Map<String, Object> attributes) {
        Instant startedAt = queuedAt.plusMillis(waitMs);
        Instant completedAt = status.isTerminal() ? startedAt.plusMillis(execMs) : null;
        return new StepRun(ws, runId, stepId, stepId + " name", order, node, 1, status, queuedAt, startedAt,
                completedAt, 0, status == RunStatus.FAILED ? "boom" : null,
                status == RunStatus.FAILED ? "OTHER" : null, Map.of("in", 1), Map.of("out", 2), attributes,
                completedAt != null ? completedAt : startedAt);
    }

    /** Shifts a duration to milliseconds as the statistics report them. */
    public static double ms(Duration duration) {
        return duration.toNanos() / 1_000_000.0;
    }
}
