package dev.runmetrics.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.Node;
import dev.runmetrics.core.node.NodeConfig;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.NodeMetricsHandle;
import dev.runmetrics.core.node.Nodes;
import dev.runmetrics.core.node.RetryPolicy;
import dev.runmetrics.core.node.WorkspaceNodeMetrics;
import dev.runmetrics.core.time.ManualClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class NodeMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final NodeMetricsCollector collector = NodeMetricsCollector.create();

    private Timer duration(String node, String outcome) {
        return registry.get(MeterNames.NODE_DURATION).tags(MeterNames.NODE, node, MeterNames.OUTCOME, outcome).timer();
    }

    private double executions(String node, String outcome, String category) {
        return registry.get(MeterNames.NODE_EXECUTIONS)
                .tags(MeterNames.NODE, node, MeterNames.OUTCOME, outcome, MeterNames.ERROR_CATEGORY, category)
                .counter().count();
    }

    private double calls(String node, String outcome, String attempts) {
        return registry.get(MeterNames.NODE_CALLS)
                .tags(MeterNames.NODE, node, MeterNames.OUTCOME, outcome, MeterNames.ATTEMPTS, attempts)
                .counter().count();
    }

    private double dropped(String kind) {
        return registry.get(MeterNames.DROPPED).tag(MeterNames.KIND, kind).counter().count();
    }

    @Test
    void eachWorkspacesNodesAreTaggedWithItsWorkspaceIncludingWorkspacesMadeLater() {
        SimpleMeterRegistry reg = new SimpleMeterRegistry();
        WorkspaceNodeMetrics nodes = WorkspaceNodeMetrics.of(NodeMetricsCollector.builder());
        nodes.collector("acme").recordSuccess("fetch", 5);
        MicrometerBridge.create(reg).bindTo(nodes);
        nodes.collector("acme").recordSuccess("fetch", 5);
        nodes.collector("globex").recordSuccess("fetch", 5); // made after the bridge was bound
        nodes.collector("globex").recordSuccess("fetch", 5);
        nodes.unscoped().recordSuccess("fetch", 5);
        assertThat(reg.get(MeterNames.NODE_DURATION).tags(MeterNames.WORKSPACE, "acme", MeterNames.NODE, "fetch")
                .timer().count()).isEqualTo(1);
        assertThat(reg.get(MeterNames.NODE_DURATION).tags(MeterNames.WORKSPACE, "globex", MeterNames.NODE, "fetch")
                .timer().count()).isEqualTo(2);
        assertThat(reg.find(MeterNames.NODE_DURATION).tags(MeterNames.NODE, "fetch").timers())
                .filteredOn(t -> t.getId().getTag(MeterNames.WORKSPACE) == null).singleElement()
                .satisfies(t -> assertThat(t.count()).isEqualTo(1));
    }

    @Test
    void successesAndFailuresBecomeDurationsAndExecutionsByOutcomeAndCategory() {
        MicrometerBridge.create(registry).bindTo(collector);

        collector.recordSuccess("fetch", 12.5);
        collector.recordSuccess("fetch", 7.5);
        collector.recordFailure("fetch", 30_000, ErrorCategory.TIMEOUT);
        collector.recordFailure("fetch", 4.0, new IOException("connection reset")); // classified NETWORK

        Timer success = duration("fetch", "success");
        assertThat(success.count()).isEqualTo(2);
        assertThat(success.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(20.0);
        assertThat(success.max(TimeUnit.MILLISECONDS)).isEqualTo(12.5);
        Timer failure = duration("fetch", "failure");
        assertThat(failure.count()).isEqualTo(2);
        assertThat(failure.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(30_004.0);
        assertThat(executions("fetch", "success", "none")).isEqualTo(2.0);
        assertThat(executions("fetch", "failure", "timeout")).isEqualTo(1.0);
        assertThat(executions("fetch", "failure", "network")).isEqualTo(1.0);
        assertThat(registry.find(MeterNames.NODE_EXECUTIONS).tag(MeterNames.ERROR_CATEGORY, "validation").counter())
                .isNull();
    }

    @Test
    void retriesAreCountedPerNode() {
        MicrometerBridge.create(registry).bindTo(collector);

        collector.recordRetry("fetch", 2);
        collector.recordRetry("fetch", 3);

        assertThat(registry.get(MeterNames.NODE_RETRIES).tag(MeterNames.NODE, "fetch").counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void aNodeThatNeverFailedHasNoFailureSeries() {
        MicrometerBridge.create(registry).bindTo(collector);

        collector.recordSuccess("steady", 1.0);

        assertThat(registry.find(MeterNames.NODE_DURATION).tag(MeterNames.OUTCOME, "failure").meters()).isEmpty();
        assertThat(registry.find(MeterNames.NODE_EXECUTIONS).tag(MeterNames.OUTCOME, "failure").meters()).isEmpty();
        assertThat(registry.find(MeterNames.NODE_RETRIES).meters()).isEmpty();
    }

    @Test
    void nodeWorkspaceTagsEveryNodeMeter() {
        MicrometerBridge.builder(registry).nodeWorkspace("ws-1").build().bindTo(collector);

        collector.recordSuccess("fetch", 1.0);
        collector.recordFailure("fetch", 1.0, ErrorCategory.OTHER);
        collector.recordRetry("fetch", 2);

        assertThat(registry.find(MeterNames.NODE_DURATION).meters()).hasSize(2);
        assertThat(registry.getMeters()).filteredOn(m -> m.getId().getName().startsWith("runmetrics.node.")
                        && !m.getId().getName().equals(MeterNames.NODE_OBSERVER_FAILURES))
                .hasSize(7) // two durations, two execution counters, retries, calls of each outcome
                .allSatisfy(m -> assertThat(m.getId().getTag(MeterNames.WORKSPACE)).isEqualTo("ws-1"));
    }

    @Test
    void withoutANodeWorkspaceNodeMetersHaveNoWorkspaceTag() {
        MicrometerBridge.create(registry).bindTo(collector);

        collector.recordSuccess("fetch", 1.0);

        assertThat(duration("fetch", "success").getId().getTag(MeterNames.WORKSPACE)).isNull();
    }

    @Test
    void bindingLaterPublishesNodesAndHandlesThatExistedBefore() {
        NodeMetricsHandle fetch = collector.node("fetch");
        fetch.recordSuccess(100.0); // before the bridge: not published (Micrometer counts from binding on)

        MicrometerBridge.create(registry).bindTo(collector);
        fetch.recordSuccess(2.0);

        assertThat(duration("fetch", "success").count()).isEqualTo(1);
        assertThat(collector.getNodeMetrics("fetch").successCount()).isEqualTo(2);
    }

    @Test
    void bindingTheSameCollectorTwiceCountsEachRecordOnce() {
        MicrometerBridge bridge = MicrometerBridge.create(registry);
        bridge.bindTo(collector).bindTo(collector);

        collector.recordSuccess("fetch", 1.0);

        assertThat(duration("fetch", "success").count()).isEqualTo(1);
    }

    @Test
    void twoCollectorsBoundToOneBridgeShareANodesMeters() {
        NodeMetricsCollector second = NodeMetricsCollector.create();
        MicrometerBridge.create(registry).bindTo(collector).bindTo(second);

        collector.recordSuccess("fetch", 1.0);
        second.recordSuccess("fetch", 2.0);

        assertThat(duration("fetch", "success").count()).isEqualTo(2);
    }

    @Test
    void nodesOverTheCapGetNoMetersAndTheirRecordsAreCountedAsDropped() {
        MicrometerBridge.builder(registry).maxNodes(2).build().bindTo(collector);

        collector.recordSuccess("a", 1.0);
        collector.recordSuccess("b", 1.0);
        collector.recordSuccess("c", 1.0);
        collector.recordFailure("c", 1.0, ErrorCategory.OTHER);
        collector.recordRetry("c", 2);
        collector.recordSuccess("a", 1.0);

        assertThat(registry.find(MeterNames.NODE_DURATION).meters())
                .extracting(m -> m.getId().getTag(MeterNames.NODE)).containsExactlyInAnyOrder("a", "b");
        assertThat(dropped("node")).isEqualTo(3.0);
        assertThat(duration("a", "success").count()).isEqualTo(2);
        assertThat(collector.getNodeMetrics("c").totalExecutions()).isEqualTo(2); // the collector keeps them all
    }

    @Test
    void createdNodesPublishEveryAttemptAndRetry() throws Exception {
        ManualClock clock = new ManualClock();
        NodeMetricsCollector timed = NodeMetricsCollector.builder().clock(clock).build();
        MicrometerBridge.create(registry).bindTo(timed);
        AtomicInteger calls = new AtomicInteger();
        Node<String, String> flaky = Nodes.createNode(
                NodeConfig.builder("flaky").metricsCollector(timed)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(3).jitter(0).build())
                        .sleeper(d -> { })
                        .build(),
                input -> {
                    clock.advance(Duration.ofMillis(40));
                    if (calls.incrementAndGet() < 3) {
                        throw new IOException("transient");
                    }
                    return "ok";
                });

        assertThat(flaky.apply("x")).isEqualTo("ok");

        assertThat(executions("flaky", "failure", "network")).isEqualTo(2.0);
        assertThat(executions("flaky", "success", "none")).isEqualTo(1.0);
        assertThat(duration("flaky", "failure").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(80.0);
        assertThat(duration("flaky", "success").totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40.0);
        assertThat(registry.get(MeterNames.NODE_RETRIES).counter().count()).isEqualTo(2.0);
        assertThat(calls("flaky", "success", "3")).isEqualTo(1.0); // one call, though two attempts failed
        assertThat(registry.find(MeterNames.NODE_CALLS).tag(MeterNames.OUTCOME, "failure").meters()).isEmpty();
    }

    @Test
    void callsAreCountedByOutcomeAndAttemptsLongOnesTogether() throws Exception {
        MicrometerBridge.create(registry).bindTo(collector);
        Node<String, String> down = Nodes.createNode(
                NodeConfig.builder("down").metricsCollector(collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ZERO).build())
                        .sleeper(d -> { })
                        .build(),
                input -> {
                    throw new IOException("down");
                });

        assertThatThrownBy(() -> down.apply("x")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> down.apply("y")).isInstanceOf(IOException.class);
        collector.recordCall("down", 11, false);
        collector.recordCall("down", 25, false);

        assertThat(calls("down", "failure", "2")).isEqualTo(2.0);
        assertThat(calls("down", "failure", "more")).isEqualTo(2.0);
        assertThat(calls("down", "failure", "2") + calls("down", "failure", "more"))
                .isEqualTo(collector.getNodeMetrics("down").failedCallCount());
    }

    @Test
    void executionsOfANodeThatRecordsNoCallsAreCallsOfOneAttempt() {
        MicrometerBridge.create(registry).bindTo(collector);

        collector.recordSuccess("fetch", 1.0);
        collector.recordSuccess("fetch", 1.0);
        collector.recordFailure("fetch", 1.0, ErrorCategory.TIMEOUT);

        assertThat(calls("fetch", "success", "1")).isEqualTo(2.0);
        assertThat(calls("fetch", "failure", "1")).isEqualTo(1.0);
        assertThat(collector.getNodeMetrics("fetch").callCount()).isEqualTo(3);
    }

    @Test
    void aRegistryThatThrowsNeverBreaksRecordingAndIsCounted() {
        SimpleMeterRegistry broken = new SimpleMeterRegistry() {
            @Override
            protected Counter newCounter(Meter.Id id) {
                Counter real = super.newCounter(id);
                if (!id.getName().equals(MeterNames.NODE_EXECUTIONS)) {
                    return real;
                }
                return new Counter() {
                    @Override
                    public void increment(double amount) {
                        throw new IllegalStateException("backend gone");
                    }

                    @Override
                    public double count() {
                        return real.count();
                    }

                    @Override
                    public Meter.Id getId() {
                        return real.getId();
                    }
                };
            }
        };
        MicrometerBridge.create(broken).bindTo(collector);

        collector.recordSuccess("fetch", 1.0);
        collector.recordSuccess("fetch", 2.0);
        collector.recordFailure("fetch", 3.0, ErrorCategory.OTHER);

        assertThat(collector.getNodeMetrics("fetch").totalExecutions()).isEqualTo(3);
        assertThat(collector.observerFailures()).isEqualTo(3);
        assertThat(broken.get(MeterNames.NODE_OBSERVER_FAILURES).functionCounter().count()).isEqualTo(3.0);
        assertThat(broken.get(MeterNames.NODE_DURATION).tag(MeterNames.OUTCOME, "success").timer().count())
                .isEqualTo(2); // what ran before the throw was published
    }

    @Test
    void tagsCarryOnlyTheBridgesOwnKeys() {
        MicrometerBridge.builder(registry).nodeWorkspace("ws-1").build().bindTo(collector);

        collector.recordSuccess("fetch", 1.0);
        collector.recordFailure("fetch", 1.0, ErrorCategory.VALIDATION);
        collector.recordRetry("fetch", 2);

        assertThat(registry.getMeters()).flatExtracting(m -> m.getId().getTags())
                .extracting(tag -> tag.getKey())
                .containsOnly(MeterNames.WORKSPACE, MeterNames.NODE, MeterNames.OUTCOME, MeterNames.ERROR_CATEGORY,
                        MeterNames.KIND, MeterNames.ATTEMPTS);
    }

    @Test
    void badSettingsAreRejectedAtOnce() {
        assertThatThrownBy(() -> MicrometerBridge.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("registry");
        assertThatThrownBy(() -> MicrometerBridge.builder(registry).maxNodes(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxNodes");
        assertThatThrownBy(() -> MicrometerBridge.builder(registry).maxWorkflows(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWorkflows");
        assertThatThrownBy(() -> MicrometerBridge.builder(registry).maxSteps(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSteps");
        assertThatThrownBy(() -> MicrometerBridge.builder(registry).nodeWorkspace(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workspaceId");
        assertThatThrownBy(() -> MicrometerBridge.create(registry).bindTo((NodeMetricsCollector) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("collector");
        assertThatThrownBy(() -> MicrometerBridge.create(registry).bindTo((WorkspaceNodeMetrics) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("nodes");
    }
}
