package dev.runmetrics.http;

import static dev.runmetrics.http.Api.MULTI;
import static dev.runmetrics.http.Api.OPERATOR_A;
import static dev.runmetrics.http.Api.OPERATOR_B;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.WS_B;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runmetrics.core.node.Node;
import dev.runmetrics.core.node.NodeConfig;
import dev.runmetrics.core.node.Nodes;
import dev.runmetrics.core.node.RetryPolicy;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every read endpoint, against runs recorded through a real RunRecorder. */
class EndpointsTest {

    static World world;
    static Api api;

    @BeforeAll
    static void start() {
        // The world's clock stands still, so the default bucket (20) would never refill over this
        // class's requests; the limit itself is RateLimitTest's.
        world = new World(b -> b.rateLimit(10_000, 100));
        api = world.api;
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    @Test
    void healthAnswersWithoutAToken() {
        HttpResponse<String> r = api.get("/health", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("status").asText()).isEqualTo("ok");
    }

    @Test
    void statisticsGiveTheirFieldsInMilliseconds() {
        HttpResponse<String> r = api.get("/api/v1/statistics/execution-times?workflow_id=basic_sequence"
                + "&start_date=2026-01-15&end_date=2026-01-15", VIEWER_A, WS_A);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        JsonNode body = json(r);
        // executions: 4 s, 7 s (completed) and 4 s (failed: 1 s + 3 s)
        assertThat(body.get("count").asLong()).isEqualTo(3);
        // a day is answered from the rollups: each value within 1/1024 of the exact one
        assertThat(body.get("min").asDouble()).isCloseTo(4000.0, withinPercentage(0.1));
        assertThat(body.get("max").asDouble()).isCloseTo(7000.0, withinPercentage(0.1));
        assertThat(body.get("avg").asDouble()).isCloseTo(5000.0, withinPercentage(0.1));
        assertThat(body.get("median").asDouble()).isCloseTo(4000.0, withinPercentage(0.1));
        assertThat(body.get("exact").asBoolean()).isFalse();
        assertThat(body.get("unit").asText()).isEqualTo("ms");
        assertThat(body.get("workflow_id").asText()).isEqualTo("basic_sequence");
        assertThat(body.get("start_date").asText()).isEqualTo("2026-01-15T00:00:00Z");
        assertThat(body.get("end_date").asText()).isEqualTo("2026-01-16T00:00:00Z");
        assertThat(body.has("p95")).isTrue();
        assertThat(body.has("p99")).isTrue();
    }

    @Test
    void statisticsOfAShortRangeAreExact() {
        JsonNode body = json(api.get("/api/v1/statistics/execution-times?start_date=2026-01-15T09:59:00Z"
                + "&end_date=2026-01-15T10:30:00Z", VIEWER_A, WS_A));
        assertThat(body.get("exact").asBoolean()).isTrue();
        assertThat(body.get("count").asLong()).isEqualTo(3);
        assertThat(body.get("min").asDouble()).isEqualTo(4000.0);
        assertThat(body.get("max").asDouble()).isEqualTo(7000.0);
        assertThat(body.get("median").asDouble()).isEqualTo(4000.0);
    }

    @Test
    void statisticsOfAnEmptyRangeAreNullNotZero() {
        JsonNode body = json(api.get("/api/v1/statistics/execution-times?start_date=2020-01-01T00:00:00Z"
                + "&end_date=2020-01-02T00:00:00Z", VIEWER_A, WS_A));
        assertThat(body.get("count").asLong()).isZero();
        assertThat(body.get("avg").isNull()).isTrue();
        assertThat(body.get("p99").isNull()).isTrue();
    }

    @Test
    void statisticsFilterByTheStatusAnAttemptEndedInOnBothPaths() {
        for (String range : new String[] {"&start_date=2026-01-15&end_date=2026-01-15",
            "&start_date=2026-01-15T09:59:00Z&end_date=2026-01-15T10:30:00Z"}) {
            JsonNode completed = json(api.get("/api/v1/statistics/execution-times?workflow_id=basic_sequence"
                    + "&status=completed" + range, VIEWER_A, WS_A));
            assertThat(completed.get("status").asText()).isEqualTo("completed");
            assertThat(completed.get("count").asLong()).as(range).isEqualTo(2);
            assertThat(completed.get("min").asDouble()).isCloseTo(4000.0, withinPercentage(0.1));
            assertThat(completed.get("max").asDouble()).isCloseTo(7000.0, withinPercentage(0.1));
            JsonNode failed = json(api.get("/api/v1/statistics/execution-times?workflow_id=basic_sequence"
                    + "&status=failed" + range, VIEWER_A, WS_A));
            assertThat(failed.get("count").asLong()).as(range).isEqualTo(1);
            assertThat(failed.get("max").asDouble()).isCloseTo(4000.0, withinPercentage(0.1));
        }
        HttpResponse<String> running = api.get("/api/v1/statistics/execution-times?status=running", VIEWER_A, WS_A);
        assertThat(running.statusCode()).isEqualTo(400);
        assertThat(json(running).at("/error/parameter").asText()).isEqualTo("status");
        assertThat(json(running).at("/error/message").asText()).contains("does not end an attempt");
    }

    @Test
    void statisticsGroupedByWorkflowAreEachWorkflowsOwnFiguresInOneAnswer() {
        String range = "&start_date=2026-01-15&end_date=2026-01-15";
        JsonNode grouped = json(api.get("/api/v1/statistics/execution-times?group_by=workflow" + range, VIEWER_A,
                WS_A));
        JsonNode all = json(api.get("/api/v1/statistics/execution-times?" + range.substring(1), VIEWER_A, WS_A));
        assertThat(grouped.get("group_by").asText()).isEqualTo("workflow");
        long sum = 0;
        for (JsonNode item : grouped.get("items")) {
            sum += item.get("count").asLong();
        }
        JsonNode basic = null;
        for (JsonNode item : grouped.get("items")) {
            if (item.get("workflow_id").asText().equals("basic_sequence")) {
                basic = item;
            }
        }
        JsonNode alone = json(api.get("/api/v1/statistics/execution-times?workflow_id=basic_sequence" + range,
                VIEWER_A, WS_A));
        assertThat(basic.get("workflow_id").asText()).isEqualTo("basic_sequence");
        for (String field : new String[] {"count", "avg", "median", "min", "max", "p95", "p99", "exact"}) {
            assertThat(basic.get(field)).as(field).isEqualTo(alone.get(field));
        }
        assertThat(grouped.get("total").asInt()).isEqualTo(grouped.get("items").size()).isPositive();
        assertThat(grouped.get("items").findValuesAsText("workflow_id")).contains("basic_sequence").isSorted();
        assertThat(sum).isEqualTo(all.get("count").asLong());

        HttpResponse<String> both = api.get("/api/v1/statistics/execution-times?group_by=workflow"
                + "&workflow_id=basic_sequence", VIEWER_A, WS_A);
        assertThat(both.statusCode()).isEqualTo(400);
        assertThat(json(both).at("/error/parameter").asText()).isEqualTo("group_by");
        assertThat(api.get("/api/v1/statistics/execution-times?group_by=node", VIEWER_A, WS_A).statusCode())
                .isEqualTo(400);
    }

    @Test
    void anUnknownWorkflowIsNotFoundWhileAKnownOneWithoutRunsInTheRangeCountsZero() {
        HttpResponse<String> unknown = api.get("/api/v1/statistics/execution-times?workflow_id=never_ran_here",
                VIEWER_A, WS_A);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).at("/error/code").asText()).isEqualTo("workflow_not_found");
        assertThat(json(unknown).at("/error/parameter").asText()).isEqualTo("workflow_id");
        HttpResponse<String> known = api.get("/api/v1/statistics/execution-times?workflow_id=basic_sequence"
                + "&start_date=2020-01-01&end_date=2020-01-02", VIEWER_A, WS_A);
        assertThat(known.statusCode()).isEqualTo(200);
        assertThat(json(known).get("count").asLong()).isZero();
    }

    @Test
    void workflowMetricsAreTheWorkflowSummary() {
        HttpResponse<String> r = api.get("/api/workflows/basic_sequence/metrics", VIEWER_A, WS_A);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("total_executions").asLong()).isEqualTo(3);
        assertThat(body.get("successful_executions").asLong()).isEqualTo(2);
        assertThat(body.get("failed_executions").asLong()).isEqualTo(1);
        assertThat(body.get("success_rate").asDouble()).isBetween(66.6, 66.7);
        assertThat(body.get("min_duration_seconds").asDouble()).isBetween(3.99, 4.01);
        assertThat(body.get("max_duration_seconds").asDouble()).isBetween(6.99, 7.01);
        assertThat(body.has("average_duration_seconds")).isTrue();
        assertThat(body.has("total_duration_seconds")).isTrue();
    }

    @Test
    void theWorkflowListNamesTheWorkspacesWorkflowsWithTheirCounts() {
        HttpResponse<String> r = api.get("/api/workflows", VIEWER_A, WS_A);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("total").asInt()).isEqualTo(1);
        JsonNode wf = body.get("items").get(0);
        assertThat(wf.get("workflow_id").asText()).isEqualTo("basic_sequence");
        assertThat(wf.get("total_executions").asLong()).isEqualTo(3);
        assertThat(wf.get("successful_executions").asLong()).isEqualTo(2);
        assertThat(wf.get("failed_executions").asLong()).isEqualTo(1);
        assertThat(wf.get("live_executions").asLong()).isEqualTo(1);
        assertThat(api.get("/api/workflows?x=1", VIEWER_A, WS_A).statusCode()).isEqualTo(400);
    }

    @Test
    void executionsArePagedNewestFirstInSnakeCase() {
        JsonNode body = json(api.get("/api/workflows/basic_sequence/executions?limit=2", VIEWER_A, WS_A));
        assertThat(body.get("total").asLong()).isEqualTo(4);
        assertThat(body.get("skip").asInt()).isZero();
        assertThat(body.get("limit").asInt()).isEqualTo(2);
        assertThat(body.get("items")).hasSize(2);
        JsonNode first = body.get("items").get(0);
        assertThat(first.get("id").asText()).isEqualTo(world.running);
        assertThat(first.get("status").asText()).isEqualTo("running");
        assertThat(first.get("workflow_id").asText()).isEqualTo("basic_sequence");
        assertThat(first.has("execution_number")).isTrue();
        assertThat(first.has("input_variables")).isTrue();
        assertThat(first.has("created_at")).isTrue();

        JsonNode page2 = json(api.get("/api/workflows/basic_sequence/executions?skip=3&limit=2", VIEWER_A, WS_A));
        assertThat(page2.get("items")).hasSize(1);
        assertThat(page2.get("items").get(0).get("id").asText()).isEqualTo(world.completed1);
    }

    @Test
    void executionsDefaultToTenAndFilterByStatus() {
        JsonNode all = json(api.get("/api/workflows/basic_sequence/executions", VIEWER_A, WS_A));
        assertThat(all.get("limit").asInt()).isEqualTo(10);
        JsonNode failed = json(api.get("/api/workflows/basic_sequence/executions?status=failed", VIEWER_A, WS_A));
        assertThat(failed.get("total").asLong()).isEqualTo(1);
        assertThat(failed.get("items").get(0).get("id").asText()).isEqualTo(world.failed);
        JsonNode completed = json(api.get("/api/workflows/basic_sequence/executions?status=COMPLETED", VIEWER_A,
                WS_A));
        assertThat(completed.get("total").asLong()).isEqualTo(2);
        JsonNode none = json(api.get("/api/workflows/other/executions", VIEWER_A, WS_A));
        assertThat(none.get("total").asLong()).isZero();
        assertThat(none.get("items")).isEmpty();
    }

    @Test
    void executionDetailHasItsStepExecutions() {
        HttpResponse<String> r = api.get("/api/workflows/executions/" + world.completed1, VIEWER_A, WS_A);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("id").asText()).isEqualTo(world.completed1);
        assertThat(body.get("status").asText()).isEqualTo("completed");
        assertThat(body.get("duration").asDouble()).isEqualTo(4.0);
        assertThat(body.get("input_variables").get("mode").asText()).isEqualTo("standard");
        assertThat(body.get("results").get("output").asText()).isEqualTo("success");
        assertThat(body.get("error_message").isNull()).isTrue();
        JsonNode steps = body.get("step_executions");
        assertThat(steps).hasSize(3);
        assertThat(steps.get(0).get("step_id").asText()).isEqualTo("initialize");
        assertThat(steps.get(0).get("execution_id").asText()).isEqualTo(world.completed1);
        assertThat(steps.get(0).get("output_data").get("data_size").asInt()).isEqualTo(1024);
        assertThat(steps.get(1).get("duration").asDouble()).isEqualTo(2.0);
    }

    @Test
    void timelineCountsStepsAndCarriesSummaries() {
        HttpResponse<String> r = api.get("/api/workflows/executions/" + world.failed + "/timeline", VIEWER_A, WS_A);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("execution_id").asText()).isEqualTo(world.failed);
        assertThat(body.get("status").asText()).isEqualTo("failed");
        // Planned with three steps: "finalize", never reached, counts as pending.
        assertThat(body.get("step_count").asInt()).isEqualTo(3);
        assertThat(body.get("completed_step_count").asInt()).isEqualTo(1);
        assertThat(body.get("failed_step_count").asInt()).isEqualTo(1);
        assertThat(body.get("skipped_step_count").asInt()).isZero();
        assertThat(body.get("pending_step_count").asInt()).isEqualTo(1);
        JsonNode finalize = body.get("step_timeline").get(2);
        assertThat(finalize.get("step_id").asText()).isEqualTo("finalize");
        assertThat(finalize.get("reached").asBoolean()).isFalse();
        assertThat(finalize.get("status").asText()).isEqualTo("queued");
        assertThat(finalize.get("queued_at").isNull()).isTrue();
        assertThat(body.get("step_timeline").get(1).get("reached").asBoolean()).isTrue();
        assertThat(body.get("error_message").asText()).isEqualTo("Step 'process' failed");
        JsonNode process = body.get("step_timeline").get(1);
        assertThat(process.get("step_name").asText()).isEqualTo("Process");
        assertThat(process.get("step_order").asInt()).isEqualTo(2);
        assertThat(process.get("status").asText()).isEqualTo("failed");
        assertThat(process.get("duration_seconds").asDouble()).isEqualTo(3.0);
        assertThat(process.get("error_message").asText()).isEqualTo("Timeout exceeded");
        assertThat(process.get("input_summary").get("batch_size").asInt()).isEqualTo(100);
    }

    @Test
    void executionMetricsAreTheLiveOverviewInCamelCase() {
        HttpResponse<String> r = api.get("/api/v1/execution-metrics?timeframe=24h", VIEWER_A, WS_A);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.get("timeframe").asText()).isEqualTo("24h");
        assertThat(body.get("workspaceId").asText()).isEqualTo(WS_A);
        assertThat(body.get("realtime").get("currentlyRunning").asInt()).isEqualTo(1);
        assertThat(body.get("realtime").get("executionsInProgress").get(0).get("runId").asText())
                .isEqualTo(world.running);
        assertThat(body.get("performance").get("totalExecutions").asLong()).isEqualTo(3);
        assertThat(body.get("latency").get("executionLatency").has("p95")).isTrue();
        assertThat(body.has("throughput")).isTrue();
        assertThat(body.has("patterns")).isTrue();
        assertThat(body.has("resources")).isTrue();
        assertThat(json(api.get("/api/v1/execution-metrics", VIEWER_A, WS_A)).get("timeframe").asText())
                .isEqualTo("1h");
    }

    @Test
    void nodeMetricsAreTheCollectorsJson() {
        HttpResponse<String> r = api.get("/api/v1/node-metrics", VIEWER_A);
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode fetch = json(r).get("fetch");
        assertThat(fetch.get("totalExecutions").asLong()).isEqualTo(3);
        assertThat(fetch.get("failureCount").asLong()).isEqualTo(1);
        assertThat(fetch.get("timeoutErrors").asLong()).isEqualTo(1);
        assertThat(fetch.get("p50").asDouble()).isEqualTo(20.0);
    }

    @Test
    void nodeMetricsCountCallsByAttemptsApartFromExecutions() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        Node<String, String> charge = Nodes.createNode(NodeConfig.builder("charge").metricsCollector(world.collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ZERO).build())
                        .sleeper(delay -> { }).build(),
                input -> {
                    if (attempts.incrementAndGet() % 2 == 1) {
                        throw new IOException("declined, try again");
                    }
                    return "charged";
                });
        charge.apply("order-1");
        charge.apply("order-2");
        world.collector.recordCall("charge", 12, false);

        JsonNode node = json(api.get("/api/v1/node-metrics", VIEWER_A)).get("charge");
        assertThat(node.get("totalExecutions").asLong()).isEqualTo(4);
        assertThat(node.get("failureRate").asDouble()).isEqualTo(0.5);
        assertThat(node.get("callCount").asLong()).isEqualTo(3);
        assertThat(node.get("failedCallCount").asLong()).isEqualTo(1);
        assertThat(node.get("callFailureRate").asDouble()).isEqualTo(1.0 / 3);
        assertThat(node.get("callsByAttempts").toString()).isEqualTo("[0,2,0,0,0,0,0,0,0,0,1]");

        String text = api.get("/metrics", VIEWER_A).body();
        assertThat(text).contains("# TYPE runmetrics_node_calls_total counter\n")
                .contains("runmetrics_node_calls_total{workspace=\"ws-a\",node=\"charge\",outcome=\"succeeded\"} 2\n")
                .contains("runmetrics_node_calls_total{workspace=\"ws-a\",node=\"charge\",outcome=\"failed\"} 1\n")
                .contains("# TYPE runmetrics_node_calls_by_attempts_total counter\n")
                .contains("runmetrics_node_calls_by_attempts_total{workspace=\"ws-a\",node=\"charge\",attempts=\"1\"} 0\n")
                .contains("runmetrics_node_calls_by_attempts_total{workspace=\"ws-a\",node=\"charge\",attempts=\"2\"} 2\n")
                .contains("runmetrics_node_calls_by_attempts_total{workspace=\"ws-a\",node=\"charge\",attempts=\"10\"} 0\n")
                .contains("runmetrics_node_calls_by_attempts_total{workspace=\"ws-a\",node=\"charge\",attempts=\"more\"} 1\n")
                // a node recorded by hand, without calls: each execution is a call of one attempt
                .contains("runmetrics_node_calls_total{workspace=\"ws-a\",node=\"fetch\",outcome=\"failed\"} 1\n")
                .contains("runmetrics_node_calls_by_attempts_total{workspace=\"ws-a\",node=\"fetch\",attempts=\"1\"} 3\n")
                .contains("runmetrics_node_calls_by_attempts_total{workspace=\"ws-a\",node=\"fetch\",attempts=\"more\"} 0\n");
    }

    @Test
    void nodeMetricsAreKeptPerWorkspaceAndShownOnlyToIt() {
        // ws-a called fetch three times (one timeout); ws-b five times, all fast
        JsonNode a = json(api.get("/api/v1/node-metrics", VIEWER_A));
        JsonNode b = json(api.get("/api/v1/node-metrics", OPERATOR_B));
        assertThat(a.get("fetch").get("totalExecutions").asLong()).isEqualTo(3);
        assertThat(b.get("fetch").get("totalExecutions").asLong()).isEqualTo(5);
        assertThat(b.get("fetch").get("failureCount").asLong()).isZero();
        assertThat(b.has("node \"quoted\" \\ back")).isFalse();
        // a token of both workspaces names the one it means
        assertThat(api.get("/api/v1/node-metrics", MULTI).statusCode()).isEqualTo(400);
        assertThat(json(api.get("/api/v1/node-metrics", MULTI, WS_B)).get("fetch").get("totalExecutions").asLong())
                .isEqualTo(5);
        // a workspace that never ran a node has none, and cannot be asked for by another's token
        assertThat(api.get("/api/v1/node-metrics", OPERATOR_B, WS_A).statusCode()).isEqualTo(404);

        String textA = api.get("/metrics", VIEWER_A).body();
        String textB = api.get("/metrics", OPERATOR_B).body();
        assertThat(textA).contains("runmetrics_node_executions_total{workspace=\"ws-a\",node=\"fetch\"} 3\n")
                .doesNotContain("workspace=\"ws-b\"");
        assertThat(textB).contains("runmetrics_node_executions_total{workspace=\"ws-b\",node=\"fetch\"} 5\n")
                .doesNotContain("workspace=\"ws-a\"");
        assertThat(api.get("/metrics", MULTI).body())
                .contains("runmetrics_node_executions_total{workspace=\"ws-a\",node=\"fetch\"} 3\n")
                .contains("runmetrics_node_executions_total{workspace=\"ws-b\",node=\"fetch\"} 5\n");
    }

    @Test
    void resumeAuditIsEmptyForARunNeverResumed() {
        HttpResponse<String> r = api.get("/api/workflows/executions/" + world.failed + "/resume-audit", OPERATOR_A,
                WS_A);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).get("items")).isEmpty();
        assertThat(json(r).get("execution_id").asText()).isEqualTo(world.failed);
    }

    @Test
    void openMetricsIsServedWhenTheScraperAsksForIt() {
        HttpResponse<String> r = api.send(api.request("/metrics", VIEWER_A).header("Accept",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1").GET().build());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/openmetrics-text; version=1.0.0"));
        String text = r.body();
        assertThat(text).endsWith("\n# EOF\n").containsOnlyOnce("# EOF")
                .contains("# TYPE runmetrics_node_executions counter\n")
                .contains("runmetrics_node_executions_total{workspace=\"ws-a\",node=\"fetch\"} 3\n")
                .contains("# TYPE runmetrics_node_duration_seconds histogram\n")
                .doesNotContain("# TYPE runmetrics_node_executions_total");
        HttpResponse<String> classic = api.send(api.request("/metrics", VIEWER_A)
                .header("Accept", "application/openmetrics-text;q=0, text/plain").GET().build());
        assertThat(classic.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain; version=0.0.4"));
        assertThat(classic.body()).doesNotContain("# EOF");
    }

    @Test
    void prometheusExpositionHasHelpTypeAndEscapedLabels() {
        HttpResponse<String> r = api.get("/metrics", VIEWER_A);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain; version=0.0.4"));
        String text = r.body();
        assertThat(text).contains("# HELP runmetrics_node_executions_total ")
                .contains("# TYPE runmetrics_node_executions_total counter\n")
                .contains("runmetrics_node_executions_total{workspace=\"ws-a\",node=\"fetch\"} 3\n")
                .contains("runmetrics_node_failures_total{workspace=\"ws-a\",node=\"fetch\",category=\"timeout\"} 1\n")
                .contains("# TYPE runmetrics_node_duration_seconds histogram\n")
                .contains("runmetrics_node_duration_seconds_bucket{workspace=\"ws-a\",node=\"fetch\",le=\"0.01\"} 0\n")
                .contains("runmetrics_node_duration_seconds_bucket{workspace=\"ws-a\",node=\"fetch\",le=\"0.025\"} 2\n")
                .contains("runmetrics_node_duration_seconds_bucket{workspace=\"ws-a\",node=\"fetch\",le=\"0.05\"} 3\n")
                .contains("runmetrics_node_duration_seconds_bucket{workspace=\"ws-a\",node=\"fetch\",le=\"+Inf\"} 3\n")
                .contains("runmetrics_node_duration_seconds_sum{workspace=\"ws-a\",node=\"fetch\"} 0.0625\n")
                .contains("runmetrics_node_duration_seconds_count{workspace=\"ws-a\",node=\"fetch\"} 3\n")
                .contains("# TYPE runmetrics_node_window_duration_seconds gauge\n")
                .contains("runmetrics_node_window_duration_seconds{workspace=\"ws-a\",node=\"fetch\",percentile=\"p50\"} 0.02\n")
                .contains("runmetrics_node_executions_total{workspace=\"ws-a\",node=\"node \\\"quoted\\\" \\\\ back\"} 1\n")
                .contains("runmetrics_runs_ended_total{workspace=\"ws-a\",status=\"completed\"} 2\n")
                .contains("runmetrics_runs_ended_total{workspace=\"ws-a\",status=\"failed\"} 1\n")
                .contains("runmetrics_runs_ended_total{workspace=\"ws-a\",status=\"timeout\"} 0\n")
                .contains("runmetrics_runs_started_total{workspace=\"ws-a\"} 4\n")
                .doesNotContain("workspace=\"ws-b\"");
        // each family's HELP and TYPE appear exactly once
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String family = line.split(" ")[2];
                assertThat(text.split("# TYPE " + family + " ", -1)).hasSize(2);
            }
        }
    }
}
