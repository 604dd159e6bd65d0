package dev.runmetrics.examples;

import java.util.Arrays;

/**
 * The entry point of the examples jar: {@code java -jar examples/target/runmetrics-examples.jar
 * [example] [args...]}; without an example name (or with only flags) it runs the demo.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs the named example ({@code demo} by default).
     *
     * @param args the example's name, then its arguments
     * @throws Exception whatever the example throws
     */
    public static void main(String[] args) throws Exception {
        boolean named = args.length > 0 && !args[0].startsWith("-");
        String example = named ? args[0] : "demo";
        String[] rest = named ? Arrays.copyOfRange(args, 1, args.length) : args;
        switch (example) {
            case "demo" -> DemoServer.main(rest);
            case "seed" -> SeedCommand.main(rest);
            case "collector" -> CollectorExample.main(rest);
            case "recorder" -> RecorderExample.main(rest);
            case "jdbc" -> JdbcExample.main(rest);
            case "http" -> HttpExample.main(rest);
            case "langgraph4j" -> LangGraphExample.main(rest);
            case "spring-batch" -> SpringBatchExample.main(rest);
            case "help" -> printHelp();
            default -> {
                System.err.println("unknown example: " + example);
                printHelp();
                System.exit(2);
            }
        }
    }

    private static void printHelp() {
        System.out.println("""
                usage: java -jar examples/target/runmetrics-examples.jar [example] [args]

                examples:
                  demo        the demo server: PostgreSQL, load, API and dashboard (default; demo --help for flags)
                  seed        example runs of the four workflows (examples/workflows/*.json) in a workspace of the demo's
                              store: seed --workspace-id W [--project-id P] [--runs N] [--skip-existing] (seed --help)
                  collector   a created node with retries and a timeout, then the collector's JSON
                  recorder    an existing orchestrator recording its runs through RunRecorder, then its statistics and live overview
                  jdbc        the JDBC store on a DataSource ([jdbc-url [user [password]]]; default: embedded PostgreSQL)
                  http        the HTTP handlers mounted in the host's own Jetty server ([port])
                  langgraph4j a LangGraph4j graph recorded as runs, paused, failed and resumed from a step
                  spring-batch  a Spring Batch job recorded, failed, resumed from its failed step ([--serve])
                """);
    }
}
