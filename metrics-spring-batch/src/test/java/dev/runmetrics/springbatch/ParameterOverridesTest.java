package dev.runmetrics.springbatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.parameters.JobParameter;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/** Which input overrides a restart can take as job parameters. */
class ParameterOverridesTest {

    private static final JobParameters LAST = new JobParametersBuilder()
            .addString("date", "2026-12-01")                 // identifying: names the job instance
            .addString("mode", "full", false)
            .addLong("limit", 10L, false)
            .toJobParameters();

    private static Map<String, Object> overrides(Object... keysAndValues) {
        Map<String, Object> out = new HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return out;
    }

    @Test
    void nonIdentifyingParametersAreChangedAddedAndRemovedKeepingTheInstance() {
        ParameterOverrides.Result r = ParameterOverrides.apply(LAST,
                overrides("mode", "repair", "limit", null, "retries", 3L, "ratio", 0.5, "dry", true));
        assertThat(r.refusal()).isNull();
        JobParameters p = r.parameters();
        assertThat(p.getString("mode")).isEqualTo("repair");
        assertThat(p.getParameter("limit")).isNull();
        assertThat(p.getLong("retries")).isEqualTo(3L);
        assertThat(p.getDouble("ratio")).isEqualTo(0.5);
        assertThat(p.getParameter("dry")).isEqualTo(new JobParameter<>("dry", true, Boolean.class, false));
        assertThat(p.getParameter("dry").identifying()).isFalse();
        assertThat(p.getIdentifyingParameters()).isEqualTo(LAST.getIdentifyingParameters());
        assertThat(p.getString("date")).isEqualTo("2026-12-01");
    }

    @Test
    void anIdentifyingParameterMayOnlyBeGivenItsOwnValue() {
        assertThat(ParameterOverrides.apply(LAST, overrides("date", "2026-12-01")).parameters()).isEqualTo(LAST);
        assertThat(ParameterOverrides.apply(LAST, overrides("date", "2026-12-02")).refusal())
                .startsWith("'date' is an identifying job parameter");
        assertThat(ParameterOverrides.apply(LAST, overrides("date", null)).refusal())
                .startsWith("'date' is an identifying job parameter");
    }

    @Test
    void onlyScalarsThatSpringBatchHoldsExactlyAreTaken() {
        assertThat(ParameterOverrides.apply(LAST, overrides("mode", List.of("a"))).refusal()).contains("not a scalar");
        assertThat(ParameterOverrides.apply(LAST, overrides("mode", Map.of("a", 1L))).refusal()).contains("not a scalar");
        assertThat(ParameterOverrides.apply(LAST, overrides("ratio", new BigDecimal("0.1"))).refusal())
                .contains("pass it as a string");
        assertThat(ParameterOverrides.apply(LAST, overrides("big", BigInteger.TWO.pow(70))).refusal())
                .contains("pass it as a string");
        assertThat(ParameterOverrides.apply(LAST, overrides("small", BigInteger.TEN)).parameters().getLong("small"))
                .isEqualTo(10L);
    }
}
