package dev.runmetrics.core.model;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * Runs and step runs for the tests of every module (metrics-core's test-jar), built on
 * {@link Run#builder()} and {@link StepRun#builder()} with one set of conventions, so a test
 * spells only what its assertions depend on.
 *
 * <ul>
 *   <li>Time: {@link #T0} is minute-aligned, and {@link #at(long)} is {@code T0} plus milliseconds;
 *       instants are whole microseconds, what PostgreSQL keeps, so a value read back from any store
 *       equals the one written.
 *   <li>A run ({@link #runBuilder}): named {@code "<workflowId> name"}, owned by
 *       {@value #INSTANCE_ID}, input {@code {"mode": "standard"}}, no attributes unless given. Once
 *       it has ended ({@link #ended(Run, RunStatus, Duration)}): results
 *       {@code {"output": "done"}} and, unless it completed, the error {@code "it went <status>"}.
 *       Every snapshot's {@code updatedAt} and {@code heartbeatAt} are its latest lifecycle instant.
 *   <li>A step ({@link #stepBuilder}): named {@code "<stepId> name"}, input {@code {"in": order}};
 *       once it has ended, output {@code {"out": order}}; if failed, the error {@code "boom"} of
 *       category {@code OTHER}.
 *   <li>{@link #snapshot} and {@link #stepSnapshot}: a run or step in any status at millisecond
 *       offsets from {@code T0} with an explicit {@code updatedAt}, for store tests that send
 *       snapshots out of order; they carry attributes too (a user and a priority; a model with
 *       tokens and cost), so a round trip covers every column.
 * </ul>
 *
 * <p>Stateless and thread-safe; every call returns a new value (or a new builder).
 */
public final class RunFixtures {
    /** A fixed, minute-aligned origin, so rollup minutes are predictable. */
    public static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    /** The instance that owns every fixture run. */
    public static final String INSTANCE_ID = "instance-a";

    /** The queue wait of a {@link #snapshot} that has started. */
    public static final Duration SNAPSHOT_QUEUE_WAIT = Duration.ofMillis(10);

    /** The queue wait of a {@link #stepSnapshot} that has started. */
    public static final Duration STEP_SNAPSHOT_QUEUE_WAIT = Duration.ofMillis(2);

    private RunFixtures() {
    }

    // ---- ids and time ----

    /** @return a fresh workspace id, so tests sharing a database never see each other's rows */
    public static String newWorkspace() {
        return "ws-" + UUID.randomUUID();
    }

    /** @return a fresh run id (UUID text) */
    public static String newRunId() {
        return newId();
    }

    /** @return a fresh id of anything else (UUID text), e.g. an audit entry's */
    public static String newId() {
        return UUID.randomUUID().toString();
    }

    /** @return {@code T0} plus that many milliseconds, truncated to microseconds */
    public static Instant at(long millis) {
        return T0.plusMillis(millis).truncatedTo(ChronoUnit.MICROS);
    }

    /** @return the instant of an ISO-8601 text such as {@code "2026-03-02T10:30:00Z"} */
    public static Instant at(String iso) {
        return Instant.parse(iso);
    }

    /** @return a duration in milliseconds, as the statistics report them */
    public static double ms(Duration duration) {
        return duration.toNanos() / 1_000_000.0;
    }

    // ---- runs ----

    /** A builder of a run of {@code workflowId} just queued at {@code queuedAt}, with the conventions above. */
    public static Run.Builder runBuilder(String ws, String runId, String workflowId, Instant queuedAt) {
        return Run.builder().workspaceId(ws).runId(runId).workflowId(workflowId).workflowName(workflowId + " name")
                .queuedAt(queuedAt).inputSummary(Map.of("mode", "standard")).updatedAt(queuedAt)
                .instanceId(INSTANCE_ID);
    }

    /** A queued run of {@code workflowId}, attempt 1, queued at {@code queuedAt}. */
    public static Run queued(String ws, String runId, String workflowId, Instant queuedAt) {
        return runBuilder(ws, runId, workflowId, queuedAt).build();
    }

    /** A queued run with host-defined attributes (e.g. {@link Run#USER_ID}, {@link Run#PRIORITY}). */
    public static Run queued(String ws, String runId, String workflowId, Instant queuedAt,
            Map<String, ?> attributes) {
        return runBuilder(ws, runId, workflowId, queuedAt).attributes(attributes).build();
    }

    /** The same run, started {@code wait} after it was queued. */
    public static Run started(Run run, Duration wait) {
        Instant startedAt = run.queuedAt().plus(wait);
        return run.toBuilder().status(RunStatus.RUNNING).startedAt(startedAt).updatedAt(startedAt)
                .heartbeatAt(startedAt).build();
    }

    /** A run queued at {@code queuedAt} and running since {@code startedAt}. */
    public static Run running(String ws, String runId, String workflowId, Instant queuedAt, Instant startedAt,
            Map<String, ?> attributes) {
        return started(queued(ws, runId, workflowId, queuedAt, attributes), Duration.between(queuedAt, startedAt));
    }

    /** The same (started) run, ended in {@code status} {@code exec} after it started. */
    public static Run ended(Run startedRun, RunStatus status, Duration exec) {
        Instant completedAt = startedRun.startedAt().plus(exec);
        return startedRun.toBuilder().status(status).completedAt(completedAt).resultsSummary(Map.of("output", "done"))
                .errorMessage(status == RunStatus.COMPLETED ? null : "it went " + status.wireName())
                .updatedAt(completedAt).heartbeatAt(completedAt).build();
    }

    /** A run queued at {@code queuedAt}, waiting {@code wait}, running {@code exec}, ended in {@code status}. */
    public static Run ended(String ws, String runId, String workflowId, Instant queuedAt, Duration wait,
            Duration exec, RunStatus status) {
        return ended(started(queued(ws, runId, workflowId, queuedAt), wait), status, exec);
    }

    /** Like {@link #ended(String, String, String, Instant, Duration, Duration, RunStatus)} with a fresh run id. */
    public static Run ended(String ws, String workflowId, Instant queuedAt, Duration wait, Duration exec,
            RunStatus status) {
        return ended(ws, newRunId(), workflowId, queuedAt, wait, exec, status);
    }

    /**
     * A snapshot of a run in {@code status} at {@code attempt}, taken at {@code at(updatedMs)}:
     * queued at {@code at(queuedMs)}, started {@link #SNAPSHOT_QUEUE_WAIT} later unless still
     * queued, and ended {@code execMs} after its start if terminal or paused. Attributes:
     * {@link Run#USER_ID} {@code "u1"}, {@link Run#PRIORITY} 5.
     */
    public static Run snapshot(String ws, String runId, String workflowId, RunStatus status, int attempt,
            long queuedMs, long execMs, long updatedMs) {
        Run run = queued(ws, runId, workflowId, at(queuedMs), Map.of(Run.USER_ID, "u1", Run.PRIORITY, 5L));
        if (status != RunStatus.QUEUED) {
            run = started(run, SNAPSHOT_QUEUE_WAIT);
            if (status.isTerminal() || status == RunStatus.PAUSED) {
                run = ended(run, status, Duration.ofMillis(execMs));
            }
        }
        return run.toBuilder().attempt(attempt).updatedAt(at(updatedMs)).heartbeatAt(at(updatedMs)).build();
    }

    /** A {@link #snapshot} of attempt 1, queued at {@code T0}, that ran 100 ms if it has ended. */
    public static Run snapshot(String ws, String runId, String workflowId, RunStatus status, long updatedMs) {
        return snapshot(ws, runId, workflowId, status, 1, 0, 100, updatedMs);
    }

    // ---- steps ----

    /**
     * A builder of step {@code stepId} (position {@code order}, on {@code node}) of attempt 1 of a
     * run, just scheduled at {@code queuedAt}, with the conventions above.
     */
    public static StepRun.Builder stepBuilder(String ws, String runId, String stepId, int order, String node,
            Instant queuedAt) {
        return StepRun.builder().workspaceId(ws).runId(runId).stepId(stepId).stepName(stepId + " name")
                .stepOrder(order).nodeName(node).queuedAt(queuedAt).inputSummary(Map.of("in", order))
                .updatedAt(queuedAt);
    }

    /**
     * A step of {@code attempt} that was scheduled and started at {@code startedAt} and, if
     * {@code status} is terminal, ended {@code exec} later.
     */
    public static StepRun step(String ws, String runId, String stepId, int order, String node, int attempt,
            RunStatus status, Instant startedAt, Duration exec, Map<String, ?> attributes) {
        Instant completedAt = status.isTerminal() ? startedAt.plus(exec) : null;
        return inStatus(stepBuilder(ws, runId, stepId, order, node, startedAt), status, order, startedAt, startedAt,
                completedAt).attempt(attempt).attributes(attributes).build();
    }

    /**
     * A snapshot of step {@code stepId} (position 1, on node {@code "node-<stepId>"}) of
     * {@code attempt} in {@code status}, taken at {@code at(updatedMs)}: scheduled at
     * {@code at(queuedMs)}, started {@link #STEP_SNAPSHOT_QUEUE_WAIT} later unless still queued, and
     * ended {@code execMs} after its start if terminal. Attributes: {@link StepRun#MODEL}
     * {@code "gpt-x"}, {@link StepRun#TOKENS} 12, {@link StepRun#COST} 0.5.
     */
    public static StepRun stepSnapshot(String ws, String runId, String stepId, int attempt, RunStatus status,
            long queuedMs, long execMs, long updatedMs) {
        Instant queuedAt = at(queuedMs);
        Instant startedAt = status == RunStatus.QUEUED ? null : queuedAt.plus(STEP_SNAPSHOT_QUEUE_WAIT);
        Instant completedAt = status.isTerminal() ? startedAt.plusMillis(execMs) : null;
        return inStatus(stepBuilder(ws, runId, stepId, 1, "node-" + stepId, queuedAt), status, 1, queuedAt, startedAt,
                completedAt).attempt(attempt)
                .attributes(Map.of(StepRun.MODEL, "gpt-x", StepRun.TOKENS, 12L, StepRun.COST, 0.5))
                .updatedAt(at(updatedMs)).build();
    }

    private static StepRun.Builder inStatus(StepRun.Builder step, RunStatus status, int order, Instant queuedAt,
            Instant startedAt, Instant completedAt) {
        boolean failed = status == RunStatus.FAILED;
        Instant latest = completedAt != null ? completedAt : startedAt != null ? startedAt : queuedAt;
        return step.status(status).startedAt(startedAt).completedAt(completedAt)
                .outputSummary(completedAt != null ? Map.of("out", order) : null)
                .errorMessage(failed ? "boom" : null).errorCategory(failed ? "OTHER" : null).updatedAt(latest);
    }
}
