package dev.runmetrics.examples;

import java.util.Arrays;

/**
 * The entry point of the examples jar: {@code java -jar examples/target/runmetrics-examples.jar
 * [example] [args...]}.
 */
public final class Main {
    private Main() {
    }

    /**
     * Runs the named example ({@code collector} by default).
     *
     * @param args the example's name, then its arguments
     * @throws Exception whatever the example throws
     */
    public static void main(String[] args) throws Exception {
        String example = args.length == 0 ? "collector" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (example) {
            case "collector" -> CollectorExample.main(rest);
            case "--help", "-h", "help" -> printHelp();
            default -> {
                System.err.println("unknown example: " + example);
                printHelp();
                System.exit(2);
            }
        }
    }

    private static void printHelp() {
        System.out.println("""
                usage: java -jar examples/target/runmetrics-examples.jar [example]

                examples:
                  collector   a created node with retries and a timeout, then the collector's JSON (default)
                """);
    }
}
