-- runmetrics schema, version 4: all-subjects rollup rows.
--
-- A query over all workflows (or nodes, or models) merged read one row per subject per bucket;
-- with eight workflows that is eight times the rows of a one-workflow query. From this version the
-- writer also keeps, in each of the three rollup tables, one row per (workspace, dimension,
-- bucket, instance) whose subject is the empty string: the sum of every subject of the dimension
-- (no real subject is empty: ids and model names are never blank). Queries over all subjects merged
-- read those rows (by primary key); queries per subject skip them.
--
-- No new table: the file documents the rows, and SchemaMigrator fills them from the existing rows
-- in Java, in the same transaction as this file (see SchemaMigrator.backfillAllSubjectRollups; a
-- host applying this file with Flyway or Liquibase runs that once afterwards, see the module README).

COMMENT ON COLUMN runmetrics.execution_rollups.subject IS
    'workflow id, node name or model name; the empty string: the sum of all subjects of the dimension (V004)';
COMMENT ON COLUMN runmetrics.execution_rollups_hourly.subject IS
    'workflow id, node name or model name; the empty string: the sum of all subjects of the dimension (V004)';
COMMENT ON COLUMN runmetrics.execution_rollups_daily.subject IS
    'workflow id, node name or model name; the empty string: the sum of all subjects of the dimension (V004)';
