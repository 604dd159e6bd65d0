package dev.runmetrics.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runmetrics.core.control.ResumeResult;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The served OpenAPI document (every route configured) passes Redocly's linter with its strict
 * recommended rules (every warning an error, as {@code metrics-http/redocly.yaml} says, with the
 * findings accepted for a reason in {@code .redocly.lint-ignore.yaml}): {@code npx
 * @redocly/cli@VERSION lint}, the version pinned in the parent pom. Needs Node.js with npm (npx);
 * without it this test fails and says what to install, it does not skip. The first run downloads
 * the linter from the npm registry into npm's cache.
 */
class OpenApiLintTest {

    static final String VERSION = System.getProperty("runmetrics.redocly.version", "1.34.20");

    @Test
    void theDocumentLintsCleanWithRedoclysStrictRules() throws Exception {
        Path file;
        World.RunActionLog actions = new World.RunActionLog();
        try (World world = World.withResume((ws, actor, run, step, o) -> new ResumeResult.Accepted(run, step, 2),
                actions)) {
            String document = world.api.get("/openapi.json", null).body();
            file = Path.of("target/openapi/openapi.json");
            Files.createDirectories(file.getParent());
            Files.writeString(file, document, StandardCharsets.UTF_8);
        }
        String npx = onPath("npx");
        assertThat(npx).as("npx (Node.js with npm) is needed to lint the OpenAPI document; install it, e.g. "
                + "apt-get install nodejs npm").isNotNull();

        // Run from the module's folder: redocly.yaml and .redocly.lint-ignore.yaml there name the file by this path.
        List<String> command = List.of(npx, "--yes", "@redocly/cli@" + VERSION, "lint", "--config=redocly.yaml",
                "--format=stylish", "target/openapi/openapi.json");
        Path log = file.resolveSibling("lint.txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // No update notices, no telemetry: the output is only the linter's findings.
        pb.environment().put("NO_UPDATE_NOTIFIER", "1");
        pb.environment().put("NPM_CONFIG_UPDATE_NOTIFIER", "false");
        pb.environment().put("REDOCLY_TELEMETRY", "off");
        pb.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
        Process p = pb.start();
        boolean done = p.waitFor(8, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(done).as("the linter did not finish in 8 minutes: " + output).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + " says:\n" + output).isZero();
        assertThat(output).as(output).doesNotContainIgnoringCase("warning");
    }

    private static String onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            File f = new File(dir, program);
            if (f.isFile() && f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        return null;
    }
}
