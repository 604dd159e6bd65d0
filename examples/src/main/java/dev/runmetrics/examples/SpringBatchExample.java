package dev.runmetrics.examples;

import dev.runmetrics.core.control.ResumeResult;
import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.http.MetricsHttpServer;
import dev.runmetrics.http.Role;
import dev.runmetrics.jdbc.JdbcRunStore;
import dev.runmetrics.jdbc.SchemaMigrator;
import dev.runmetrics.springbatch.BatchAttributes;
import dev.runmetrics.springbatch.JobRecordingPostProcessor;
import dev.runmetrics.springbatch.JobRestartHandler;
import dev.runmetrics.springbatch.JobRunRecorder;
import dev.runmetrics.springbatch.JobStopAction;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.EnableJdbcJobRepository;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * A Spring Batch job on runmetrics: Spring Batch's JDBC job repository and runmetrics' tables in
 * one PostgreSQL (embedded here), the job recorded with no change to its definition (one
 * {@link JobRecordingPostProcessor} bean), its failed step restarted through the Run Console's
 * resume ({@link JobRestartHandler}), which Spring Batch continues at the failed step.
 *
 * <p>Run it with {@code java -jar examples/target/runmetrics-examples.jar spring-batch}; with
 * {@code --serve} it then serves the API and dashboard on a free port until Ctrl-C, with resume,
 * pause and cancel wired to Spring Batch.
 */
public final class SpringBatchExample {
    private SpringBatchExample() {
    }

    static final String WORKSPACE = "ws-1";
    /** The example's operator token: fine for an example, never for a real host. */
    static final String TOKEN = "example-operator-token";

    /** The host's Spring Batch application, as it would be without runmetrics, plus four beans. */
    @Configuration(proxyBeanMethods = false)
    @EnableBatchProcessing
    @EnableJdbcJobRepository
    static class BatchApplication {
        /** The transform step fails on the job's first execution, as if a service had been down. */
        static final AtomicBoolean FAIL_TRANSFORM = new AtomicBoolean(true);

        static DataSource database;

        @Bean
        DataSource dataSource() {
            return database;
        }

        @Bean
        JdbcTransactionManager transactionManager(DataSource dataSource) {
            return new JdbcTransactionManager(dataSource);
        }

        @Bean
        Job nightlyReport(JobRepository jobRepository, JdbcTransactionManager transactionManager) {
            var extract = new StepBuilder("extract", jobRepository).<Integer, Integer>chunk(10)
                    .reader(new ListItemReader<>(IntStream.rangeClosed(1, 95).boxed().toList()))
                    .processor(n -> n % 7 == 0 ? null : n)                  // filtered out
                    .writer(chunk -> { })
                    .transactionManager(transactionManager).build();
            var transform = new StepBuilder("transform", jobRepository).tasklet((contribution, context) -> {
                if (FAIL_TRANSFORM.getAndSet(false)) {
                    throw new java.net.ConnectException("the rates service refused the connection");
                }
                return RepeatStatus.FINISHED;
            }, transactionManager).build();
            var load = new StepBuilder("load", jobRepository)
                    .tasklet((contribution, context) -> RepeatStatus.FINISHED, transactionManager).build();
            return new JobBuilder("nightly_report", jobRepository).start(extract).next(transform).next(load).build();
        }

        // ---- runmetrics: the store, the recorder, the Spring Batch adapter, and the post-processor

        @Bean(destroyMethod = "close")
        JdbcRunStore runStore(DataSource dataSource) {
            return JdbcRunStore.builder(dataSource).build();
        }

        @Bean
        RunRecorder runRecorder(JdbcRunStore runStore) {
            return RunRecorder.builder(runStore).build();
        }

        @Bean
        JobRunRecorder jobRunRecorder(RunRecorder runRecorder, JdbcRunStore runStore, JobRepository jobRepository) {
            return JobRunRecorder.builder(WORKSPACE, runRecorder, runStore, jobRepository).build();
        }

        @Bean
        static JobRecordingPostProcessor jobRecording(ObjectProvider<JobRunRecorder> jobRunRecorder) {
            return new JobRecordingPostProcessor(jobRunRecorder);
        }
    }

    /**
     * Runs the job (it fails at {@code transform}), resumes it from there, prints both attempts.
     *
     * @param args {@code --serve} to serve the API and dashboard afterwards
     * @throws Exception if the database or the job fails unexpectedly
     */
    public static void main(String[] args) throws Exception {
        boolean serve = List.of(args).contains("--serve");
        if (System.getProperty("org.slf4j.simpleLogger.log.org.springframework.batch") == null) {
            // Spring Batch logs every step at INFO and the planned failure with its stack trace.
            System.setProperty("org.slf4j.simpleLogger.log.org.springframework.batch", "off");
        }
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            DataSource database = postgres.getPostgresDatabase();
            SchemaMigrator.migrate(database);                            // runmetrics' schema
            createSpringBatchSchema(database);                           // Spring Batch's own, from its jar
            BatchApplication.database = database;
            try (var context = new AnnotationConfigApplicationContext(BatchApplication.class)) {
                run(context, serve);
            }
        }
    }

    static void run(AnnotationConfigApplicationContext context, boolean serve) throws Exception {
        JobOperator jobOperator = context.getBean(JobOperator.class);
        JobRunRecorder batch = context.getBean(JobRunRecorder.class);
        JdbcRunStore store = context.getBean(JdbcRunStore.class);
        ExecutorService restarts = Executors.newSingleThreadExecutor();
        JobRestartHandler resume = JobRestartHandler.builder(batch, jobOperator).executor(restarts).build();

        JobExecution first = jobOperator.start(context.getBean(Job.class),
                new JobParametersBuilder().addString("date", "2026-12-01").toJobParameters());
        String runId = first.getExecutionContext().getString(BatchAttributes.RUN_ID_CONTEXT_KEY);
        store.flush(Duration.ofSeconds(10));
        print(store, runId);

        ResumeResult result = resume.resume(WORKSPACE, "alice", runId, "transform", null);
        System.out.println("resume from transform: " + result);
        restarts.shutdown();
        restarts.awaitTermination(1, TimeUnit.MINUTES);                 // the restart runs the job there
        store.flush(Duration.ofSeconds(10));
        print(store, runId);
        System.out.println("audit: " + store.findResumeAudit(WORKSPACE, runId));

        if (serve) {
            MetricsHttpServer server = MetricsHttpServer.builder(store).port(0)
                    .views(RunViews.builder(store).workerCapacity(1).build())   // one job at a time here
                    .token(TOKEN, "example", Role.OPERATOR, WORKSPACE)
                    .resumeHandler(JobRestartHandler.builder(batch, jobOperator).build())
                    .pause(JobStopAction.pause(batch))
                    .cancel(JobStopAction.cancel(batch))
                    .build();
            server.start();
            System.out.println("dashboard on http://127.0.0.1:" + server.port() + "/ (token " + TOKEN
                    + ", workspace " + WORKSPACE + "); Ctrl-C stops");
            Thread.currentThread().join();
        }
    }

    private static void print(JdbcRunStore store, String runId) {
        Run run = store.findRun(WORKSPACE, runId).orElseThrow();
        System.out.println("run " + run.runId() + " of " + run.workflowId() + ": " + run.status() + " at attempt "
                + run.attempt() + (run.errorMessage() == null ? "" : " (" + run.errorMessage() + ")"));
        for (StepRun step : store.findSteps(WORKSPACE, runId)) {
            System.out.println("  attempt " + step.attempt() + "  " + step.stepId() + "  " + step.status()
                    + (step.errorCategory() == null ? "" : "  " + step.errorCategory())
                    + "  read " + step.attributes().get("read_count") + ", filtered "
                    + step.attributes().get("filter_count") + ", written " + step.attributes().get("write_count"));
        }
    }

    /** Creates Spring Batch's tables with the script in spring-batch-core, as its documentation says. */
    static void createSpringBatchSchema(DataSource database) throws Exception {
        try (InputStream script = Job.class.getResourceAsStream("/org/springframework/batch/core/schema-postgresql.sql");
                Connection c = database.getConnection(); Statement st = c.createStatement()) {
            st.execute(new String(script.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
