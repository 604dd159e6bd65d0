/**
 * runmetrics JDBC store: {@code RunStore} on PostgreSQL through JDBI. Exports
 * {@code dev.runmetrics.jdbc} only; {@code dev.runmetrics.jdbc.internal} is not API.
 */
module dev.runmetrics.jdbc {
    // JdbcRunStore is a core RunStore and takes and returns core model and store types.
    requires transitive dev.runmetrics.core;
    // The builder and SchemaMigrator take a javax.sql.DataSource.
    requires transitive java.sql;
    requires org.jdbi.v3.core;
    // PGStatement: the driver's statement timeout and prepare threshold.
    requires org.postgresql.jdbc;
    // pgjdbc's DataSource types are javax.naming.Referenceable: reading one's socketTimeout needs it.
    requires java.naming;
    requires org.slf4j;
    // Stored rollup histograms are merged and encoded directly (internal.HdrCounts); see core's note
    // on this automatic module's name.
    requires HdrHistogram;

    exports dev.runmetrics.jdbc;
}
