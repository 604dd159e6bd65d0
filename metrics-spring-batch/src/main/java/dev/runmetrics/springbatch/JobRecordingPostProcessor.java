package dev.runmetrics.springbatch;

import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Registers a {@link JobRunRecorder} on every {@link Job} and {@link Step} bean of a Spring
 * application context, so that no job or step definition changes. Declare it as a {@code static}
 * bean method taking an {@link ObjectProvider}, so that the recorder (and the job repository it
 * needs) is created only when the first job or step bean is, not with the post-processors:
 *
 * <pre>{@code
 * @Bean
 * static JobRecordingPostProcessor jobRecording(ObjectProvider<JobRunRecorder> batch) {
 *     return new JobRecordingPostProcessor(batch);
 * }
 * }</pre>
 *
 * <p>Job beans are {@linkplain JobRunRecorder#instrument(Job) instrumented} with the steps they
 * list, step beans (partition workers, the steps inside a flow step) one by one. Thread-safe.
 */
public final class JobRecordingPostProcessor implements BeanPostProcessor {

    private final Supplier<JobRunRecorder> batch;

    /**
     * Instruments with the recorder bean, looked up when the first job or step bean is created.
     *
     * @throws NullPointerException if batch is null
     */
    public JobRecordingPostProcessor(ObjectProvider<JobRunRecorder> batch) {
        Objects.requireNonNull(batch, "batch");
        this.batch = batch::getObject;
    }

    /**
     * Instruments with a recorder that already exists.
     *
     * @throws NullPointerException if batch is null
     */
    public JobRecordingPostProcessor(JobRunRecorder batch) {
        Objects.requireNonNull(batch, "batch");
        this.batch = () -> batch;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof Job job) {
            batch.get().instrument(job);
        } else if (bean instanceof Step step) {
            batch.get().instrument(step);
        }
        return bean;
    }

    @Override
    public String toString() {
        return "JobRecordingPostProcessor";
    }
}
