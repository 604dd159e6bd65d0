package dev.runmetrics.examples;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo's command-line options. {@link #parse} turns flags into options or throws
 * {@link UsageException} with a message for people (the demo then exits with code 2).
 *
 * @param port HTTP port (0: a free one)
 * @param bind HTTP bind address
 * @param rate runs submitted per second (0: no load, just serve the history)
 * @param duration how long to run, or null for until Ctrl-C
 * @param dataDir the folder of the embedded PostgreSQL's data and the remembered port
 * @param jdbcUrl an existing PostgreSQL instead of the embedded one, or null
 * @param jdbcUser the owner role for {@code jdbcUrl} (migrates), or null (the URL's)
 * @param jdbcPassword its password, or null
 * @param appUser the role the store connects as on {@code jdbcUrl}, or null (the owner)
 * @param appPassword its password, or null
 * @param latencyScale multiplies the simulated step latencies (tests run fast with 0.02)
 * @param workers worker threads of the WorkflowRunner
 * @param statusInterval how often the live status line is printed (zero: never)
 * @param micrometerPort the port that serves the Micrometer bridge's Prometheus registry (0: a free
 *     one), or null for no bridge
 * @param otel whether runs are also traced with OpenTelemetry, spans to the log ({@code --otel})
 * @param langgraph whether a LangGraph4j graph runs on the schedule too ({@code --langgraph})
 * @param springBatch whether a Spring Batch job runs on the schedule too ({@code --spring-batch})
 * @param burstEvery how often the load adds a burst of runs within a few seconds (zero: no bursts)
 * @param burstSize how many runs a burst submits, or null for {@value #BURST_WORKER_MULTIPLE} times
 *     {@code workers} (see {@link #burstRuns()})
 */
public record DemoOptions(int port, String bind, double rate, Duration duration, Path dataDir, String jdbcUrl,
        String jdbcUser, String jdbcPassword, String appUser, String appPassword, double latencyScale, int workers,
        Duration statusInterval, Integer micrometerPort, boolean otel, boolean langgraph, boolean springBatch,
        Duration burstEvery, Integer burstSize) {

    /** A burst's default size, in workers: far above what the workers take at once, so runs queue. */
    public static final int BURST_WORKER_MULTIPLE = 4;

    /** The default of {@code --burst-every}. */
    public static final Duration DEFAULT_BURST_EVERY = Duration.ofMinutes(10);

    /** Thrown for a bad command line; its message says what is wrong. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** The options of a plain {@code demo}. */
    public static DemoOptions defaults() {
        return new DemoOptions(8080, "127.0.0.1", 2.0, null, Path.of(".runmetrics-demo"), null, null, null, null, null,
                1.0, 32, Duration.ofSeconds(5), null, false, false, false, DEFAULT_BURST_EVERY, null);
    }

    /** Returns how many runs a burst submits: {@code burstSize}, or {@value #BURST_WORKER_MULTIPLE} × {@code workers}. */
    public int burstRuns() {
        return burstSize != null ? burstSize : BURST_WORKER_MULTIPLE * workers;
    }

    public static final String HELP = """
            usage: java -jar examples/target/runmetrics-examples.jar [demo] [flags]

            Starts PostgreSQL (embedded, data kept in --data-dir), the four example workflows under a steady
            load with bursts above capacity (--burst-every, --burst-size) and run priorities 0, 5 and 10, in
            the workspaces acme and globex, and the HTTP API and dashboard; prints demo tokens.
            Ctrl-C stops it cleanly (the writer drains first); start it again to continue the history.

            flags:
              --port N             HTTP port (default 8080; 0 picks a free one)
              --bind ADDR          HTTP bind address (default 127.0.0.1; 0.0.0.0 for every interface)
              --rate R             runs submitted per second, across workspaces (default 2; 0 = no load,
                                   no bursts either)
              --burst-every D      add a burst of runs every D, submitted within 3s (or D/2), the first
                                   after min(D, 30s) (default 10m; 0 = no bursts)
              --burst-size N       runs in a burst (default 4 x --workers: they queue for the workers)
              --duration D         stop after D, e.g. 30s, 10m, 2h (default: run until Ctrl-C)
              --data-dir DIR       embedded PostgreSQL data and port (default ./.runmetrics-demo)
              --jdbc-url URL       use this PostgreSQL instead of the embedded one
              --jdbc-user U        owner role on --jdbc-url: migrates the schema (default: the URL's user)
              --jdbc-password P    its password
              --app-user U         role the store connects as on --jdbc-url (granted by the demo;
                                   default: --jdbc-user, with a warning if it bypasses row-level security)
              --app-password P     its password
              --latency-scale F    multiply the simulated step latencies by F (default 1; 0.1 = 10x faster)
              --workers N          worker threads of the workflow runner (default 32)
              --status-every D     print the live status line every D (default 5s; 0 = never)
              --micrometer PORT    also publish through the Micrometer bridge into a Prometheus registry,
                                   served at http://BIND:PORT/metrics (0 picks a free port; default: off)
              --otel               also trace every run with OpenTelemetry: spans to the log (a line each)
              --langgraph          also run a LangGraph4j graph, support_ticket, in workspace acme, as often as
                                   each example workflow (checkpoints in memory); ~10% fail at 'refund' (an
                                   amount above 500): resume from refund with {"amount": 90}
              --spring-batch       also run a Spring Batch job, ledger_export, in workspace acme, as often as
                                   each example workflow (one at a time; its job repository in the same
                                   PostgreSQL, schema spring_batch); ~10% fail at 'transform' or 'load':
                                   restart from that step with {"fail_step": null}
              --help               this text

            example runs into a workspace of this store: seed --workspace-id W (seed --help)
            other examples: collector, recorder, jdbc, http (java -jar examples/target/runmetrics-examples.jar help)
            """;

    /**
     * Parses {@code --flag value} and {@code --flag=value} arguments.
     *
     * @return the options, or null when {@code --help} was asked for
     * @throws UsageException on an unknown flag, a missing or bad value
     */
    public static DemoOptions parse(String... args) throws UsageException {
        DemoOptions d = defaults();
        int port = d.port;
        String bind = d.bind;
        double rate = d.rate;
        Duration duration = d.duration;
        Path dataDir = d.dataDir;
        String jdbcUrl = null;
        String jdbcUser = null;
        String jdbcPassword = null;
        String appUser = null;
        String appPassword = null;
        double latencyScale = d.latencyScale;
        int workers = d.workers;
        Duration statusInterval = d.statusInterval;
        Integer micrometerPort = null;
        boolean otel = d.otel;
        boolean langgraph = d.langgraph;
        boolean springBatch = d.springBatch;
        Duration burstEvery = d.burstEvery;
        Integer burstSize = d.burstSize;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                return null;
            }
            if (arg.equals("--otel")) {
                otel = true; // a switch: takes no value
                continue;
            }
            if (arg.equals("--langgraph")) {
                langgraph = true;
                continue;
            }
            if (arg.equals("--spring-batch")) {
                springBatch = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "' (flags start with --)");
            }
            String name = arg;
            String value;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                value = null;
            }
            if (!FLAGS.matcher(name).matches()) {
                throw new UsageException("unknown flag " + name);
            }
            if (value == null) {
                throw new UsageException(name + " needs a value");
            }
            switch (name) {
                case "--port" -> port = intValue(name, value, 0, 65535);
                case "--bind" -> bind = nonBlank(name, value);
                case "--rate" -> rate = doubleValue(name, value, 0, 1000);
                case "--duration" -> duration = duration(name, value, false);
                case "--data-dir" -> dataDir = Path.of(nonBlank(name, value));
                case "--jdbc-url" -> jdbcUrl = jdbcUrl(value);
                case "--jdbc-user" -> jdbcUser = nonBlank(name, value);
                case "--jdbc-password" -> jdbcPassword = value;
                case "--app-user" -> appUser = role(name, value);
                case "--app-password" -> appPassword = value;
                case "--latency-scale" -> latencyScale = doubleValue(name, value, 0, 100);
                case "--workers" -> workers = intValue(name, value, 1, 1024);
                case "--status-every" -> statusInterval = duration(name, value, true);
                case "--micrometer" -> micrometerPort = intValue(name, value, 0, 65535);
                case "--burst-every" -> burstEvery = duration(name, value, true);
                case "--burst-size" -> burstSize = intValue(name, value, 1, 100_000);
                default -> throw new UsageException("unknown flag " + name);
            }
        }
        if (jdbcUrl == null && (jdbcUser != null || jdbcPassword != null || appUser != null || appPassword != null)) {
            throw new UsageException("--jdbc-user, --jdbc-password, --app-user and --app-password need --jdbc-url");
        }
        return new DemoOptions(port, bind, rate, duration, dataDir, jdbcUrl, jdbcUser, jdbcPassword, appUser,
                appPassword, latencyScale, workers, statusInterval, micrometerPort, otel, langgraph, springBatch,
                burstEvery, burstSize);
    }

    /** Returns a copy with another port. */
    public DemoOptions withPort(int p) {
        return new DemoOptions(p, bind, rate, duration, dataDir, jdbcUrl, jdbcUser, jdbcPassword, appUser, appPassword,
                latencyScale, workers, statusInterval, micrometerPort, otel, langgraph, springBatch, burstEvery,
                burstSize);
    }

    private static final Pattern FLAGS = Pattern.compile("--(port|bind|rate|duration|data-dir|jdbc-url|jdbc-user"
            + "|jdbc-password|app-user|app-password|latency-scale|workers|status-every|micrometer|burst-every|burst-size)");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)?");

    /** Parses {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, a number of seconds, or ISO {@code PT30S}. */
    static Duration parseDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.startsWith("pt") || t.startsWith("p")) {
            return Duration.parse(t.toUpperCase(Locale.ROOT));
        }
        Matcher m = DURATION.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException(text);
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> n;
            case "s" -> n * 1_000;
            case "m" -> n * 60_000;
            case "h" -> n * 3_600_000;
            default -> n * 86_400_000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    private static Duration duration(String name, String value, boolean zeroAllowed) throws UsageException {
        Duration parsed;
        try {
            parsed = parseDuration(value);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new UsageException(name + ": '" + value + "' is not a duration (like 30s, 10m, 2h)");
        }
        if (parsed.isNegative() || (!zeroAllowed && parsed.isZero())) {
            throw new UsageException(name + " must be " + (zeroAllowed ? "zero or more" : "positive") + ", was " + value);
        }
        return parsed;
    }

    private static int intValue(String name, String value, int min, int max) throws UsageException {
        try {
            int v = Integer.parseInt(value.strip());
            if (v < min || v > max) {
                throw new UsageException(name + " must be within " + min + "-" + max + ", was " + value);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(name + ": '" + value + "' is not a whole number");
        }
    }

    private static double doubleValue(String name, String value, double min, double max) throws UsageException {
        try {
            double v = Double.parseDouble(value.strip());
            if (!(v >= min && v <= max)) {
                throw new UsageException(name + " must be within " + min + "-" + max + ", was " + value);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(name + ": '" + value + "' is not a number");
        }
    }

    private static String nonBlank(String name, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(name + " must not be empty");
        }
        return value.strip();
    }

    private static String jdbcUrl(String value) throws UsageException {
        if (!value.startsWith("jdbc:postgresql:")) {
            throw new UsageException("--jdbc-url must start with jdbc:postgresql:, was '" + value + "'");
        }
        return value;
    }

    private static String role(String name, String value) throws UsageException {
        if (!value.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new UsageException(name + " must be a plain SQL identifier, was '" + value + "'");
        }
        return value;
    }
}
