package dev.runmetrics.springbatch;

import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.jdbc.JdbcRunStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.springframework.batch.core.configuration.annotation.EnableBatchProcessing;
import org.springframework.batch.core.configuration.annotation.EnableJdbcJobRepository;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.support.AbstractItemCountingItemStreamItemReader;
import org.springframework.batch.infrastructure.item.support.ListItemReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * The application under test, configured as a Spring Batch user would: {@code @EnableBatchProcessing}
 * with the JDBC job repository on PostgreSQL, the runmetrics recorder and store as beans, and one
 * {@link JobRecordingPostProcessor} so that no job or step names the listener. Each job reads the
 * identifying parameter {@code case} to find its {@link Behaviour}.
 */
@Configuration(proxyBeanMethods = false)
@EnableBatchProcessing
@EnableJdbcJobRepository
class TestJobs {

    static final String WORKSPACE = "ws-batch";

    // ------------------------------------------------------------------ infrastructure

    @Bean
    DataSource dataSource() {
        return BatchDatabase.shared().owner();
    }

    @Bean
    JdbcTransactionManager transactionManager(DataSource dataSource) {
        return new JdbcTransactionManager(dataSource);
    }

    @Bean(destroyMethod = "close")
    JdbcRunStore runStore() {
        return JdbcRunStore.builder(BatchDatabase.shared().app()).build();
    }

    @Bean
    RunRecorder runRecorder(JdbcRunStore store) {
        return RunRecorder.builder(store).build();
    }

    @Bean
    JobRunRecorder jobRunRecorder(RunRecorder recorder, JdbcRunStore store, JobRepository jobRepository) {
        return JobRunRecorder.builder(WORKSPACE, recorder, store, jobRepository).build();
    }

    @Bean
    static JobRecordingPostProcessor jobRecording(ObjectProvider<JobRunRecorder> batch) {
        return new JobRecordingPostProcessor(batch);
    }

    @Bean
    Behaviour behaviour() {
        return new Behaviour();
    }

    private static String testCase(ChunkContext chunk) {
        return chunk.getStepContext().getStepExecution().getJobParameters().getString("case");
    }

    /** The case of the step execution running on this thread (for item writers). */
    private static String currentCase() {
        return StepSynchronizationManager.getContext().getStepExecution().getJobParameters().getString("case");
    }

    private static Tasklet counting(Behaviour behaviour, String step) {
        return (contribution, chunk) -> {
            behaviour.ran(testCase(chunk), step);
            return RepeatStatus.FINISHED;
        };
    }

    // ------------------------------------------------------------------ restartable: prepare -> transform -> publish

    @Bean
    Step prepare(JobRepository repository, JdbcTransactionManager tx, Behaviour behaviour) {
        return new StepBuilder("prepare", repository).tasklet(counting(behaviour, "prepare"), tx).build();
    }

    @Bean
    Step transform(JobRepository repository, JdbcTransactionManager tx, Behaviour behaviour) {
        return new StepBuilder("transform", repository).tasklet((contribution, chunk) -> {
            String testCase = testCase(chunk);
            behaviour.ran(testCase, "transform");
            behaviour.saw(testCase, "mode", chunk.getStepContext().getStepExecution().getJobParameters().getString("mode"));
            if (behaviour.failNow(testCase)) {
                throw new IllegalStateException("transform failed on purpose");
            }
            return RepeatStatus.FINISHED;
        }, tx).build();
    }

    @Bean
    Step publish(JobRepository repository, JdbcTransactionManager tx, Behaviour behaviour) {
        return new StepBuilder("publish", repository).tasklet(counting(behaviour, "publish"), tx).build();
    }

    @Bean
    Job restartable(JobRepository repository, Step prepare, Step transform, Step publish) {
        return new JobBuilder("restartable", repository).start(prepare).next(transform).next(publish).build();
    }

    // ------------------------------------------------------------------ chunked: count (tasklet) -> load (chunk)

    /** Thrown by the processor for item 7; the step skips it. */
    static final class UnreadableItem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableItem(int item) {
            super("item " + item + " is unreadable");
        }
    }

    @Bean
    Step count(JobRepository repository, JdbcTransactionManager tx, Behaviour behaviour) {
        return new StepBuilder("count", repository).tasklet(counting(behaviour, "count"), tx).build();
    }

    @Bean
    @StepScope
    ListItemReader<Integer> numbers() {
        return new ListItemReader<>(IntStream.rangeClosed(1, 10).boxed().toList());
    }

    @Bean
    Step load(JobRepository repository, JdbcTransactionManager tx, Behaviour behaviour, ListItemReader<Integer> numbers) {
        return new StepBuilder("load", repository).<Integer, Integer>chunk(3)
                .reader(numbers)
                .processor(item -> {
                    if (item == 7) {
                        throw new UnreadableItem(item);
                    }
                    return item % 5 == 0 ? null : item; // 5 and 10 are filtered out
                })
                .writer(items -> behaviour.wrote(currentCase(), items.getItems()))
                .transactionManager(tx)
                .faultTolerant().skip(UnreadableItem.class).skipLimit(5)
                .build();
    }

    @Bean
    Job chunked(JobRepository repository, Step count, Step load) {
        return new JobBuilder("chunked", repository).start(count).next(load).build();
    }

    // ------------------------------------------------------------------ conditional: check -FAILED-> fallback, else publish

    @Bean
    Step check(JobRepository repository, JdbcTransactionManager tx, Behaviour behaviour) {
        return new StepBuilder("check", repository).tasklet((contribution, chunk) -> {
            behaviour.ran(testCase(chunk), "check");
            if ("no".equals(chunk.getStepContext().getStepExecution().getJobParameters().getString("valid"))) {
                throw new IllegalArgumentException("record 7 has no customer id");
            }
            return RepeatStatus.FINISHED;
        }, tx).build();
    }

    @Bean
    Step fallback(JobRepository repository, JdbcTransactionManager tx, Behaviour behaviour) {
        return new StepBuilder("fallback", repository).tasklet(counting(behaviour, "fallback"), tx).build();
    }

    @Bean
    Step release(JobRepository repository, JdbcTransactionManager tx, Behaviour behaviour) {
        return new StepBuilder("release", repository).tasklet(counting(behaviour, "release"), tx).build();
    }

    @Bean
    Job conditional(JobRepository repository, Step check, Step fallback, Step release) {
        return new JobBuilder("conditional", repository)
                .start(check).on("FAILED").to(fallback)
                .from(check).on("*").to(release)
                .end().build();
    }

    // ---------------------------------------------- partitioned: sum (4 partitions) -> reportFlow (reportA, reportB)

    /** Reads the numbers from..to of its partition. Not final: step-scoped beans are class proxies. */
    static class RangeReader extends AbstractItemCountingItemStreamItemReader<Long> {
        private final long from;

        RangeReader(long from, long to) {
            this.from = from;
            setName("range");
            setMaxItemCount((int) (to - from + 1));
        }

        @Override
        protected Long doRead() {
            return from + getCurrentItemCount() - 1;
        }

        @Override
        protected void doOpen() {}

        @Override
        protected void doClose() {}
    }

    @Bean
    @StepScope
    RangeReader rangeReader(@Value("#{stepExecutionContext['from']}") Long from,
            @Value("#{stepExecutionContext['to']}") Long to) {
        return new RangeReader(from, to);
    }

    @Bean
    Step sumWorker(JobRepository repository, JdbcTransactionManager tx, Behaviour behaviour, RangeReader rangeReader) {
        return new StepBuilder("sumWorker", repository).<Long, Long>chunk(10)
                .reader(rangeReader)
                .writer(items -> items.forEach(i -> behaviour.add(currentCase(), i)))
                .transactionManager(tx)
                .build();
    }

    @Bean
    Step sum(JobRepository repository, Step sumWorker) {
        Partitioner quarters = gridSize -> {
            Map<String, ExecutionContext> out = new LinkedHashMap<>();
            for (int i = 0; i < 4; i++) {
                ExecutionContext range = new ExecutionContext();
                range.putLong("from", 1 + 25L * i);
                range.putLong("to", 25L * (i + 1));
                out.put("partition" + i, range);
            }
            return out;
        };
        return new StepBuilder("sum", repository).partitioner("sumWorker", quarters).step(sumWorker).gridSize(4)
                .taskExecutor(new SimpleAsyncTaskExecutor("partition-")).build();
    }

    @Bean
    Step reportA(JobRepository repository, JdbcTransactionManager tx, Behaviour behaviour) {
        return new StepBuilder("reportA", repository).tasklet(counting(behaviour, "reportA"), tx).build();
    }

    @Bean
    Step reportB(JobRepository repository, JdbcTransactionManager tx, Behaviour behaviour) {
        return new StepBuilder("reportB", repository).tasklet(counting(behaviour, "reportB"), tx).build();
    }

    @Bean
    Step reportFlow(JobRepository repository, Step reportA, Step reportB) {
        Flow flow = new FlowBuilder<Flow>("reportFlow").start(reportA).next(reportB).build();
        return new StepBuilder("reportFlow", repository).flow(flow).build();
    }

    @Bean
    Job partitioned(JobRepository repository, Step sum, Step reportFlow) {
        return new JobBuilder("partitioned", repository).start(sum).next(reportFlow).build();
    }

    // ---------------------------------------------- stoppable: ingest (40 items, chunks of 5, a gate at item 11)

    /** Reads 1..40; stops at the case's gate before item 11 (see {@link Behaviour#closeGate}). */
    static class GatedReader extends AbstractItemCountingItemStreamItemReader<Integer> {
        private final Behaviour behaviour;
        private final String testCase;

        GatedReader(Behaviour behaviour, String testCase) {
            this.behaviour = behaviour;
            this.testCase = testCase;
            setName("gated");
            setMaxItemCount(40);
        }

        @Override
        protected Integer doRead() throws InterruptedException {
            int item = getCurrentItemCount();
            if (item == 11) {
                behaviour.atGate(testCase);
            }
            return item;
        }

        @Override
        protected void jumpToItem(int itemIndex) {
            // doRead derives the item from the count restored by open(); nothing to skip over
        }

        @Override
        protected void doOpen() {}

        @Override
        protected void doClose() {}
    }

    @Bean
    @StepScope
    GatedReader gatedReader(Behaviour behaviour, @Value("#{jobParameters['case']}") String testCase) {
        return new GatedReader(behaviour, testCase);
    }

    @Bean
    Step ingest(JobRepository repository, JdbcTransactionManager tx, Behaviour behaviour, GatedReader gatedReader) {
        return new StepBuilder("ingest", repository).<Integer, Integer>chunk(5)
                .reader(gatedReader)
                .writer(items -> behaviour.wrote(currentCase(), items.getItems()))
                .transactionManager(tx)
                .build();
    }

    @Bean
    Job stoppable(JobRepository repository, Step ingest) {
        return new JobBuilder("stoppable", repository).start(ingest).build();
    }

    /** The items 1..n, for assertions. */
    static List<Integer> oneTo(int n) {
        return IntStream.rangeClosed(1, n).boxed().toList();
    }
}
