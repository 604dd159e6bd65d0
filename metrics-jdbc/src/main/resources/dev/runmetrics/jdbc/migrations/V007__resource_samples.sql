-- runmetrics schema, version 7: what each instance used, a row per workspace, instance and minute.
--
-- ResourceRecorder (metrics-core) takes one sample a minute of its instance and keeps it once for
-- each workspace the instance serves, so that a read, like every other, is scoped to a workspace.
-- The instance-wide figures are therefore the same in each workspace's row. A figure the host
-- could not measure is null. Rows older than the store's retention (30 days by default) are
-- deleted a bounded number at a time as new samples are kept (JdbcResourceSampleStore).
CREATE TABLE runmetrics.resource_samples (
    workspace_id          text COLLATE "C" NOT NULL,
    instance_id           text COLLATE "C" NOT NULL,
    -- The UTC minute the sample describes (a whole minute).
    minute_start          timestamptz NOT NULL,
    -- Percent, 0-100: the machine's CPU load, and the JVM heap in use over its maximum.
    cpu_percent           double precision CHECK (cpu_percent >= 0),
    heap_percent          double precision CHECK (heap_percent >= 0),
    -- Counts when the sample was taken: workers running a step, workers configured, steps waiting.
    workers_busy          integer CHECK (workers_busy >= 0),
    workers_total         integer CHECK (workers_total >= 0),
    queued_steps          integer CHECK (queued_steps >= 0),
    -- Counts: the most connections the store held at once in the minute; its pool's open connections.
    db_connections_in_use integer CHECK (db_connections_in_use >= 0),
    db_pool_size          integer CHECK (db_pool_size >= 0),
    -- The store's statements per second over the minute, and their mean time in milliseconds.
    db_queries_per_second double precision CHECK (db_queries_per_second >= 0),
    db_query_time_ms      double precision CHECK (db_query_time_ms >= 0),
    -- Range reads of a workspace by minute, and the pruning of its oldest minutes, use this key.
    CONSTRAINT resource_samples_pkey PRIMARY KEY (workspace_id, minute_start, instance_id)
);

ALTER TABLE runmetrics.resource_samples ENABLE ROW LEVEL SECURITY;
ALTER TABLE runmetrics.resource_samples FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON runmetrics.resource_samples
    USING (workspace_id = current_setting('runmetrics.workspace_id', true))
    WITH CHECK (workspace_id = current_setting('runmetrics.workspace_id', true));

-- The application role keeps, replaces, reads and prunes rows here: every role granted SELECT or
-- INSERT on workflow_executions gets the same rights here (see V002); grantAppRole grants them from
-- now on.
DO $$
DECLARE
    g record;
BEGIN
    FOR g IN
        SELECT DISTINCT a.grantee::regrole::text AS role
        FROM pg_class c, aclexplode(c.relacl) a
        WHERE c.oid = 'runmetrics.workflow_executions'::regclass AND a.grantee <> c.relowner AND a.grantee <> 0
          AND a.privilege_type IN ('SELECT', 'INSERT')
    LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON runmetrics.resource_samples TO %s', g.role);
    END LOOP;
END
$$;

COMMENT ON TABLE runmetrics.resource_samples IS
    'Per-minute resource samples of each instance, one row per workspace it serves; pruned by age';
