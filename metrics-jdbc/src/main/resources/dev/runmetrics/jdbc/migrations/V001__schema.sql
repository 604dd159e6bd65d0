-- runmetrics schema, version 1: runs, step runs, checkpoints, resume audit, per-minute rollups,
-- per-workflow execution-number counters, and seed 000's execution_time_statistics view.
--
-- Every object lives in the schema "runmetrics". Id columns use COLLATE "C" (code-point order, as
-- Java's String ordering for ids) so that ORDER BY on ids uses the indexes and agrees with core. Ids are text (UUIDv7 strings made in process,
-- host workflow ids). JSON-like values are stored as "json" (the text written by core's
-- JsonValues): unlike jsonb it keeps key order and number spelling, so every value reads back
-- equal, and it accepts \u0000 escapes; nothing queries inside these columns.
--
-- Every table has row-level security keyed by workspace_id, ENABLEd and FORCEd (so the owner is
-- subject to it too); the store sets runmetrics.workspace_id per transaction with
-- set_config('runmetrics.workspace_id', ?, true). When unset, current_setting(.., true) is NULL or
-- '' and matches no row.

CREATE SCHEMA IF NOT EXISTS runmetrics;

-- Runs (seed 003 "workflow_executions"), one row per run; attempts overwrite (newer wins).
CREATE TABLE runmetrics.workflow_executions (
    workspace_id     text COLLATE "C"        NOT NULL,
    run_id           text COLLATE "C"        NOT NULL,
    workflow_id      text COLLATE "C"        NOT NULL,
    workflow_name    text        NOT NULL,
    execution_number bigint      NOT NULL,
    status           text        NOT NULL,
    attempt          integer     NOT NULL CHECK (attempt >= 1),
    queued_at        timestamptz NOT NULL,
    started_at       timestamptz,
    completed_at     timestamptz,
    input_summary    json,
    results_summary  json,
    error_message    text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    instance_id      text COLLATE "C"        NOT NULL,
    heartbeat_at     timestamptz NOT NULL,
    attributes       json        NOT NULL,
    CONSTRAINT workflow_executions_pkey PRIMARY KEY (workspace_id, run_id),
    CONSTRAINT workflow_executions_status_check CHECK (status IN
        ('queued', 'running', 'completed', 'failed', 'cancelled', 'timeout', 'paused', 'skipped'))
);

-- liveRuns (status IN ('queued','running') ORDER BY queued_at) and findRuns with a status filter.
CREATE INDEX idx_workflow_executions_workspace_status
    ON runmetrics.workflow_executions (workspace_id, status, queued_at);
-- findRuns of one workflow, newest first (seed 003 executions list): ORDER BY queued_at DESC, run_id DESC.
CREATE INDEX idx_workflow_executions_workflow_queued
    ON runmetrics.workflow_executions (workspace_id, workflow_id, queued_at DESC, run_id DESC);
-- findRuns of all workflows, newest first, and queued-at range filters.
CREATE INDEX idx_workflow_executions_queued
    ON runmetrics.workflow_executions (workspace_id, queued_at DESC, run_id DESC);
-- Seed 003's time-range index. Our time-range queries (exactDurations, execution_time_statistics)
-- select ended runs by completed_at, so it is on completed_at, with the workflow for one workflow.
CREATE INDEX idx_workflow_executions_completed_at
    ON runmetrics.workflow_executions (workspace_id, workflow_id, completed_at)
    WHERE completed_at IS NOT NULL;
CREATE INDEX idx_workflow_executions_all_completed_at
    ON runmetrics.workflow_executions (workspace_id, completed_at)
    WHERE completed_at IS NOT NULL;

-- Step runs (seed 003 "workflow_step_executions"), one row per step per run attempt.
-- The primary key's prefix (workspace_id, run_id) is seed 003's idx_workflow_step_executions_execution:
-- findSteps (the timeline) reads a run's steps through it, so there is no separate index.
CREATE TABLE runmetrics.workflow_step_executions (
    workspace_id   text COLLATE "C"        NOT NULL,
    run_id         text COLLATE "C"        NOT NULL,
    step_id        text COLLATE "C"        NOT NULL,
    attempt        integer     NOT NULL CHECK (attempt >= 1),
    step_name      text        NOT NULL,
    step_order     integer     NOT NULL,
    node_name      text        NOT NULL,
    status         text        NOT NULL,
    queued_at      timestamptz NOT NULL,
    started_at     timestamptz,
    completed_at   timestamptz,
    retry_count    integer     NOT NULL,
    error_message  text,
    error_category text,
    input_summary  json,
    output_summary json,
    attributes     json        NOT NULL,
    updated_at     timestamptz NOT NULL,
    CONSTRAINT workflow_step_executions_pkey PRIMARY KEY (workspace_id, run_id, step_id, attempt),
    CONSTRAINT workflow_step_executions_status_check CHECK (status IN
        ('queued', 'running', 'completed', 'failed', 'cancelled', 'timeout', 'paused', 'skipped'))
);

-- Full outputs of completed steps, for resume (seed 002). Read by run through the primary key.
CREATE TABLE runmetrics.step_checkpoints (
    workspace_id text COLLATE "C"        NOT NULL,
    run_id       text COLLATE "C"        NOT NULL,
    step_id      text COLLATE "C"        NOT NULL,
    attempt      integer     NOT NULL CHECK (attempt >= 1),
    output       json,
    created_at   timestamptz NOT NULL,
    CONSTRAINT step_checkpoints_pkey PRIMARY KEY (workspace_id, run_id, step_id, attempt)
);

-- Resume audit log (seed 002), append-only, idempotent by audit_id.
CREATE TABLE runmetrics.resume_audit (
    workspace_id text COLLATE "C"        NOT NULL,
    audit_id     text COLLATE "C"        NOT NULL,
    run_id       text COLLATE "C"        NOT NULL,
    step_id      text COLLATE "C"        NOT NULL,
    actor        text        NOT NULL,
    at           timestamptz NOT NULL,
    attempt      integer     NOT NULL CHECK (attempt >= 0),
    outcome      text        NOT NULL CHECK (outcome IN ('ACCEPTED', 'REFUSED', 'CONFLICT')),
    reason       text,
    CONSTRAINT resume_audit_pkey PRIMARY KEY (workspace_id, audit_id)
);
-- findResumeAudit: WHERE run_id = ? ORDER BY at, audit_id.
CREATE INDEX idx_resume_audit_run ON runmetrics.resume_audit (workspace_id, run_id, at, audit_id);

-- Per-minute rollups, one row per (workspace, dimension, subject, minute, writing instance): no two
-- store instances ever write the same row; queries merge rows. A separate table, so pruning raw
-- runs and steps never touches it. Histograms: HdrHistogram compressed encoding, microseconds.
CREATE TABLE runmetrics.execution_rollups (
    workspace_id    text COLLATE "C"             NOT NULL,
    dimension       text             NOT NULL CHECK (dimension IN ('WORKFLOW', 'NODE', 'MODEL')),
    subject         text COLLATE "C"             NOT NULL,
    bucket_start    timestamptz      NOT NULL,
    instance_id     text COLLATE "C"             NOT NULL,
    count_queued    bigint           NOT NULL DEFAULT 0,
    count_running   bigint           NOT NULL DEFAULT 0,
    count_completed bigint           NOT NULL DEFAULT 0,
    count_failed    bigint           NOT NULL DEFAULT 0,
    count_cancelled bigint           NOT NULL DEFAULT 0,
    count_timeout   bigint           NOT NULL DEFAULT 0,
    count_paused    bigint           NOT NULL DEFAULT 0,
    count_skipped   bigint           NOT NULL DEFAULT 0,
    queue_wait      bytea            NOT NULL,
    execution_time  bytea            NOT NULL,
    end_to_end      bytea            NOT NULL,
    tokens          bigint           NOT NULL DEFAULT 0,
    cost            double precision NOT NULL DEFAULT 0,
    -- Serves rollups of one subject over a time range (and the writer's read-modify-write by key).
    CONSTRAINT execution_rollups_pkey PRIMARY KEY (workspace_id, dimension, subject, bucket_start, instance_id)
);
-- Serves rollups of all subjects of a dimension over a time range (statistics for all workflows).
CREATE INDEX idx_execution_rollups_time ON runmetrics.execution_rollups (workspace_id, dimension, bucket_start);

-- Per-workflow execution-number counters: the first write of a run takes the next number.
CREATE TABLE runmetrics.workflow_execution_counters (
    workspace_id text COLLATE "C"   NOT NULL,
    workflow_id  text COLLATE "C"   NOT NULL,
    last_number  bigint NOT NULL,
    CONSTRAINT workflow_execution_counters_pkey PRIMARY KEY (workspace_id, workflow_id)
);

-- Row-level security, keyed by workspace, on every table.
ALTER TABLE runmetrics.workflow_executions ENABLE ROW LEVEL SECURITY;
ALTER TABLE runmetrics.workflow_executions FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON runmetrics.workflow_executions
    USING (workspace_id = current_setting('runmetrics.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('runmetrics.workspace_id', true));

ALTER TABLE runmetrics.workflow_step_executions ENABLE ROW LEVEL SECURITY;
ALTER TABLE runmetrics.workflow_step_executions FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON runmetrics.workflow_step_executions
    USING (workspace_id = current_setting('runmetrics.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('runmetrics.workspace_id', true));

ALTER TABLE runmetrics.step_checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE runmetrics.step_checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON runmetrics.step_checkpoints
    USING (workspace_id = current_setting('runmetrics.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('runmetrics.workspace_id', true));

ALTER TABLE runmetrics.resume_audit ENABLE ROW LEVEL SECURITY;
ALTER TABLE runmetrics.resume_audit FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON runmetrics.resume_audit
    USING (workspace_id = current_setting('runmetrics.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('runmetrics.workspace_id', true));

ALTER TABLE runmetrics.execution_rollups ENABLE ROW LEVEL SECURITY;
ALTER TABLE runmetrics.execution_rollups FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON runmetrics.execution_rollups
    USING (workspace_id = current_setting('runmetrics.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('runmetrics.workspace_id', true));

ALTER TABLE runmetrics.workflow_execution_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE runmetrics.workflow_execution_counters FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON runmetrics.workflow_execution_counters
    USING (workspace_id = current_setting('runmetrics.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('runmetrics.workspace_id', true));

-- Seed 000's shape, as a view over ended runs. It filters by the workspace setting itself, because
-- a view runs with its owner's rights and a superuser owner would bypass the tables' policies
-- (PostgreSQL 14 has no security_invoker views).
CREATE VIEW runmetrics.execution_time_statistics AS
SELECT r.workspace_id,
       r.run_id                                                        AS id,
       r.workflow_id,
       r.run_id,
       extract(epoch FROM (r.completed_at - r.started_at)) * 1000.0    AS execution_time_ms,
       r.completed_at                                                  AS created_at
FROM runmetrics.workflow_executions r
WHERE r.workspace_id = current_setting('runmetrics.workspace_id', true)
  AND r.status IN ('completed', 'failed', 'cancelled', 'timeout', 'skipped')
  AND r.started_at IS NOT NULL
  AND r.completed_at IS NOT NULL;
