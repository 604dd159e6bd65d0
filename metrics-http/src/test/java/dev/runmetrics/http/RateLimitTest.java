package dev.runmetrics.http;

import static dev.runmetrics.http.Api.MULTI;
import static dev.runmetrics.http.Api.VIEWER_A;
import static dev.runmetrics.http.Api.WS_A;
import static dev.runmetrics.http.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Token buckets per token on the metrics endpoints, moved by a manual clock. */
class RateLimitTest {

    static World world;
    static Api api;

    @BeforeAll
    static void start() {
        // 3 at once, then one every 2 seconds
        world = new World(b -> b.rateLimit(3, 0.5), false);
        api = world.api;
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    @Test
    void aTokenOverItsBurstGets429WithRetryAfterUntilTheBucketRefills() {
        for (int i = 0; i < 3; i++) {
            assertThat(api.get("/api/workflows/w/metrics", VIEWER_A, WS_A).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> limited = api.get("/api/v1/node-metrics", VIEWER_A);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(json(limited).get("error").get("code").asText()).isEqualTo("rate_limited");
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("2");

        // another token has its own bucket; unlimited endpoints stay open
        assertThat(api.get("/metrics", MULTI).statusCode()).isEqualTo(200);
        assertThat(api.get("/api/workflows/w/executions", VIEWER_A, WS_A).statusCode()).isEqualTo(200);

        world.clock.advance(Duration.ofMillis(1500));
        HttpResponse<String> stillLimited = api.get("/metrics", VIEWER_A);
        assertThat(stillLimited.statusCode()).isEqualTo(429);
        assertThat(stillLimited.headers().firstValue("Retry-After")).hasValue("1");

        world.clock.advance(Duration.ofMillis(500));
        assertThat(api.get("/metrics", VIEWER_A).statusCode()).isEqualTo(200);
        assertThat(api.get("/metrics", VIEWER_A).statusCode()).isEqualTo(429);
    }
}
