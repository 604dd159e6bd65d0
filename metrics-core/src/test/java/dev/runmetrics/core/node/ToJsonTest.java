package dev.runmetrics.core.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** toJSON() is real JSON: a real parser reads it back, whatever the node names hold. */
class ToJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> KEYS = List.of("totalExecutions", "successCount", "failureCount",
            "retryCount", "lastExecutionMs", "avgExecutionMs", "failureRate", "p50", "p90", "p99",
            "timeoutErrors", "validationErrors", "networkErrors", "otherErrors", "callCount", "failedCallCount",
            "callFailureRate", "callsByAttempts");

    @Test
    void eachNodeHasExactlyTheDocumentedKeys() throws Exception {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        collector.recordSuccess("fetch", 10.0);
        collector.recordFailure("fetch", 30.0, ErrorCategory.TIMEOUT);
        collector.recordRetry("fetch", 2);

        JsonNode fetch = JSON.readTree(collector.toJSON()).get("fetch");

        List<String> keys = new ArrayList<>();
        fetch.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyElementsOf(KEYS);
        assertThat(fetch.get("totalExecutions").asLong()).isEqualTo(2);
        assertThat(fetch.get("successCount").asLong()).isEqualTo(1);
        assertThat(fetch.get("failureCount").asLong()).isEqualTo(1);
        assertThat(fetch.get("retryCount").asLong()).isEqualTo(1);
        assertThat(fetch.get("lastExecutionMs").asDouble()).isEqualTo(30.0);
        assertThat(fetch.get("avgExecutionMs").asDouble()).isEqualTo(20.0);
        assertThat(fetch.get("failureRate").asDouble()).isEqualTo(0.5);
        assertThat(fetch.get("p50").asDouble()).isEqualTo(10.0);
        assertThat(fetch.get("p99").asDouble()).isEqualTo(30.0);
        assertThat(fetch.get("timeoutErrors").asLong()).isEqualTo(1);
        assertThat(fetch.get("callCount").asLong()).isEqualTo(2); // no calls recorded: each execution is one
        assertThat(fetch.get("failedCallCount").asLong()).isEqualTo(1);
        assertThat(fetch.get("callFailureRate").asDouble()).isEqualTo(0.5);
        assertThat(fetch.get("callsByAttempts").toString()).isEqualTo("[2,0,0,0,0,0,0,0,0,0,0]");
    }

    @Test
    void callsByAttemptsListsEveryBucketFromOneAttemptToMoreThanTheTracked() throws Exception {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        collector.recordCall("fetch", 1, true);
        collector.recordCall("fetch", 3, true);
        collector.recordCall("fetch", 10, false);
        collector.recordCall("fetch", 11, false);
        collector.recordCall("fetch", 40, false);

        JsonNode fetch = JSON.readTree(collector.toJSON()).get("fetch");

        assertThat(fetch.get("callsByAttempts").toString()).isEqualTo("[1,0,1,0,0,0,0,0,0,1,2]");
        assertThat(fetch.get("callCount").asLong()).isEqualTo(5);
        assertThat(fetch.get("failedCallCount").asLong()).isEqualTo(3);
        assertThat(fetch.get("callFailureRate").asDouble()).isEqualTo(0.6);
        assertThat(fetch.get("totalExecutions").asLong()).isZero();
        assertThat(fetch.get("p50").isNull()).isTrue();
    }

    @Test
    void aNodeWithOnlyRetriesHasNullDurations() throws Exception {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        collector.recordRetry("n", 2);

        JsonNode n = JSON.readTree(collector.toJSON()).get("n");

        for (String key : List.of("lastExecutionMs", "avgExecutionMs", "p50", "p90", "p99")) {
            assertThat(n.get(key).isNull()).as(key).isTrue();
        }
        assertThat(n.get("failureRate").asDouble()).isZero();
    }

    @Test
    void awkwardNodeNamesRoundTrip() throws Exception {
        List<String> names = List.of(
                "quote\"d", "back\\slash", "new\nline", "tab\tand\rcr", "\u0000nul\u001fctl\u007fdel",
                "naïve café", "日本語のノード", "emoji \uD83D\uDE80", "line\u2028sep\u2029", "lone \uD800 high",
                "lone \uDC00 low", "</script>", "{\"json\":1}");
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        for (String name : names) {
            collector.recordSuccess(name, 1.5);
        }

        JsonNode root = JSON.readTree(collector.toJSON());

        List<String> parsedNames = new ArrayList<>();
        root.fieldNames().forEachRemaining(parsedNames::add);
        assertThat(parsedNames).containsExactlyInAnyOrderElementsOf(names);
        for (String name : names) {
            assertThat(root.get(name).get("p50").asDouble()).as(name).isEqualTo(1.5);
        }
    }

    @Test
    void emptyCollectorIsAnEmptyObject() {
        assertThat(NodeMetricsCollector.create().toJSON()).isEqualTo("{}");
    }

    @Test
    void numbersAreWrittenAsJsonNumbers() throws Exception {
        NodeMetricsCollector collector = NodeMetricsCollector.create();
        collector.recordSuccess("n", 1.0e-7);
        collector.recordSuccess("n", 3.0e12);

        JsonNode n = JSON.readTree(collector.toJSON()).get("n");

        assertThat(n.get("p50").isNumber()).isTrue();
        assertThat(n.get("p50").asDouble()).isEqualTo(1.0e-7);
        assertThat(n.get("p99").asDouble()).isEqualTo(3.0e12);
    }
}
