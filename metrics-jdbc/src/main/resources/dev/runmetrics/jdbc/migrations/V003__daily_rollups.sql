-- runmetrics schema, version 3: day-level rollups.
--
-- With hour rows, a 30-day query still reads 720 hour rows per subject, and at millions of runs an
-- hour row holds thousands of distinct durations, so decoding those rows was the whole cost of the
-- query. It reads the whole UTC days of its range from this table instead (30 rows), the whole
-- hours at its edges from execution_rollups_hourly and the minutes at its edges from
-- execution_rollups. Same key shape and columns as the other two, with bucket_start on a UTC
-- midnight. The writer maintains all three tables in the same transaction.
--
-- Backfill: SchemaMigrator fills this table from the hour rows in Java, in the same transaction as
-- this file (see SchemaMigrator.backfillDailyRollups; a host applying this file with Flyway or
-- Liquibase runs that once afterwards, see the module README).

CREATE TABLE runmetrics.execution_rollups_daily (
    workspace_id    text COLLATE "C"             NOT NULL,
    dimension       text             NOT NULL CHECK (dimension IN ('WORKFLOW', 'NODE', 'MODEL')),
    subject         text COLLATE "C"             NOT NULL,
    bucket_start    timestamptz      NOT NULL CHECK (bucket_start = date_trunc('day', bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'),
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
    -- Serves day rollups of one subject over a time range (and the writer's locked read by key).
    CONSTRAINT execution_rollups_daily_pkey PRIMARY KEY (workspace_id, dimension, subject, bucket_start, instance_id)
);
-- Serves day rollups of all subjects of a dimension over a time range (statistics for all workflows).
CREATE INDEX idx_execution_rollups_daily_time
    ON runmetrics.execution_rollups_daily (workspace_id, dimension, bucket_start);

ALTER TABLE runmetrics.execution_rollups_daily ENABLE ROW LEVEL SECURITY;
ALTER TABLE runmetrics.execution_rollups_daily FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON runmetrics.execution_rollups_daily
    USING (workspace_id = current_setting('runmetrics.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('runmetrics.workspace_id', true));

-- The application role needs the same rights here as on execution_rollups: every role granted
-- something on execution_rollups (by SchemaMigrator.grantAppRole or by hand) gets the same here, so a
-- store upgraded in place keeps writing. grantAppRole also grants this table from now on.
DO $$
DECLARE
    g record;
BEGIN
    FOR g IN
        SELECT DISTINCT a.grantee::regrole::text AS role, a.privilege_type
        FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = 'runmetrics.execution_rollups'::regclass AND a.grantee <> c.relowner AND a.grantee <> 0
    LOOP
        EXECUTE format('GRANT %s ON runmetrics.execution_rollups_daily TO %s', g.privilege_type, g.role);
    END LOOP;
END
$$;
