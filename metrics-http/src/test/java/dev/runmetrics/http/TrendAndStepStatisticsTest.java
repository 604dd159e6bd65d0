package dev.runmetrics.http;

import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The duration trend and the per-step statistics over HTTP, against the runs of {@link World}:
 * three ended runs of basic_sequence at 2026-01-15 10:00 UTC (executions of 4 s, 7 s and 4 s, the
 * last failed at "process" after 3 s) and one still running.
 */
class TrendAndStepStatisticsTest {

    static World world;
    static Api api;

    @BeforeAll
    static void start() {
        world = new World(b -> b.noRateLimit());
        api = world.api;
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    static JsonNode ok(String path) {
        HttpResponse<String> r = api.get(path, VIEWER_A, WS_A);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r);
    }

    static JsonNode refused(String path, String parameter) {
        HttpResponse<String> r = api.get(path, VIEWER_A, WS_A);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode error = json(r).get("error");
        assertThat(error.get("parameter").asText()).isEqualTo(parameter);
        return error;
    }

    @Test
    void aDaysTrendHasEveryHourAndTheRunsInTheirHour() {
        JsonNode t = ok("/api/v1/statistics/execution-times/trend?workflow_id=basic_sequence"
                + "&start_date=2026-01-15&end_date=2026-01-15");

        assertThat(t.get("bucket").asText()).isEqualTo("hour");
        assertThat(t.get("unit").asText()).isEqualTo("ms");
        assertThat(t.get("workflow_id").asText()).isEqualTo("basic_sequence");
        assertThat(t.get("start_date").asText()).isEqualTo("2026-01-15T00:00:00Z");
        assertThat(t.get("end_date").asText()).isEqualTo("2026-01-16T00:00:00Z");
        assertThat(t.get("count").asLong()).isEqualTo(3);
        JsonNode buckets = t.get("buckets");
        assertThat(buckets).hasSize(24);
        assertThat(buckets.get(0).get("start").asText()).isEqualTo("2026-01-15T00:00:00Z");
        JsonNode ten = buckets.get(10);
        assertThat(ten.get("start").asText()).isEqualTo("2026-01-15T10:00:00Z");
        assertThat(ten.get("count").asLong()).isEqualTo(3);
        assertThat(ten.get("failed").asLong()).isEqualTo(1);
        assertThat(ten.get("median").asDouble()).isCloseTo(4000.0, withinPercentage(0.1));
        assertThat(ten.get("p95").asDouble()).isCloseTo(7000.0, withinPercentage(0.1));
        JsonNode eleven = buckets.get(11);
        assertThat(eleven.get("count").asLong()).isZero();
        assertThat(eleven.get("median").isNull()).isTrue();
        assertThat(eleven.get("p95").isNull()).isTrue();
    }

    @Test
    void withoutARangeTheTrendIsTheLastSevenDaysByDayForAllWorkflows() {
        JsonNode t = ok("/api/v1/statistics/execution-times/trend");

        assertThat(t.get("workflow_id").isNull()).isTrue();
        assertThat(t.get("bucket").asText()).isEqualTo("day");
        List<String> days = new ArrayList<>();
        t.get("buckets").forEach(b -> days.add(b.get("start").asText().substring(0, 10)));
        assertThat(days).containsExactly("2026-01-08", "2026-01-09", "2026-01-10", "2026-01-11", "2026-01-12",
                "2026-01-13", "2026-01-14", "2026-01-15");
        assertThat(t.get("count").asLong()).isEqualTo(3);
        assertThat(ok("/api/v1/statistics/execution-times/trend?bucket=hour&workflow_id=nothing-ran")
                .get("buckets")).hasSize(169).allSatisfy(b -> assertThat(b.get("count").asLong()).isZero());
    }

    @Test
    void aBadOrTooFineBucketIsRefusedNamingIt() {
        assertThat(refused("/api/v1/statistics/execution-times/trend?bucket=week", "bucket").get("message").asText())
                .contains("hour or day");
        assertThat(refused("/api/v1/statistics/execution-times/trend?bucket=hour&start_date=2025-01-01"
                + "&end_date=2025-12-31", "bucket").get("message").asText()).contains("at most 1000", "bucket=day");
        refused("/api/v1/statistics/execution-times/trend?start_date=2000-01-01", "start_date");
        refused("/api/v1/statistics/execution-times/trend?start_date=2026-01-15&end_date=2026-01-14", "end_date");
        refused("/api/v1/statistics/execution-times/trend?days=3", "days");
        assertThat(ok("/api/v1/statistics/execution-times/trend?bucket=day&start_date=2026-01-15&end_date=2026-01-15")
                .get("buckets")).singleElement().satisfies(b -> assertThat(b.get("count").asLong()).isEqualTo(3));
    }

    @Test
    void eachStepOfAWorkflowHasItsOutcomesFailureRateAndExactDurations() {
        JsonNode s = ok("/api/v1/statistics/steps?workflow_id=basic_sequence&start_date=2026-01-15");

        assertThat(s.get("workflow_id").asText()).isEqualTo("basic_sequence");
        assertThat(s.get("unit").asText()).isEqualTo("ms");
        assertThat(s.get("runs_analyzed").asInt()).isEqualTo(3);
        assertThat(s.get("run_limit").asInt()).isEqualTo(1000);
        assertThat(s.get("truncated").asBoolean()).isFalse();
        List<String> ids = new ArrayList<>();
        s.get("steps").forEach(step -> ids.add(step.get("step_id").asText()));
        assertThat(ids).containsExactly("initialize", "process", "finalize");
        JsonNode process = s.get("steps").get(1);
        assertThat(process.get("step_name").asText()).isEqualTo("Process");
        assertThat(process.get("node_name").asText()).isEqualTo("process-node");
        assertThat(process.get("count").asLong()).isEqualTo(3);
        assertThat(process.get("completed").asLong()).isEqualTo(2);
        assertThat(process.get("failed").asLong()).isEqualTo(1);
        assertThat(process.get("skipped").asLong()).isZero();
        assertThat(process.get("failure_rate").asDouble()).isCloseTo(100.0 / 3, within(1e-9));
        // 2 s, 5 s, and 3 s until it failed, nearest rank: median the 2nd of 3, p95 the 3rd
        assertThat(process.get("median").asDouble()).isCloseTo(3000.0, within(1e-6));
        assertThat(process.get("p95").asDouble()).isCloseTo(5000.0, within(1e-6));
        assertThat(process.get("max").asDouble()).isCloseTo(5000.0, within(1e-6));
        JsonNode finalize = s.get("steps").get(2);
        assertThat(finalize.get("count").asLong()).isEqualTo(2);
        assertThat(finalize.get("failure_rate").asDouble()).isZero();
    }

    @Test
    void everyPairOfBoundaryDatesIsAnsweredAsDocumented() {
        OpenApiContract contract = OpenApiContract.of(api);
        List<String> dates = new ArrayList<>(HostileInputBatteryTest.DATES);
        dates.add(null);
        List<String> broken = new ArrayList<>();
        for (String base : List.of("/api/v1/statistics/execution-times/trend?bucket=day",
                "/api/v1/statistics/execution-times/trend?workflow_id=basic_sequence",
                "/api/v1/statistics/steps?workflow_id=basic_sequence")) {
            for (String start : dates) {
                for (String end : dates) {
                    StringBuilder q = new StringBuilder(base);
                    if (start != null) {
                        q.append("&start_date=").append(URLEncoder.encode(start, StandardCharsets.UTF_8));
                    }
                    if (end != null) {
                        q.append("&end_date=").append(URLEncoder.encode(end, StandardCharsets.UTF_8));
                    }
                    HttpResponse<String> r = api.get(q.toString(), VIEWER_A, WS_A);
                    if (r.statusCode() >= 500) {
                        broken.add(q + " -> " + r.statusCode() + " " + r.body());
                    }
                    broken.addAll(contract.check(r));
                }
            }
        }
        assertThat(broken).isEmpty();
        // The whole representable range by the day is too many buckets; the steps take it.
        refused("/api/v1/statistics/execution-times/trend?start_date=0001-01-01&end_date=9999-12-31", "start_date");
        assertThat(ok("/api/v1/statistics/steps?workflow_id=basic_sequence&start_date=0001-01-01&end_date=9999-12-31")
                .get("runs_analyzed").asInt()).isEqualTo(3);
    }

    @Test
    void stepStatisticsNeedAWorkflowAndMeasureAtMostTheRunLimit() {
        refused("/api/v1/statistics/steps", "workflow_id");
        refused("/api/v1/statistics/steps?workflow_id=basic_sequence&run_limit=0", "run_limit");
        refused("/api/v1/statistics/steps?workflow_id=basic_sequence&run_limit=10001", "run_limit");
        refused("/api/v1/statistics/steps?workflow_id=basic_sequence&start_date=2026-01-16&end_date=2026-01-15",
                "end_date");

        JsonNode latest = ok("/api/v1/statistics/steps?workflow_id=basic_sequence&run_limit=1");

        assertThat(latest.get("runs_analyzed").asInt()).isEqualTo(1);
        assertThat(latest.get("truncated").asBoolean()).isTrue();
        // The latest run to end is the failed one: it never reached finalize.
        assertThat(latest.get("steps")).hasSize(2);
        assertThat(latest.get("steps").get(1).get("failed").asLong()).isEqualTo(1);
        assertThat(ok("/api/v1/statistics/steps?workflow_id=nothing-ran").get("steps")).isEmpty();
    }
}
