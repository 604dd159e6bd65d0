package dev.runmetrics.jdbc;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.RunStatus;
import dev.runmetrics.core.model.StepRun;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Snapshots for the tests: fresh workspaces and runs, instants in whole microseconds. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private Fixtures() {}

    static String workspace() {
        return "ws-" + UUID.randomUUID();
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    static Instant at(long millis) {
        return T0.plus(Duration.ofMillis(millis));
    }

    /** A run queued at {@code q} ms, started 10 ms later, and ended {@code exec} ms after start if terminal. */
    static Run run(String ws, String runId, String workflow, RunStatus status, int attempt, long q, long exec,
            long updated) {
        Instant queued = at(q);
        Instant started = status == RunStatus.QUEUED ? null : queued.plusMillis(10);
        Instant completed = status.isTerminal() || status == RunStatus.PAUSED ? started.plusMillis(exec) : null;
        return new Run(ws, runId, workflow, "Workflow " + workflow, 0, status, attempt, queued, started, completed,
                Map.of("mode", "standard", "n", 3L), status == RunStatus.COMPLETED ? Map.of("output", "ok") : null,
                status == RunStatus.FAILED ? "boom" : null, queued, at(updated), "instance-a", at(updated),
                Map.of(Run.USER_ID, "u1", Run.PRIORITY, 5L));
    }

    static Run run(String ws, String runId, String workflow, RunStatus status, long updated) {
        return run(ws, runId, workflow, status, 1, 0, 100, updated);
    }

    static StepRun step(String ws, String runId, String stepId, int attempt, RunStatus status, long q, long exec,
            long updated) {
        Instant queued = at(q);
        Instant started = status == RunStatus.QUEUED ? null : queued.plusMillis(2);
        Instant completed = status.isTerminal() ? started.plusMillis(exec) : null;
        return new StepRun(ws, runId, stepId, "Step " + stepId, 1, "node-" + stepId, attempt, status, queued, started,
                completed, 0, status == RunStatus.FAILED ? "bad" : null,
                status == RunStatus.FAILED ? "OTHER" : null, Map.of("in", 1L),
                status == RunStatus.COMPLETED ? Map.of("records", 100L) : null,
                Map.of(StepRun.MODEL, "gpt-x", StepRun.TOKENS, 12L, StepRun.COST, 0.5), at(updated));
    }
}
