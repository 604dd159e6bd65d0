package dev.runmetrics.examples;

import dev.runmetrics.core.control.ResumeHandler;
import dev.runmetrics.core.control.RunAction;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.RunStore;
import dev.runmetrics.springbatch.JobRecordingPostProcessor;
import dev.runmetrics.springbatch.JobRestartHandler;
import dev.runmetrics.springbatch.JobRunRecorder;
import dev.runmetrics.springbatch.JobStopAction;
import java.net.ConnectException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.EnableJdbcJobRepository;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.annotation.Isolation;

/**
 * The demo's Spring Batch job ({@code --spring-batch}): {@value #JOB} (extract ledger entries in
 * chunks, transform them with exchange rates, load them), a Spring application as a host would
 * write it, with its JDBC job repository in the demo's PostgreSQL (Spring Batch's own schema,
 * {@value DemoDatabase#SPRING_BATCH_SCHEMA}, next to runmetrics') and recorded through
 * {@code metrics-spring-batch}'s {@link JobRecordingPostProcessor}: no step knows about runmetrics.
 *
 * <p>It is launched on the demo's schedule, one execution at a time, in one workspace. A share of
 * the executions is given the non-identifying job parameter {@code fail_step} ({@code transform}
 * or {@code load}), and that step throws; the run fails there. {@link #resumeHandler()} restarts it
 * through Spring Batch's {@link JobOperator}: the completed steps keep their work, the failed one
 * runs again as the run's next attempt; the input override {@code {"fail_step": null}} removes the
 * parameter, so the restart completes. The job repository survives a demo restart, and so do the
 * failed job instances: they can be restarted in the next session.
 *
 * <p>Thread-safe. A schedule tick that finds the previous execution still running is skipped.
 */
final class DemoSpringBatch implements AutoCloseable {

    /** The job's name: the workflow id of its runs. */
    static final String JOB = "ledger_export";
    /** The job parameter naming the step that fails (non-identifying, so a restart may remove it). */
    static final String FAIL_STEP = "fail_step";
    /** Share of the executions with a failing step. */
    static final double FAILURE_SHARE = 0.1;
    private static final String[] FAILABLE = {"transform", "load"};

    private final String workspaceId;
    private final AnnotationConfigApplicationContext context;
    private final JobOperator operator;
    private final Job job;
    private final JobRunRecorder batch;
    private final ExecutorService launcher;
    private final ExecutorService restarts;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final LongAdder submitted = new LongAdder();

    /**
     * Starts the Spring application.
     *
     * @param jobRepository the job repository's database (its tables already created)
     * @param latencyScale multiplies the steps' simulated latencies
     */
    DemoSpringBatch(DataSource jobRepository, RunRecorder recorder, RunStore store, String workspaceId,
            double latencyScale) {
        this.workspaceId = workspaceId;
        AtomicInteger threads = new AtomicInteger();
        this.launcher = Executors.newSingleThreadExecutor(daemon("runmetrics-demo-batch", threads));
        this.restarts = Executors.newCachedThreadPool(daemon("runmetrics-demo-batch-restart", threads));
        AnnotationConfigApplicationContext ctx = new AnnotationConfigApplicationContext();
        try {
            // What the host already has (its database) and what runmetrics brings (recorder, store);
            // the demo closes them, after this application: Spring must not (it would close an
            // AutoCloseable bean with the context).
            ctx.registerBean("dataSource", DataSource.class, () -> jobRepository, notClosedBySpring());
            ctx.registerBean(RunRecorder.class, () -> recorder, notClosedBySpring());
            ctx.registerBean(RunStore.class, () -> store, notClosedBySpring());
            ctx.registerBean(Settings.class, () -> new Settings(workspaceId, latencyScale));
            ctx.register(LedgerExport.class);
            ctx.refresh();
        } catch (RuntimeException e) {
            ctx.close();
            launcher.shutdownNow();
            restarts.shutdownNow();
            throw new IllegalStateException("the demo's Spring Batch job does not start: " + e.getMessage(), e);
        }
        this.context = ctx;
        this.operator = ctx.getBean(JobOperator.class);
        this.job = ctx.getBean(Job.class);
        this.batch = ctx.getBean(JobRunRecorder.class);
    }

    private static org.springframework.beans.factory.config.BeanDefinitionCustomizer notClosedBySpring() {
        return definition -> definition.setDestroyMethodName(""); // "": none, not even an inferred close()
    }

    /** What the job's configuration takes from the demo. */
    record Settings(String workspaceId, double latencyScale) {}

    /** The host's Spring Batch configuration: its job as it would be without runmetrics, plus two beans. */
    @Configuration(proxyBeanMethods = false)
    @EnableBatchProcessing
    // Read committed: a restart from the Run Console may create its execution while the schedule
    // creates the next instance's; PostgreSQL's serializable (Spring Batch's default here) would
    // fail one of them. The job instance's unique key still keeps an instance from being made twice.
    @EnableJdbcJobRepository(isolationLevelForCreate = Isolation.READ_COMMITTED)
    static class LedgerExport {

        @Bean
        JdbcTransactionManager transactionManager(DataSource dataSource) {
            return new JdbcTransactionManager(dataSource);
        }

        @Bean
        Job ledgerExport(JobRepository jobRepository, JdbcTransactionManager transactionManager, Settings settings) {
            long chunkMillis = Math.round(15 * settings.latencyScale());
            var extract = new StepBuilder("extract", jobRepository).<Integer, Integer>chunk(50)
                    .reader(new ListItemReader<>(IntStream.rangeClosed(1, 240).boxed().toList()))
                    .processor(n -> n % 9 == 0 ? null : n)                      // voided entries: filtered out
                    .writer(chunk -> sleep(chunkMillis))
                    .transactionManager(transactionManager).build();
            var transform = new StepBuilder("transform", jobRepository).tasklet((contribution, context) -> {
                sleep(Math.round(150 * settings.latencyScale()));
                if ("transform".equals(failStep(context))) {
                    throw new ConnectException("the exchange-rates service refused the connection (simulated)");
                }
                return RepeatStatus.FINISHED;
            }, transactionManager).build();
            var load = new StepBuilder("load", jobRepository).tasklet((contribution, context) -> {
                sleep(Math.round(80 * settings.latencyScale()));
                if ("load".equals(failStep(context))) {
                    throw new IllegalStateException("the ledger rejected the batch: period is closed (simulated)");
                }
                return RepeatStatus.FINISHED;
            }, transactionManager).build();
            return new JobBuilder(JOB, jobRepository).start(extract).next(transform).next(load).build();
        }

        // ---- runmetrics: the Spring Batch adapter, registered on every job and step bean

        @Bean
        JobRunRecorder jobRunRecorder(RunRecorder runRecorder, RunStore runStore, JobRepository jobRepository,
                Settings settings) {
            return JobRunRecorder.builder(settings.workspaceId(), runRecorder, runStore, jobRepository).build();
        }

        @Bean
        static JobRecordingPostProcessor jobRecording(ObjectProvider<JobRunRecorder> jobRunRecorder) {
            return new JobRecordingPostProcessor(jobRunRecorder);
        }

        private static Object failStep(ChunkContext context) {
            return context.getStepContext().getJobParameters().get(FAIL_STEP);
        }

        private static void sleep(long millis) throws InterruptedException {
            if (millis > 0) {
                Thread.sleep(millis);
            }
        }
    }

    /** Launches one execution of a new job instance, unless the previous one is still running. */
    void submitOne() {
        if (!busy.compareAndSet(false, true)) {
            return;
        }
        try {
            launcher.execute(this::launchOne);
        } catch (RejectedExecutionException closing) {
            busy.set(false);
        }
    }

    private void launchOne() {
        try {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            JobParametersBuilder parameters = new JobParametersBuilder()
                    .addString("batch_id", "ledger-" + UUID.randomUUID())          // identifying: a new instance
                    .addLong("entries", 240L, false);
            if (random.nextDouble() < FAILURE_SHARE) {
                parameters.addString(FAIL_STEP, FAILABLE[random.nextInt(FAILABLE.length)], false);
            }
            submitted.increment();
            operator.start(job, parameters.toJobParameters()); // runs the job on this thread; a failure is recorded
        } catch (Exception e) {
            System.getLogger(DemoSpringBatch.class.getName()).log(System.Logger.Level.WARNING,
                    "the demo's Spring Batch job could not be launched", e);
        } finally {
            busy.set(false);
        }
    }

    /** Restarts a failed or stopped run's job instance through Spring Batch ({@link JobRestartHandler}). */
    ResumeHandler resumeHandler() {
        return JobRestartHandler.builder(batch, operator).executor(restarts).build();
    }

    /** Pauses a running execution the Spring Batch way (it ends {@code STOPPED}: restartable). */
    RunAction pause() {
        return JobStopAction.pause(batch);
    }

    /** Cancels a running execution (it ends {@code ABANDONED}). */
    RunAction cancel() {
        return JobStopAction.cancel(batch);
    }

    /** Executions launched in this session (restarts not counted). */
    long submitted() {
        return submitted.sum();
    }

    /** Stops launching, gives the execution and restarts in flight {@code grace} to end, then closes the application. */
    void close(Duration grace) {
        launcher.shutdown();
        restarts.shutdown();
        try {
            long deadline = System.nanoTime() + grace.toNanos();
            launcher.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
            restarts.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        launcher.shutdownNow();
        restarts.shutdownNow();
        context.close();
    }

    @Override
    public void close() {
        close(Duration.ZERO);
    }

    @Override
    public String toString() {
        return "job " + JOB + " (Spring Batch, job repository in schema " + DemoDatabase.SPRING_BATCH_SCHEMA + "), ~"
                + Math.round(FAILURE_SHARE * 100) + "% fail at transform or load";
    }

    private static java.util.concurrent.ThreadFactory daemon(String name, AtomicInteger counter) {
        return task -> {
            Thread t = new Thread(task, name + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
