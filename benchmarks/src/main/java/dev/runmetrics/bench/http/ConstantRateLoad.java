package dev.runmetrics.bench.http;

import dev.runmetrics.bench.store.BenchSupport;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop HTTP load generator (not a test; see {@code benchmarks/README.md}): it sends
 * requests at a constant rate, each at its intended start time {@code t0 + i / rate}, whatever the
 * answers do, and records every request's latency <b>from its intended start</b> to its answer, in
 * an HdrHistogram. So a server that stalls for a second is charged the second for every request
 * that should have been sent during it, instead of the closed loop's one slow request followed by
 * a pause in which nothing is measured (coordinated omission). wrk paces nothing and wrk2, which
 * does this, is not packaged for Debian; this is the same idea in one class.
 *
 * <p>Client ({@code --client}): Jetty's asynchronous {@code HttpClient} by default, or the JDK's
 * ({@code jdk}). The generator shares the machine with the server, so its own CPU is taken from
 * the server's: measured at 1,200 req/s, the JDK client used 0.7 ms of CPU per request, more than
 * the server and PostgreSQL together; Jetty's is the cheaper one.
 *
 * <p>At most {@code --in-flight} requests are outstanding; when that many are, the next send waits
 * for a free slot, and the wait counts in its latency (it is still measured from its intended
 * start). Requests that fail or answer outside 2xx are counted and reported, and their latencies
 * are recorded too.
 *
 * <p>Modes: {@code --rates 500,1000,2000} runs each rate in turn; {@code --sweep} raises the rate
 * from {@code --from} by {@code --step} until p99 passes {@code --p99-ms} (or {@code --to}), then
 * reruns at 50 %, 80 % and 100 % of the highest rate met and prints those three rows. Each rate
 * runs {@code --warmup} unmeasured, then {@code --duration} measured.
 *
 * <p>Not thread-safe as a class (one run per process); the sending thread and the client's
 * completion threads share only the thread-safe {@link Recorder} and atomic counters.
 */
public final class ConstantRateLoad {

    /** One rate's outcome. */
    record Result(double targetRate, double sentRate, long requests, long failed, long non2xx, double p50Ms,
            double p90Ms, double p99Ms, double p999Ms, double maxMs, String firstError) {

        String row() {
            return String.format(Locale.ROOT, "| %,.0f | %,.0f | %,d | %,d | %,d | %.2f | %.2f | %.2f | %.2f | %.2f |",
                    targetRate, sentRate, requests, failed, non2xx, p50Ms, p90Ms, p99Ms, p999Ms, maxMs)
                    + (firstError == null ? "" : "\n  (first failure: " + firstError + ")");
        }
    }

    static final String HEADER = "| target req/s | sent req/s | requests | failed | non-2xx | p50 ms | p90 ms | p99 ms"
            + " | p99.9 ms | max ms |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    /** Sends the one request and reports its status (or failure) once the whole answer is in. */
    interface Sender {
        void send(Done done);
    }

    /** A request's end: its HTTP status, or the failure (then the status is 0). */
    interface Done {
        void done(int status, Throwable failure);
    }

    private final Sender sender;
    private final int inFlight;

    private ConstantRateLoad(Sender sender, int inFlight) {
        this.sender = sender;
        this.inFlight = inFlight;
    }

    private static Sender jdkSender(URI uri, Map<String, String> headers, Duration timeout) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).GET().timeout(timeout);
        headers.forEach(rb::header);
        HttpRequest request = rb.build();
        return done -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete(
                (response, error) -> {
                    if (error != null) {
                        done.done(0, error.getCause() != null ? error.getCause() : error);
                    } else {
                        done.done(response.statusCode(), null);
                    }
                });
    }

    private static Sender jettySender(URI uri, Map<String, String> headers, Duration timeout, int inFlight)
            throws Exception {
        org.eclipse.jetty.client.HttpClient client = new org.eclipse.jetty.client.HttpClient();
        client.setMaxConnectionsPerDestination(inFlight);
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, inFlight * 4));
        client.setFollowRedirects(false);
        client.start();
        return done -> client.newRequest(uri).method("GET")
                .headers(h -> headers.forEach(h::put))
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .send(result -> {
                    if (result.isFailed()) {
                        done.done(0, result.getFailure());
                    } else {
                        done.done(result.getResponse().getStatus(), null);
                    }
                });
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.parseArgs(argv);
        if (args.containsKey("help") || !args.containsKey("url")) {
            System.out.println("""
                    ConstantRateLoad --url URL [--header 'Name: value'] [--header2 'Name: value']
                                     [--rates 500,1000,2000 | --sweep [--from 250] [--step 250] [--to 6000] [--p99-ms 25]]
                                     [--warmup 10s] [--duration 30s] [--in-flight 256] [--timeout 30s]
                                     [--client jetty|jdk]""");
            return;
        }
        URI uri = URI.create(args.get("url"));
        Duration timeout = HttpLoadBenchmark.duration(args.getOrDefault("timeout", "30s"));
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (String key : List.of("header", "header2", "header3")) {
            String h = args.get(key);
            if (h != null) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
            }
        }
        int inFlight = Integer.parseInt(args.getOrDefault("in-flight", "256"));
        String client = args.getOrDefault("client", "jetty");
        Sender sender = switch (client) {
            case "jetty" -> jettySender(uri, headers, timeout, inFlight);
            case "jdk" -> jdkSender(uri, headers, timeout);
            default -> throw new IllegalArgumentException("--client must be jetty or jdk, was " + client);
        };
        ConstantRateLoad load = new ConstantRateLoad(sender, inFlight);
        Duration warmup = HttpLoadBenchmark.duration(args.getOrDefault("warmup", "10s"));
        Duration measure = HttpLoadBenchmark.duration(args.getOrDefault("duration", "30s"));
        System.out.println(HEADER);
        if (args.containsKey("sweep")) {
            double from = Double.parseDouble(args.getOrDefault("from", "250"));
            double step = Double.parseDouble(args.getOrDefault("step", "250"));
            double to = Double.parseDouble(args.getOrDefault("to", "6000"));
            double p99Limit = Double.parseDouble(args.getOrDefault("p99-ms", "25"));
            double best = 0;
            for (double rate = from; rate <= to; rate += step) {
                Result r = load.run(rate, warmup, measure);
                System.out.println(r.row());
                boolean met = r.p99Ms() < p99Limit && r.failed() == 0 && r.non2xx() == 0
                        && r.sentRate() >= rate * 0.97;
                if (!met) {
                    break;
                }
                best = rate;
            }
            System.out.printf(Locale.ROOT, "%nhighest rate met (p99 < %.0f ms, no errors): %,.0f req/s%n%n", p99Limit,
                    best);
            if (best > 0) {
                System.out.println(HEADER);
                for (double share : new double[] {0.5, 0.8, 1.0}) {
                    System.out.println(load.run(best * share, warmup, measure).row());
                }
            }
        } else {
            for (String rate : args.getOrDefault("rates", "500,1000,2000").split(",")) {
                System.out.println(load.run(Double.parseDouble(rate.trim()), warmup, measure).row());
            }
        }
        System.exit(0); // the client's executor threads are not daemons
    }

    /** Sends at {@code rate} for the warm-up (unrecorded), then for {@code measure}, and waits for the answers. */
    Result run(double rate, Duration warmup, Duration measure) throws InterruptedException {
        Recorder recorder = new Recorder(TimeUnit.SECONDS.toNanos(60), 3);
        AtomicLong failed = new AtomicLong();
        AtomicLong non2xx = new AtomicLong();
        AtomicReference<String> firstError = new AtomicReference<>();
        Semaphore slots = new Semaphore(inFlight);
        long periodNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        long sent = 0;
        for (long i = 0; ; i++) {
            long intended = start + i * periodNanos;
            if (intended >= end) {
                break;
            }
            long wait = intended - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            slots.acquire(); // waiting for a slot is part of this request's latency
            boolean record = intended >= measureFrom;
            if (record) {
                sent++;
            }
            sender.send((status, error) -> {
                long latency = System.nanoTime() - intended;
                slots.release();
                if (!record) {
                    return;
                }
                recorder.recordValue(Math.min(latency, TimeUnit.SECONDS.toNanos(60)));
                if (error != null) {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, error.getClass().getSimpleName() + ": " + error.getMessage());
                } else if (status / 100 != 2) {
                    non2xx.incrementAndGet();
                }
            });
        }
        slots.acquire(inFlight); // every answer is in
        slots.release(inFlight);
        Histogram h = recorder.getIntervalHistogram();
        double seconds = measure.toNanos() / 1e9;
        return new Result(rate, sent / seconds, h.getTotalCount(), failed.get(), non2xx.get(), ms(h, 50), ms(h, 90),
                ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1e6, firstError.get());
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
    }
}
