-- runmetrics schema, version 6: one row per ended attempt of a run, the time a run waited between
-- attempts, and rollups by final status.
--
-- The execution-time statistics count every attempt that ended (a run resumed after a failure
-- and then completed counts twice: once failed, once completed), as the rollups always have. The
-- exact path of the statistics (short ranges) needs the same population, but workflow_executions
-- keeps only a run's latest attempt; this table keeps each ended attempt, written by the writer
-- in the same transaction and on the same condition (the first terminal write of the attempt) as
-- its rollup contribution, so both paths count the same attempts.
--
-- A run's execution time leaves out the time it waited between attempts (from an attempt's end to
-- the start of the next one, e.g. hours failed or paused until an operator resumed it):
-- waited_between_attempts_us holds that wait, and execution_time_us below is
-- completed_at - started_at - waited_between_attempts_us as of that attempt's end.

ALTER TABLE runmetrics.workflow_executions
    ADD COLUMN waited_between_attempts_us bigint NOT NULL DEFAULT 0
        CONSTRAINT workflow_executions_waited_check CHECK (waited_between_attempts_us >= 0);

CREATE TABLE runmetrics.run_attempt_endings (
    workspace_id      text COLLATE "C" NOT NULL,
    run_id            text COLLATE "C" NOT NULL,
    attempt           integer     NOT NULL CHECK (attempt >= 1),
    workflow_id       text COLLATE "C" NOT NULL,
    status            text        NOT NULL CHECK (status IN ('completed', 'failed', 'cancelled', 'timeout', 'skipped')),
    completed_at      timestamptz NOT NULL,
    -- In microseconds; null when the attempt has no such duration (cancelled before it started).
    queue_wait_us     bigint,
    execution_time_us bigint,
    end_to_end_us     bigint,
    CONSTRAINT run_attempt_endings_pkey PRIMARY KEY (workspace_id, run_id, attempt)
);
-- The exact statistics of one workflow, or of all, over a range of completed_at.
CREATE INDEX idx_run_attempt_endings_workflow_completed
    ON runmetrics.run_attempt_endings (workspace_id, workflow_id, completed_at);
CREATE INDEX idx_run_attempt_endings_completed
    ON runmetrics.run_attempt_endings (workspace_id, completed_at);

-- Backfill: each run's latest ended attempt is what workflow_executions still holds (earlier
-- attempts of resumed runs were overwritten before this version and cannot be recovered). The
-- owner is subject to the policies (FORCE), so they are lifted for this transaction's read.
ALTER TABLE runmetrics.workflow_executions NO FORCE ROW LEVEL SECURITY;
INSERT INTO runmetrics.run_attempt_endings (workspace_id, run_id, attempt, workflow_id, status, completed_at,
        queue_wait_us, execution_time_us, end_to_end_us)
SELECT workspace_id, run_id, attempt, workflow_id, status, completed_at,
       CASE WHEN started_at IS NOT NULL
            THEN greatest(0, (extract(epoch FROM (started_at - queued_at)) * 1000000)::bigint) END,
       CASE WHEN started_at IS NOT NULL
            THEN greatest(0, (extract(epoch FROM (completed_at - started_at)) * 1000000)::bigint) END,
       greatest(0, (extract(epoch FROM (completed_at - queued_at)) * 1000000)::bigint)
FROM runmetrics.workflow_executions
WHERE status IN ('completed', 'failed', 'cancelled', 'timeout', 'skipped') AND completed_at IS NOT NULL;
ALTER TABLE runmetrics.workflow_executions FORCE ROW LEVEL SECURITY;

ALTER TABLE runmetrics.run_attempt_endings ENABLE ROW LEVEL SECURITY;
ALTER TABLE runmetrics.run_attempt_endings FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON runmetrics.run_attempt_endings
    USING (workspace_id = current_setting('runmetrics.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('runmetrics.workspace_id', true));

-- The application role reads and adds rows here (never updates them): every role granted SELECT or
-- INSERT on workflow_executions gets the same here (see V002); grantAppRole grants it from now on.
DO $$
DECLARE
    g record;
BEGIN
    FOR g IN
        SELECT DISTINCT a.grantee::regrole::text AS role, a.privilege_type
        FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = 'runmetrics.workflow_executions'::regclass AND a.grantee <> c.relowner AND a.grantee <> 0
          AND a.privilege_type IN ('SELECT', 'INSERT')
    LOOP
        EXECUTE format('GRANT %s ON runmetrics.run_attempt_endings TO %s', g.privilege_type, g.role);
    END LOOP;
END
$$;

-- Statistics by final status: the writer also adds each ended attempt to the WORKFLOW rollup of its
-- status (WORKFLOW_COMPLETED, ...), same keys and columns. Rollup rows written before this version
-- are not split by status (a merged histogram cannot be split), so statistics filtered by status
-- count the attempts that ended after the upgrade; the module README says so.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['execution_rollups', 'execution_rollups_hourly', 'execution_rollups_daily'] LOOP
        EXECUTE format('ALTER TABLE runmetrics.%I DROP CONSTRAINT %I', t, t || '_dimension_check');
        EXECUTE format('ALTER TABLE runmetrics.%I ADD CONSTRAINT %I CHECK (dimension IN (''WORKFLOW'','
            || ' ''WORKFLOW_COMPLETED'', ''WORKFLOW_FAILED'', ''WORKFLOW_CANCELLED'', ''WORKFLOW_TIMEOUT'','
            || ' ''WORKFLOW_SKIPPED'', ''NODE'', ''MODEL''))', t, t || '_dimension_check');
    END LOOP;
END
$$;

-- Seed 000's view: a run's execution time without its waits between attempts, as the store reports it.
CREATE OR REPLACE VIEW runmetrics.execution_time_statistics AS
SELECT r.workspace_id,
       r.run_id                                                        AS id,
       r.workflow_id,
       r.run_id,
       greatest(0, extract(epoch FROM (r.completed_at - r.started_at)) * 1000.0
                   - r.waited_between_attempts_us / 1000.0)            AS execution_time_ms,
       r.completed_at                                                  AS created_at
FROM runmetrics.workflow_executions r
WHERE r.workspace_id = current_setting('runmetrics.workspace_id', true)
  AND r.status IN ('completed', 'failed', 'cancelled', 'timeout', 'skipped')
  AND r.started_at IS NOT NULL
  AND r.completed_at IS NOT NULL;
