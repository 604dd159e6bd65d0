package dev.runmetrics.examples;

import dev.runmetrics.core.model.StepSpec;
import dev.runmetrics.core.record.RunRecorder;
import dev.runmetrics.core.store.memory.InMemoryRunStore;
import dev.runmetrics.core.views.RunViews;
import dev.runmetrics.core.views.overview.LiveOverview;
import dev.runmetrics.core.views.overview.Timeframe;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * An existing orchestrator (here: a loop that ships orders in three steps) recording its own runs
 * through {@link RunRecorder} into an {@link InMemoryRunStore}, then printing its
 * execution-time statistics, its workflow summary and parts of its live overview.
 *
 * <p>Run it with {@code java -jar examples/target/runmetrics-examples.jar recorder}.
 */
public final class RecorderExample {
    private RecorderExample() {
    }

    private static final String WS = "ws-1";
    private static final String WORKFLOW = "ship_order";
    private static final List<StepSpec> STEPS = List.of(new StepSpec("reserve", "Reserve stock", 1, "reserve"),
            new StepSpec("charge", "Charge card", 2, "charge"), new StepSpec("ship", "Ship", 3, "ship"));

    /**
     * Runs 40 orders and prints the views.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while the "work" sleeps
     */
    public static void main(String[] args) throws InterruptedException {
        InMemoryRunStore store = new InMemoryRunStore();
        RunRecorder recorder = RunRecorder.builder(store).build();       // never throws into the orchestrator
        ThreadLocalRandom random = ThreadLocalRandom.current();

        for (int order = 1; order <= 40; order++) {
            String run = recorder.runQueued(WS, WORKFLOW, "Ship order", Map.of("order_id", order));
            recorder.runStarted(WS, run);
            String failure = null;
            for (StepSpec step : STEPS) {
                recorder.stepStarted(WS, run, step, Map.of("order_id", order));
                Thread.sleep(random.nextInt(2, 15));                      // the orchestrator's real work
                if (step.stepId().equals("charge") && random.nextDouble() < 0.15) {
                    recorder.stepRetried(WS, run, "charge", "card gateway timeout", "TIMEOUT");
                    recorder.stepStarted(WS, run, step, Map.of("order_id", order));
                    Thread.sleep(random.nextInt(2, 15));
                }
                if (step.stepId().equals("ship") && random.nextDouble() < 0.1) {
                    failure = "no courier available";
                    recorder.stepFailed(WS, run, "ship", failure, "OTHER");
                    break;
                }
                recorder.stepCompleted(WS, run, step.stepId(), Map.of("ok", true));
            }
            if (failure == null) {
                recorder.runCompleted(WS, run, Map.of("shipped", true));
            } else {
                recorder.runFailed(WS, run, failure);
            }
        }

        RunViews views = RunViews.builder(store).workerCapacity(1).build();
        Instant now = Instant.now();
        System.out.println("execution times of " + WORKFLOW + " (ms): "
                + views.statistics().executionTimes(WS, Optional.of(WORKFLOW), now.minus(Duration.ofHours(1)),
                        now));
        System.out.println("workflow summary: " + views.statistics().workflowSummary(WS, WORKFLOW));
        LiveOverview m = views.overview().of(WS, Timeframe.LAST_HOUR);
        System.out.printf("live overview, throughput: %d runs in the last complete minute, %.1f runs/min on average"
                + " over the last hour, success rate %.1f%%%n", m.throughput().executionsLastMinute(),
                m.throughput().executionsPerMinute(), m.performance().successRate());
        System.out.println("live overview, execution latency (s): " + m.latency().executionLatency());
        m.performance().byAgent().forEach(node -> System.out.println("live overview, by node: " + node));
    }
}
