package dev.runmetrics.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runmetrics.core.store.memory.InMemoryRunStore;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The builder checks each setting at once and never keeps a token's text. */
class BuilderTest {

    private static MetricsHttpServer.Builder builder() {
        return MetricsHttpServer.builder(new InMemoryRunStore());
    }

    @Test
    void badSettingsAreRejectedWhenSet() {
        assertThatThrownBy(() -> builder().port(70_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> builder().bindAddress(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().rateLimit(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("burst");
        assertThatThrownBy(() -> builder().rateLimit(1, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().maxBodyBytes(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().webSocketQueue(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().executionUpdateInterval(Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().views(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> MetricsHttpServer.builder(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void slowClientLimitsAreCheckedWhenSetAndShown() {
        assertThatThrownBy(() -> builder().requestHeaderTimeout(Duration.ofMillis(5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestHeaderTimeout");
        assertThatThrownBy(() -> builder().requestBodyTimeout(Duration.ofHours(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestBodyTimeout");
        assertThatThrownBy(() -> builder().requestBodyTimeout(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> builder().maxConnectionsPerClient(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConnectionsPerClient");
        assertThat(builder().toString()).contains("requestHeaderTimeout=PT5S", "requestBodyTimeout=PT10S",
                "maxConnectionsPerClient=64");
        assertThat(builder().requestHeaderTimeout(Duration.ofSeconds(2)).requestBodyTimeout(Duration.ofSeconds(3))
                .maxConnectionsPerClient(8).toString())
                .contains("requestHeaderTimeout=PT2S", "requestBodyTimeout=PT3S", "maxConnectionsPerClient=8");
    }

    @Test
    void tokensMustBeLongEnoughUniqueAndHaveAWorkspace() {
        assertThatThrownBy(() -> builder().token("short", "s", Role.VIEWER, "ws"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16");
        assertThatThrownBy(() -> builder().token("a-long-enough-token", "s", Role.VIEWER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("workspace");
        assertThatThrownBy(() -> builder().token("a-long-enough-token", "s", Role.VIEWER, "ws")
                .token("a-long-enough-token", "t", Role.OPERATOR, "ws2"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> builder().tokenSha256("abc", "s", Role.VIEWER, "ws"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder().workspaceSlug("acme", "ws").workspaceSlug("ACME", "ws2"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutATokenNothingIsBuilt() {
        assertThatThrownBy(() -> builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("token");
    }

    @Test
    void aTokenGivenByItsDigestAuthenticatesTheSecret() throws Exception {
        String secret = "digest-only-secret-0001";
        String digest = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        MetricsHttpServer server = builder().port(0).tokenSha256(digest, "ci", Role.VIEWER, "ws").build();
        server.start();
        try {
            Api api = new Api(server.port());
            assertThat(api.get("/metrics", secret).statusCode()).isEqualTo(200);
            assertThat(api.get("/metrics", digest).statusCode()).isEqualTo(401);
        } finally {
            server.stop();
        }
    }

    @Test
    void toStringShowsTheConfigurationButNoSecret() {
        MetricsHttpServer.Builder b = builder().token("a-very-secret-token", "s", Role.VIEWER, "ws").rateLimit(5, 2);
        assertThat(b.toString()).contains("tokens=1").contains("5 burst").doesNotContain("a-very-secret-token");
        MetricsHttpServer server = b.port(0).build();
        assertThat(server.toString()).doesNotContain("a-very-secret-token");
        assertThat(server.port()).isEqualTo(-1);
    }
}
