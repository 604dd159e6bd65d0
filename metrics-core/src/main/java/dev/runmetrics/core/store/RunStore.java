package dev.runmetrics.core.store;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.StepRun;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The storage SPI: the write and query primitives every store provides (in memory, PostgreSQL).
 * The views (execution-time statistics, workflow summary, run list, detail and timeline, the live
 * overview) are computed once in core from these; a store persists and fetches, and pushes down
 * only what a database does much better: paging and filtering, and exact percentiles over raw
 * rows.
 *
 * <p><b>Tenancy.</b> Every method takes the workspace first and never reads or writes another
 * workspace's rows: a record of another workspace is reported as absent, and a write whose record
 * names another workspace is rejected with {@link IllegalArgumentException}.
 *
 * <p><b>Threads.</b> Implementations are thread-safe; any method may be called from any thread.
 *
 * <p><b>Failures.</b> Bad arguments throw {@link IllegalArgumentException} or
 * {@link NullPointerException}; a storage failure throws {@link RunStoreException}, and one that
 * should pass (the storage is down, hung or restarting; a call ran out of its time bound) its
 * subclass {@link RunStoreUnavailableException}, so callers can defer or answer "try later". Whether a
 * failed write happened is unknown to the caller, which is why every write is idempotent. A store
 * backed by a remote database bounds every call in time and reports its state in {@link #health()}.
 *
 * <p><b>Writes of snapshots</b> ({@link #saveRun}, {@link #saveStep}) may be asynchronous: a store
 * may queue them (bounded, see its documentation) and return at once, so that recording never
 * blocks a workflow; such a store's reads may lag its writes, except where a method says otherwise.
 * {@link #saveCheckpoint}, {@link #claimResume} and {@link #appendControlAudit} are synchronous and
 * durable when they return.
 *
 * <p><b>Rollups</b> are maintained by the store, not by its callers: when a store first holds a
 * run attempt in a terminal status (or a step run in a terminal status), it adds
 * {@link Rollup#forRun} (or {@link Rollup#forStep}) to its own one-minute rows, keyed by its own
 * instance id, in the same atomic unit as the snapshot's write, so a replayed write never counts
 * twice. A resumed run that ends again counts again, once per attempt. Raw runs and steps may be
 * pruned by age without touching rollups.
 */
public interface RunStore {

    /**
     * Upserts a run snapshot keyed by {@code (workspaceId, runId)}.
     *
     * <p>Applied unless the stored snapshot {@linkplain Run#isNewerThan is newer} (a later attempt,
     * or a later {@code updatedAt}), so replays and stale writers never move a run backwards. The
     * first write of a run assigns its {@code executionNumber}: unique and increasing per
     * (workspace, workflow) in the order first writes are stored (gaps allowed), never changed by
     * later writes (their {@code executionNumber} is ignored).
     *
     * @param workspaceId the tenant; must equal {@code run.workspaceId()}
     * @param run the snapshot
     * @throws IllegalArgumentException if the run belongs to another workspace
     * @throws RunStoreException if the store cannot accept the write
     */
    void saveRun(String workspaceId, Run run);

    /**
     * Upserts a step run snapshot keyed by {@code (workspaceId, runId, stepId, attempt)}; applied
     * unless the stored one {@linkplain StepRun#isNewerThan is newer}. The run need not be stored
     * yet (writes may arrive in any order across keys).
     *
     * @param workspaceId the tenant; must equal {@code step.workspaceId()}
     * @param step the snapshot
     * @throws IllegalArgumentException if the step belongs to another workspace
     * @throws RunStoreException if the store cannot accept the write
     */
    void saveStep(String workspaceId, StepRun step);

    /**
     * Stores a completed step's full output, durably, before returning: a step counts as completed
     * only after this returns. Idempotent: keyed by {@code (workspaceId, runId, stepId, attempt)},
     * a second write replaces the first.
     *
     * @param workspaceId the tenant; must equal {@code checkpoint.workspaceId()}
     * @param checkpoint the output
     * @throws IllegalArgumentException if the checkpoint belongs to another workspace
     * @throws RunStoreException if it was not stored (the caller must treat the step as failed)
     */
    void saveCheckpoint(String workspaceId, StepCheckpoint checkpoint);

    /**
     * Claims the next attempt of a run for a resume, atomically (compare-and-set on the attempt;
     * a row lock in a database), so that of concurrent claims, in one JVM or several, exactly one
     * wins.
     *
     * <p>The claim wins iff the run exists in the workspace, its stored {@code attempt} equals
     * {@code expectedAttempt}, and its status is {@code FAILED} or {@code PAUSED}. Then the store
     * replaces it by {@link Run#claimedForResume run.claimedForResume(instanceId, claimedAt)} and
     * returns {@link ResumeClaim.Claimed} with that snapshot. A store with asynchronous writes first
     * applies every write of that run it has accepted, so the claim sees the latest status.
     * Step-level rules (is the chosen step failed or paused?) are the caller's, checked before.
     *
     * @param workspaceId the tenant
     * @param runId the run to resume
     * @param expectedAttempt the attempt the caller saw (the one being resumed from)
     * @param instanceId the claiming process, which will own the new attempt
     * @param claimedAt the claim's instant (becomes {@code updatedAt} and {@code heartbeatAt})
     * @return {@code Claimed}, {@code NotFound} (also for another workspace's run) or
     *     {@code Conflict} with the unchanged stored run
     * @throws RunStoreException if the store cannot decide (nothing was claimed)
     */
    ResumeClaim claimResume(String workspaceId, String runId, int expectedAttempt, String instanceId,
            Instant claimedAt);

    /**
     * Appends an entry to the control audit log (resume, pause and cancel requests), durably.
     * Idempotent by {@code auditId}. The run need not exist (the caller decides what it audits).
     *
     * @param workspaceId the tenant; must equal {@code entry.workspaceId()}
     * @param entry the entry
     * @throws IllegalArgumentException if the entry belongs to another workspace
     * @throws RunStoreException if it was not stored
     */
    void appendControlAudit(String workspaceId, ControlAudit entry);

    /**
     * Appends a resume entry to the control audit log: {@link #appendControlAudit} of
     * {@link ControlAudit#of(ResumeAudit)}, so the same log holds it. Kept for callers written
     * before pause and cancel were audited.
     *
     * @param workspaceId the tenant; must equal {@code entry.workspaceId()}
     * @param entry the entry
     * @throws IllegalArgumentException if the entry belongs to another workspace
     * @throws RunStoreException if it was not stored
     */
    default void appendResumeAudit(String workspaceId, ResumeAudit entry) {
        appendControlAudit(workspaceId, ControlAudit.of(java.util.Objects.requireNonNull(entry, "entry")));
    }

    /**
     * Returns the run, or empty if there is none with that id in the workspace.
     *
     * @throws RunStoreException if the store cannot be read
     */
    Optional<Run> findRun(String workspaceId, String runId);

    /**
     * Returns every step run of a run, all attempts, ordered by attempt, then step order, then
     * {@code queuedAt}, then step id; empty if the run is unknown in the workspace.
     *
     * @throws RunStoreException if the store cannot be read
     */
    List<StepRun> findSteps(String workspaceId, String runId);

    /**
     * Returns one page of the workspace's runs matching the query, newest first (see
     * {@link RunQuery}), with the total number of matches.
     *
     * @throws RunStoreException if the store cannot be read
     */
    Page<Run> findRuns(String workspaceId, RunQuery query);

    /**
     * Returns the live set: runs in status {@code QUEUED} or {@code RUNNING}, oldest
     * {@code queuedAt} first, at most {@code limit} (the live overview's real-time section; also
     * how a host finds runs whose {@code heartbeatAt} is older than its lease after a crash).
     *
     * @param limit at most this many, at least 1
     * @throws IllegalArgumentException if limit is below 1
     * @throws RunStoreException if the store cannot be read
     */
    List<Run> liveRuns(String workspaceId, int limit);

    /**
     * Returns the checkpoints of a run, all attempts, ordered by step id, then attempt. Reads its
     * own {@link #saveCheckpoint} writes.
     *
     * @throws RunStoreException if the store cannot be read
     */
    List<StepCheckpoint> findCheckpoints(String workspaceId, String runId);

    /**
     * Returns the control audit entries (every action) naming a run, oldest first (by {@code at},
     * then {@code auditId}).
     *
     * @throws RunStoreException if the store cannot be read
     */
    List<ControlAudit> findControlAudit(String workspaceId, String runId);

    /**
     * Returns the resume entries of {@link #findControlAudit} that a {@link ResumeAudit} can hold
     * ({@link ControlAudit#asResumeAudit}: those with a step; outcomes other than accepted and
     * conflict read as refused), in the same order. Kept for callers written before pause and
     * cancel were audited.
     *
     * @throws RunStoreException if the store cannot be read
     */
    default List<ResumeAudit> findResumeAudit(String workspaceId, String runId) {
        List<ResumeAudit> found = new java.util.ArrayList<>();
        for (ControlAudit entry : findControlAudit(workspaceId, runId)) {
            ResumeAudit resume = entry.asResumeAudit();
            if (resume != null) {
                found.add(resume);
            }
        }
        return List.copyOf(found);
    }

    /**
     * Returns the rollups of the workspace selected and bucketed by the query (see
     * {@link RollupQuery}), merged across instances ({@code instanceId} null).
     *
     * @throws RunStoreException if the store cannot be read
     */
    List<Rollup> rollups(String workspaceId, RollupQuery query);

    /**
     * Returns exact statistics of the queue waits, execution times and end-to-end latencies of the
     * ended attempts selected by the query ({@link DurationQuery}: every attempt of a run that
     * ended, as the rollups count them), percentiles by nearest rank
     * ({@link DurationStatistics#rank}), {@code exact == true}. Cost grows with the number of
     * attempts, so callers use it for short ranges and rollups otherwise.
     *
     * @throws RunStoreException if the store cannot be read
     */
    DurationBreakdown exactDurations(String workspaceId, DurationQuery query);

    /**
     * Returns the execution times of the ended attempts selected by the query (the population of
     * {@link #exactDurations}) as one histogram per workflow id (workflows without such an
     * attempt are absent), to be merged with rollup histograms: the views answer a long range
     * from the rollups of its whole minutes plus this for the partial minutes at its edges, so
     * that a range edge inside a minute moves nothing. Cost grows with the number of attempts;
     * callers ask for short ranges.
     *
     * @throws RunStoreException if the store cannot be read
     */
    Map<String, DurationHistogram> exactExecutionTimes(String workspaceId, DurationQuery query);

    /**
     * Returns the execution times of the ended attempts of several ranges, added up into one
     * histogram per workflow id: what {@link #exactExecutionTimes(String, DurationQuery)} gives for
     * each query, merged. For the two partial edge minutes of a long range in one read. The
     * queries must not overlap (an attempt in two of them would be counted twice). The default
     * reads each query in turn; a store may read them together.
     *
     * @throws NullPointerException if an argument is null
     * @throws RunStoreException if the store cannot be read
     */
    default Map<String, DurationHistogram> exactExecutionTimes(String workspaceId, List<DurationQuery> queries) {
        Map<String, DurationHistogram.Builder> sums = new java.util.TreeMap<>();
        for (DurationQuery query : queries) {
            exactExecutionTimes(workspaceId, query).forEach((workflow, histogram) ->
                    sums.computeIfAbsent(workflow, k -> DurationHistogram.builder()).add(histogram));
        }
        Map<String, DurationHistogram> out = new java.util.TreeMap<>();
        sums.forEach((workflow, histogram) -> out.put(workflow, histogram.build()));
        return out;
    }

    /**
     * Returns, per step, the outcome counts and exact execution-time statistics of the step runs
     * selected by the query ({@link StepDurationQuery}: every attempt of the latest
     * {@code runLimit} ended runs of one workflow in a range), percentiles by nearest rank
     * ({@link DurationStatistics#rank}). Reads at most {@code runLimit} runs' steps, however long the range.
     *
     * @throws RunStoreException if the store cannot be read
     */
    StepDurationReport stepDurations(String workspaceId, StepDurationQuery query);

    /**
     * Returns whether the store can serve calls now, as it last saw it, without calling its
     * storage: never blocks, never throws. The default, for stores that cannot become
     * unavailable (in memory), is {@link StoreHealth#up()}.
     */
    default StoreHealth health() {
        return StoreHealth.up();
    }
}
