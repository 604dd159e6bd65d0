package dev.runmetrics.springbatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.model.Run;
import dev.runmetrics.core.model.StepRun;
import dev.runmetrics.jdbc.JdbcRunStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * The application context of {@link TestJobs}, started once per test JVM and shared by the test
 * classes (each test uses its own {@code case} parameter, so its job instances are its own), with
 * the helpers the tests share.
 */
final class BatchContext {

    private static AnnotationConfigApplicationContext shared;

    final AnnotationConfigApplicationContext context;

    private BatchContext(AnnotationConfigApplicationContext context) {
        this.context = context;
    }

    static synchronized BatchContext shared() {
        if (shared == null) {
            shared = new AnnotationConfigApplicationContext(TestJobs.class);
            shared.registerShutdownHook();
        }
        return new BatchContext(shared);
    }

    JobOperator operator() {
        return context.getBean(JobOperator.class);
    }

    JobRepository repository() {
        return context.getBean(JobRepository.class);
    }

    JobRunRecorder batch() {
        return context.getBean(JobRunRecorder.class);
    }

    JdbcRunStore store() {
        return context.getBean(JdbcRunStore.class);
    }

    Behaviour behaviour() {
        return context.getBean(Behaviour.class);
    }

    Job job(String name) {
        return context.getBean(name, Job.class);
    }

    /** The parameters of a test case: the identifying {@code case}, and more (non-identifying) if given. */
    static JobParameters parameters(String testCase, Map<String, String> nonIdentifying) {
        JobParametersBuilder b = new JobParametersBuilder().addString("case", testCase);
        nonIdentifying.forEach((k, v) -> b.addString(k, v, false));
        return b.toJobParameters();
    }

    /** Runs a job to its end on this thread (the JobOperator is synchronous). */
    JobExecution run(String job, String testCase) throws Exception {
        return run(job, testCase, Map.of());
    }

    JobExecution run(String job, String testCase, Map<String, String> nonIdentifying) throws Exception {
        return operator().start(job(job), parameters(testCase, nonIdentifying));
    }

    /** The run a job execution is recorded as. */
    static String runId(JobExecution execution) {
        Object id = execution.getExecutionContext().get(BatchAttributes.RUN_ID_CONTEXT_KEY);
        assertThat(id).as("run id in the context of job execution " + execution.getId()).isInstanceOf(String.class);
        return (String) id;
    }

    /** The run as stored, after the store's writer has caught up. */
    Run run(String runId) {
        flush();
        return store().findRun(TestJobs.WORKSPACE, runId).orElseThrow();
    }

    List<StepRun> steps(String runId) {
        flush();
        return store().findSteps(TestJobs.WORKSPACE, runId);
    }

    StepRun step(String runId, String stepId, int attempt) {
        return steps(runId).stream().filter(s -> s.stepId().equals(stepId) && s.attempt() == attempt).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + stepId + " in attempt " + attempt + " of " + runId));
    }

    void flush() {
        assertThat(store().flush(Duration.ofSeconds(20))).isTrue();
    }

    /** Waits until every task given to the executor so far has run (the restarts it made, synchronously). */
    static void drain(ExecutorService executor) throws Exception {
        executor.submit(() -> { }).get(60, TimeUnit.SECONDS);
    }
}
