-- runmetrics schema, version 2: hour-level rollups.
--
-- A long-range query (30 days = 43,200 minutes) would read one minute row per subject, instance
-- and minute; it reads the whole hours of its range from this table instead (60x fewer rows) and
-- only its partial first and last hours from the minute rows. Same key shape and columns as
-- execution_rollups, with bucket_start on a UTC hour. The writer maintains both tables in the same
-- transaction (the first terminal write of a run or step adds to its minute row and its hour row),
-- so a query never sees one without the other.
--
-- Backfill: hour rows are merges of HdrHistograms in their compressed encoding, which SQL cannot
-- decode, so SchemaMigrator fills this table from the existing minute rows in Java, in the same
-- transaction as this file (see SchemaMigrator.backfillHourlyRollups; a host applying this file with
-- Flyway or Liquibase runs that once afterwards, see the module README).

CREATE TABLE runmetrics.execution_rollups_hourly (
    workspace_id    text COLLATE "C"             NOT NULL,
    dimension       text             NOT NULL CHECK (dimension IN ('WORKFLOW', 'NODE', 'MODEL')),
    subject         text COLLATE "C"             NOT NULL,
    bucket_start    timestamptz      NOT NULL CHECK (bucket_start = date_trunc('hour', bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'),
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
    -- Serves hour rollups of one subject over a time range (and the writer's locked read by key).
    CONSTRAINT execution_rollups_hourly_pkey PRIMARY KEY (workspace_id, dimension, subject, bucket_start, instance_id)
);
-- Serves hour rollups of all subjects of a dimension over a time range (statistics for all workflows).
CREATE INDEX idx_execution_rollups_hourly_time
    ON runmetrics.execution_rollups_hourly (workspace_id, dimension, bucket_start);

ALTER TABLE runmetrics.execution_rollups_hourly ENABLE ROW LEVEL SECURITY;
ALTER TABLE runmetrics.execution_rollups_hourly FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON runmetrics.execution_rollups_hourly
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
        EXECUTE format('GRANT %s ON runmetrics.execution_rollups_hourly TO %s', g.privilege_type, g.role);
    END LOOP;
END
$$;
