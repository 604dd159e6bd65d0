-- runmetrics schema, version 8: the raw history (runs, steps, checkpoints, ended attempts, control
-- audit) is range-partitioned by day, so that history older than its retention is dropped a whole
-- partition at a time (HistoryRetention): no DELETE, no vacuum debt, no bloat.
--
-- The partition key is the run id (the audit id for the audit log), not a timestamp: the run ids
-- the recorder makes are UUIDv7 strings, whose first 12 hex digits are the run's creation time in
-- milliseconds, so in code-point order (COLLATE "C") the ids of one UTC day form one range. Keying
-- by the id keeps every primary key and ON CONFLICT target as it was (each already contains the
-- id), and puts all rows of one run, whatever their own times, in the partition of the run's day:
-- a run ages out whole, never half. Ids in any other form (a host's own ids, tests' "run-1") fall
-- in the table's DEFAULT partition, which is never dropped.
--
-- Each day's partition is named <table>_pYYYYMMDD. add_day_partition creates one (idempotent);
-- this migration creates those the existing rows need and the next 7 days, SchemaMigrator.migrate
-- and HistoryRetention keep a week ahead from then on. Partitions are owned by the schema owner and
-- granted to no one: the application role reads and writes only through the parent tables, whose
-- row-level security is forced as before; each partition also has the workspace policy (enabled,
-- not forced, so the owner's maintenance can inspect a partition before dropping it).
--
-- Upgrading copies every row once, in this migration's transaction (a few seconds per million
-- runs; the tables are locked meanwhile).

-- The smallest run id of the UUIDv7 form made at or after t, truncated to its time part
-- ('0193a1b2-c3d4'): ids made before t sort below it, ids made at or after t at or above it.
CREATE FUNCTION runmetrics.run_id_floor(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4)
    FROM (SELECT lpad(to_hex(floor(extract(epoch FROM t) * 1000)::bigint), 12, '0') AS h) AS hex
$$;

-- The UTC day a UUIDv7 id was made, or null for an id in any other form.
CREATE FUNCTION runmetrics.run_id_day(id text) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE WHEN id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
        THEN (to_timestamp(('x' || substr(id, 1, 8) || substr(id, 10, 4))::bit(48)::bigint / 1000.0)
              AT TIME ZONE 'UTC')::date END
$$;

-- Creates the partition of parent (a partitioned table of this schema) for one UTC day, if it does
-- not exist yet; returns whether it did. Rows of that day already in the DEFAULT partition (written
-- while the day had no partition) move into it. The new partition is attached, which takes only a
-- SHARE UPDATE EXCLUSIVE lock on the parent: writers go on meanwhile.
CREATE FUNCTION runmetrics.add_day_partition(parent text, day date) RETURNS boolean
    LANGUAGE plpgsql
AS $$
DECLARE
    part text := parent || '_p' || to_char(day, 'YYYYMMDD');
    lo text := runmetrics.run_id_floor(day::timestamp AT TIME ZONE 'UTC');
    hi text := runmetrics.run_id_floor((day + 1)::timestamp AT TIME ZONE 'UTC');
    key text;
    fallback text;
BEGIN
    IF to_regclass(format('runmetrics.%I', part)) IS NOT NULL THEN
        RETURN false;
    END IF;
    SELECT a.attname INTO STRICT key
    FROM pg_partitioned_table pt JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
    WHERE pt.partrelid = format('runmetrics.%I', parent)::regclass;
    EXECUTE format('CREATE TABLE runmetrics.%I (LIKE runmetrics.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)',
        part, parent);
    -- Proves the bound to ATTACH, which then does not scan the new table.
    EXECUTE format('ALTER TABLE runmetrics.%I ADD CONSTRAINT %I CHECK (%I >= %L AND %I < %L)',
        part, part || '_bound', key, lo, key, hi);
    EXECUTE format('ALTER TABLE runmetrics.%I ENABLE ROW LEVEL SECURITY', part);
    EXECUTE format('CREATE POLICY workspace_isolation ON runmetrics.%I'
        || ' USING (workspace_id = current_setting(''runmetrics.workspace_id'', true))'
        || ' WITH CHECK (workspace_id = current_setting(''runmetrics.workspace_id'', true))', part);
    SELECT c.relname INTO fallback
    FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partdefid
    WHERE pt.partrelid = format('runmetrics.%I', parent)::regclass;
    IF fallback IS NOT NULL THEN
        EXECUTE format('WITH moved AS (DELETE FROM runmetrics.%I WHERE %I >= %L AND %I < %L RETURNING *)'
            || ' INSERT INTO runmetrics.%I SELECT * FROM moved', fallback, key, lo, key, hi, part);
    END IF;
    EXECUTE format('ALTER TABLE runmetrics.%I ATTACH PARTITION runmetrics.%I FOR VALUES FROM (%L) TO (%L)',
        parent, part, lo, hi);
    EXECUTE format('ALTER TABLE runmetrics.%I DROP CONSTRAINT %I', part, part || '_bound');
    RETURN true;
END
$$;

DROP VIEW runmetrics.execution_time_statistics;

-- Each table is rebuilt as a partitioned table with the same columns, defaults and checks, and its
-- rows copied over; keys, indexes, policies and grants are made again below, under the same names.
DO $$
DECLARE
    t record;
    old text;
    idx record;
    g record;
    d date;
    today date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('workflow_executions', 'run_id'), ('workflow_step_executions', 'run_id'),
            ('step_checkpoints', 'run_id'), ('run_attempt_endings', 'run_id'), ('resume_audit', 'audit_id'))
            AS v(name, key) LOOP
        old := t.name || '_unpartitioned';
        EXECUTE format('ALTER TABLE runmetrics.%I RENAME TO %I', t.name, old);
        FOR idx IN SELECT i.indexrelid::regclass::text AS name, i.indisprimary AS pk
                FROM pg_index i WHERE i.indrelid = format('runmetrics.%I', old)::regclass LOOP
            IF idx.pk THEN
                EXECUTE format('ALTER TABLE runmetrics.%I DROP CONSTRAINT %I', old, t.name || '_pkey');
            ELSE
                EXECUTE format('DROP INDEX %s', idx.name);
            END IF;
        END LOOP;
        EXECUTE format('CREATE TABLE runmetrics.%I (LIKE runmetrics.%I INCLUDING DEFAULTS INCLUDING CONSTRAINTS'
            || ' INCLUDING COMMENTS) PARTITION BY RANGE (%I)', t.name, old, t.key);
        EXECUTE format('CREATE TABLE runmetrics.%I PARTITION OF runmetrics.%I DEFAULT', t.name || '_default', t.name);
        EXECUTE format('ALTER TABLE runmetrics.%I ENABLE ROW LEVEL SECURITY', t.name || '_default');
        EXECUTE format('CREATE POLICY workspace_isolation ON runmetrics.%I'
            || ' USING (workspace_id = current_setting(''runmetrics.workspace_id'', true))'
            || ' WITH CHECK (workspace_id = current_setting(''runmetrics.workspace_id'', true))', t.name || '_default');
        -- The owner is subject to the old table's forced policy: lifted for this transaction's copy.
        EXECUTE format('ALTER TABLE runmetrics.%I NO FORCE ROW LEVEL SECURITY', old);
        FOR d IN EXECUTE format('SELECT DISTINCT runmetrics.run_id_day(%I) AS day FROM runmetrics.%I'
                || ' WHERE runmetrics.run_id_day(%I) IS NOT NULL'
                || ' UNION SELECT generate_series(%L::date, %L::date + 7, interval ''1 day'')::date ORDER BY day',
                t.key, old, t.key, today, today) LOOP
            PERFORM runmetrics.add_day_partition(t.name, d);
        END LOOP;
        EXECUTE format('INSERT INTO runmetrics.%I SELECT * FROM runmetrics.%I', t.name, old);
        -- Every role granted on the old table is granted the same on the new one.
        FOR g IN SELECT DISTINCT a.grantee::regrole::text AS role, a.privilege_type
                FROM pg_class c, aclexplode(c.relacl) a
                WHERE c.oid = format('runmetrics.%I', old)::regclass AND a.grantee <> c.relowner AND a.grantee <> 0
                LOOP
            EXECUTE format('GRANT %s ON runmetrics.%I TO %s', g.privilege_type, t.name, g.role);
        END LOOP;
        EXECUTE format('DROP TABLE runmetrics.%I', old);
        EXECUTE format('ALTER TABLE runmetrics.%I ENABLE ROW LEVEL SECURITY', t.name);
        EXECUTE format('ALTER TABLE runmetrics.%I FORCE ROW LEVEL SECURITY', t.name);
        EXECUTE format('CREATE POLICY workspace_isolation ON runmetrics.%I'
            || ' USING (workspace_id = current_setting(''runmetrics.workspace_id'', true))'
            || ' WITH CHECK (workspace_id = current_setting(''runmetrics.workspace_id'', true))', t.name);
    END LOOP;
END
$$;

-- The keys and indexes of V001, V005 and V006, built once over the copied rows (on every partition).
ALTER TABLE runmetrics.workflow_executions
    ADD CONSTRAINT workflow_executions_pkey PRIMARY KEY (workspace_id, run_id);
CREATE INDEX idx_workflow_executions_workspace_status
    ON runmetrics.workflow_executions (workspace_id, status, queued_at);
CREATE INDEX idx_workflow_executions_workflow_queued
    ON runmetrics.workflow_executions (workspace_id, workflow_id, queued_at DESC, run_id DESC);
CREATE INDEX idx_workflow_executions_queued
    ON runmetrics.workflow_executions (workspace_id, queued_at DESC, run_id DESC);
CREATE INDEX idx_workflow_executions_completed_at
    ON runmetrics.workflow_executions (workspace_id, workflow_id, completed_at)
    WHERE completed_at IS NOT NULL;
CREATE INDEX idx_workflow_executions_all_completed_at
    ON runmetrics.workflow_executions (workspace_id, completed_at)
    WHERE completed_at IS NOT NULL;
-- New: the runs not yet ended, which hold their day's partition. HistoryRetention asks each aged
-- partition whether it has one while it holds the table's lock, so the answer must not need a scan.
CREATE INDEX idx_workflow_executions_live
    ON runmetrics.workflow_executions (workspace_id, queued_at)
    WHERE status IN ('queued', 'running', 'paused');

ALTER TABLE runmetrics.workflow_step_executions
    ADD CONSTRAINT workflow_step_executions_pkey PRIMARY KEY (workspace_id, run_id, step_id, attempt);

ALTER TABLE runmetrics.step_checkpoints
    ADD CONSTRAINT step_checkpoints_pkey PRIMARY KEY (workspace_id, run_id, step_id, attempt);

ALTER TABLE runmetrics.run_attempt_endings
    ADD CONSTRAINT run_attempt_endings_pkey PRIMARY KEY (workspace_id, run_id, attempt);
CREATE INDEX idx_run_attempt_endings_workflow_completed
    ON runmetrics.run_attempt_endings (workspace_id, workflow_id, completed_at);
CREATE INDEX idx_run_attempt_endings_completed
    ON runmetrics.run_attempt_endings (workspace_id, completed_at);

ALTER TABLE runmetrics.resume_audit
    ADD CONSTRAINT resume_audit_pkey PRIMARY KEY (workspace_id, audit_id);
CREATE INDEX idx_resume_audit_run ON runmetrics.resume_audit (workspace_id, run_id, at, audit_id);

-- Seed 000's view, as V006 left it, over the new table.
CREATE VIEW runmetrics.execution_time_statistics AS
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
