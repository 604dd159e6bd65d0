package dev.runmetrics.springbatch;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Objects;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/**
 * A resume's input overrides as job parameters of the restart, where Spring Batch allows it.
 *
 * <p>A restart keeps the job instance, which is named by its identifying parameters: an override
 * may add or change only non-identifying parameters (a null value removes one); a new value of an
 * identifying parameter would name another job instance, which Spring Batch would start afresh
 * rather than restart, so it is refused (the same value again is allowed). Values are scalars and
 * keep their JSON type: a string is a {@code String}, an integer a {@code Long}, another number a
 * {@code Double}, a boolean a {@code Boolean}; objects and arrays are refused. Stateless.
 */
final class ParameterOverrides {

    /** The parameters of the restart, or why the overrides are refused. */
    record Result(JobParameters parameters, String refusal) {}

    private ParameterOverrides() {}

    static Result apply(JobParameters last, Map<String, Object> overrides) {
        JobParametersBuilder out = new JobParametersBuilder(last);
        for (Map.Entry<String, Object> e : overrides.entrySet()) {
            String name = e.getKey();
            Object value = e.getValue();
            JobParameter<?> current = last.getParameter(name);
            if (current != null && current.identifying()) {
                if (Objects.equals(current.value(), value)) {
                    continue;
                }
                return refused("'" + name + "' is an identifying job parameter: another value names another job"
                        + " instance, which Spring Batch starts afresh instead of restarting this one");
            }
            if (value == null) {
                out = without(out.toJobParameters(), name);
            } else if (value instanceof String s) {
                out.addJobParameter(name, s, String.class, false);
            } else if (value instanceof Boolean b) {
                out.addJobParameter(name, b, Boolean.class, false);
            } else if (value instanceof Long l) {
                out.addJobParameter(name, l, Long.class, false);
            } else if (value instanceof Double d) {
                out.addJobParameter(name, d, Double.class, false);
            } else if (value instanceof BigInteger i && i.bitLength() < Long.SIZE) {
                out.addJobParameter(name, i.longValue(), Long.class, false);
            } else if (value instanceof BigDecimal || value instanceof BigInteger) {
                return refused("'" + name + "' is a number Spring Batch cannot hold exactly; pass it as a string");
            } else {
                return refused("'" + name + "' is not a scalar: job parameters are strings, numbers or booleans");
            }
        }
        return new Result(out.toJobParameters(), null);
    }

    private static JobParametersBuilder without(JobParameters parameters, String name) {
        JobParametersBuilder out = new JobParametersBuilder();
        for (JobParameter<?> p : parameters) {
            if (!p.name().equals(name)) {
                out.addJobParameter(p);
            }
        }
        return out;
    }

    private static Result refused(String message) {
        return new Result(null, message);
    }
}
