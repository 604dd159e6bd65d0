package dev.runmetrics.examples;

import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.RunQuery;
import dev.runmetrics.jdbc.JdbcRunStore;
import dev.runmetrics.jdbc.SchemaMigrator;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The JDBC store on a host's existing {@link DataSource}: migrate as the owner, record as the
 * application role, read back. Given no URL it starts a throw-away embedded PostgreSQL (its
 * superuser plays both roles there; see the metrics-jdbc README for the two roles in production).
 *
 * <p>Run it with {@code java -jar examples/target/runmetrics-examples.jar jdbc [jdbc-url [user [password]]]}.
 */
public final class JdbcExample {
    private JdbcExample() {
    }

    /**
     * Records a few runs and prints what the database holds.
     *
     * @param args optional JDBC URL, user and password of an existing PostgreSQL
     * @throws Exception if the database fails
     */
    public static void main(String[] args) throws Exception {
        EmbeddedPostgres embedded = args.length == 0 ? EmbeddedPostgres.builder().start() : null;
        try {
            DataSource dataSource = embedded != null ? embedded.getPostgresDatabase()
                    : DemoDatabase.dataSource(args[0], args.length > 1 ? args[1] : null, args.length > 2 ? args[2] : null);
            run(dataSource, dataSource);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    /** The example proper: {@code owner} migrates, {@code app} is what the store uses. */
    static long run(DataSource owner, DataSource app) {
        SchemaMigrator.migrate(owner);                          // idempotent, under an advisory lock
        try (JdbcRunStore store = JdbcRunStore.builder(app).build()) {
            RunRecorder recorder = RunRecorder.builder(store).build();
            StepSpec step = new StepSpec("import", "Import", 1, "import");
            for (int i = 0; i < 5; i++) {
                String run = recorder.runQueued("ws-1", "nightly_import", "Nightly import", Map.of("day", i));
                recorder.runStarted("ws-1", run);
                recorder.stepStarted("ws-1", run, step, null);
                recorder.stepCompleted("ws-1", run, "import", Map.of("rows", 1000 + i));
                recorder.runCompleted("ws-1", run, null);
            }
            store.flush(Duration.ofSeconds(10));                // writes are batched by a writer thread
            var page = store.findRuns("ws-1", RunQuery.latest("nightly_import", 3));
            System.out.println(page.total() + " runs of nightly_import stored; newest:");
            page.items().forEach(r -> System.out.println("  #" + r.executionNumber() + " " + r.status() + " " + r.runId()));
            System.out.println("writer: " + store.stats());
            return page.total();
        }
    }
}
