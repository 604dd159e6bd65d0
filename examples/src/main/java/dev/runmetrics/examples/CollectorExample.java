package dev.runmetrics.examples;

import dev.runmetrics.core.node.ErrorCategory;
import dev.runmetrics.core.node.Node;
import dev.runmetrics.core.node.NodeConfig;
import dev.runmetrics.core.node.NodeMetricsCollector;
import dev.runmetrics.core.node.Nodes;
import dev.runmetrics.core.node.RetryPolicy;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The collector alone: a created node with retries and a timeout, called a few hundred times with
 * realistic latencies and some failures, then the JSON snapshot.
 *
 * <p>Run it with {@code java -jar examples/target/runmetrics-examples.jar collector}.
 */
public final class CollectorExample {
    private CollectorExample() {
    }

    /**
     * Runs the example and prints the collector's JSON snapshot.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while the nodes run
     */
    public static void main(String[] args) throws InterruptedException {
        NodeMetricsCollector collector = NodeMetricsCollector.builder()
                .windowSize(100)
                .failureRateThreshold(0.2, (node, rate) ->
                        System.out.printf("ALERT %s failure rate %.0f%%%n", node, rate * 100))
                .latencyThreshold(40.0, (node, p99) ->
                        System.out.printf("ALERT %s p99 %.1f ms%n", node, p99))
                .build();

        Node<Integer, String> fetch = Nodes.createNode(
                NodeConfig.builder("fetch-user")
                        .metricsCollector(collector)
                        .retryPolicy(RetryPolicy.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(2)).build())
                        .timeout(Duration.ofMillis(200))
                        .build(),
                CollectorExample::fetchUser);
        Node<String, Integer> validate = Nodes.createNode(
                NodeConfig.builder("validate").metricsCollector(collector).build(),
                CollectorExample::validate);

        int ok = 0;
        for (int i = 0; i < 300; i++) {
            try {
                validate.apply(fetch.apply(i));
                ok++;
            } catch (Exception e) {
                // The collector has counted it; the example goes on like a workflow would.
            }
        }
        collector.recordFailure("manual", 12.0, ErrorCategory.NETWORK);

        System.out.println(ok + " of 300 calls succeeded");
        System.out.println(collector.toJSON());
    }

    private static String fetchUser(int id) throws IOException, InterruptedException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Thread.sleep(random.nextInt(1, 8));
        if (random.nextDouble() < 0.1) {
            throw new IOException("connection reset fetching user " + id);
        }
        return "user-" + id;
    }

    private static int validate(String user) {
        if (user.endsWith("13")) {
            throw new IllegalArgumentException("unlucky user " + user);
        }
        return user.length();
    }
}
