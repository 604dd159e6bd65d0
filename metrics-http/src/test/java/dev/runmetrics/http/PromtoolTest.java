package dev.runmetrics.http;

import static dev.runmetrics.http.Api.VIEWER_A;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real scrape of {@code /metrics} passes the Prometheus project's own checker,
 * {@code promtool check metrics}, with no complaint at all (naming, units, counters, histograms).
 * It needs promtool, from Debian's {@code prometheus} package; without it the test fails and says so.
 */
class PromtoolTest {

    static final Path PROMTOOL = Path.of(System.getProperty("runmetrics.promtool", "/usr/bin/promtool"));

    static World world;

    @BeforeAll
    static void start() {
        world = new World();
    }

    @AfterAll
    static void stop() {
        world.close();
    }

    static String promtool(String exposition) throws IOException, InterruptedException {
        assertThat(Files.isExecutable(PROMTOOL))
                .as("promtool is needed at " + PROMTOOL + ": install Debian's prometheus package "
                        + "(apt-get install --no-install-recommends prometheus), or set -Drunmetrics.promtool")
                .isTrue();
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        String text = out.toString(StandardCharsets.UTF_8);
        return p.exitValue() == 0 ? text : "exit " + p.exitValue() + ": " + text;
    }

    @Test
    void aScrapePassesPromtoolWithoutComplaint() throws Exception {
        HttpResponse<String> r = world.api.get("/metrics", VIEWER_A);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("runmetrics_node_").contains("runmetrics_runs_");
        assertThat(promtool(r.body())).as("promtool check metrics on\n" + r.body()).isEmpty();
    }

    @Test
    void promtoolComplainsAboutAScrapeThatBreaksItsRules() throws Exception {
        // The checker is really run and really read: a counter without _total and a unit that is
        // not a base unit must be reported.
        String bad = "# HELP x_duration_milliseconds d\n# TYPE x_duration_milliseconds counter\n"
                + "x_duration_milliseconds 1\n";
        assertThat(promtool(bad)).isNotEmpty();
    }
}
