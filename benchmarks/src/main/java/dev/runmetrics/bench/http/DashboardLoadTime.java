package dev.runmetrics.bench.http;

import dev.runmetrics.bench.store.BenchSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard's "loads in under 2 seconds" target, measured in a real browser (not a test; see
 * {@code benchmarks/README.md}): Debian's headless Chromium through the system ChromeDriver
 * (selenium-chrome-driver only, nothing downloaded) against a running {@link HttpLoadBenchmark}.
 *
 * <p>It logs in once through the login form with the token, then for each timeframe loads the
 * overview ({@code #/overview?tf=…}) {@code --warmup} times unmeasured and {@code --repeats} times
 * measured, each a full page load (from {@code about:blank}; the token stays in the tab's
 * sessionStorage as after a login). The page is "loaded" when the overview has drawn what it
 * fills from {@code /api/v1/execution-metrics}: the performance-by-node table {@code #by-node} and
 * the success-rate tile. A script that the browser runs at the start of every document (CDP
 * {@code Page.addScriptToEvaluateOnNewDocument}) watches the DOM with a MutationObserver and
 * records {@code performance.now()} — milliseconds since the navigation started — the moment both
 * exist. Reported per load: that time, DOMContentLoaded, the execution-metrics request's duration
 * (Resource Timing), and the wall time around {@code driver.get} plus the wait as a cross-check.
 */
public final class DashboardLoadTime {

    private static final String OBSERVER = """
            (() => {
              if (location.protocol !== 'http:' && location.protocol !== 'https:') return;
              const check = () => {
                if (window.__rmRendered !== undefined) return;
                if (document.querySelector('#by-node') && document.querySelector("[data-tile='success']")) {
                  window.__rmRendered = performance.now();
                }
              };
              new MutationObserver(check).observe(document, { subtree: true, childList: true });
            })();
            """;

    private DashboardLoadTime() {}

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = BenchSupport.parseArgs(argv);
        if (args.containsKey("help")) {
            System.out.println("""
                    DashboardLoadTime --url http://127.0.0.1:8099/ --token TOKEN [--timeframes 1h,24h,7d,30d]
                                      [--warmup 2] [--repeats 10] [--screenshots benchmarks/target/http-shots]""");
            return;
        }
        String url = args.getOrDefault("url", "http://127.0.0.1:8099/");
        String token = args.getOrDefault("token", HttpLoadBenchmark.VIEWER_TOKEN);
        String[] timeframes = args.getOrDefault("timeframes", "1h,24h,7d,30d").split(",");
        int warmup = Integer.parseInt(args.getOrDefault("warmup", "2"));
        int repeats = Integer.parseInt(args.getOrDefault("repeats", "10"));
        Path shots = Path.of(args.getOrDefault("screenshots", "benchmarks/target/http-shots"));
        Path chromium = Path.of(System.getenv().getOrDefault("RUNMETRICS_CHROMIUM", "/usr/bin/chromium"));
        Path chromedriver = Path.of(System.getenv().getOrDefault("RUNMETRICS_CHROMEDRIVER", "/usr/bin/chromedriver"));

        System.out.printf("dashboard load time: %s, timeframes %s, %d warm-up + %d measured loads each; %s%n", url,
                String.join(",", timeframes), warmup, repeats, BenchSupport.loadAverage());
        Path profile = Files.createTempDirectory("runmetrics-bench-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(chromium.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage", "--window-size=1400,1500", "--user-data-dir=" + profile);
        ChromeDriver browser = new ChromeDriver(service, options);
        List<String> rows = new ArrayList<>();
        try {
            System.out.println("browser: " + browser.getCapabilities().getBrowserName() + " "
                    + browser.getCapabilities().getBrowserVersion());
            browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", OBSERVER));
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));

            // Log in as a person would: the form, then the overview opens by itself.
            browser.get(url);
            wait.until(ExpectedConditions.elementToBeClickable(By.id("token"))).sendKeys(token);
            browser.findElement(By.id("login-submit")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("by-node")));
            System.out.println("logged in: " + browser.findElement(By.id("who")).getText());
            Files.createDirectories(shots);

            for (String tf : timeframes) {
                String page = url + "#/overview?tf=" + tf;
                double[] rendered = new double[repeats];
                double[] wall = new double[repeats];
                double[] api = new double[repeats];
                double[] dcl = new double[repeats];
                for (int i = -warmup; i < repeats; i++) {
                    browser.get("about:blank");
                    long t0 = System.nanoTime();
                    browser.get(page);
                    wait.until(d -> browser.executeScript("return window.__rmRendered !== undefined"));
                    double wallMs = (System.nanoTime() - t0) / 1e6;
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = (Map<String, Object>) browser.executeScript("""
                            const nav = performance.getEntriesByType('navigation')[0];
                            const api = performance.getEntriesByType('resource')
                                .filter((e) => e.name.includes('/api/v1/execution-metrics'));
                            return { rendered: window.__rmRendered,
                                     dcl: nav ? nav.domContentLoadedEventEnd : -1,
                                     api: api.length ? api[0].duration : -1,
                                     nodes: document.querySelectorAll('#by-node tbody tr').length,
                                     success: document.querySelector("[data-tile='success']").textContent };
                            """);
                    if (i < 0) {
                        continue;
                    }
                    rendered[i] = ((Number) m.get("rendered")).doubleValue();
                    dcl[i] = ((Number) m.get("dcl")).doubleValue();
                    api[i] = ((Number) m.get("api")).doubleValue();
                    wall[i] = wallMs;
                    System.out.printf(Locale.ROOT, "  tf=%s #%d: rendered %.0f ms (DOMContentLoaded %.0f ms,"
                            + " execution-metrics %.0f ms; wall %.0f ms); %s node rows, success tile '%s'%n", tf, i + 1,
                            rendered[i], dcl[i], api[i], wall[i], m.get("nodes"),
                            String.valueOf(m.get("success")).replaceAll("\\s+", " ").trim());
                    if (i == repeats - 1) {
                        Files.write(shots.resolve("overview-" + tf + ".png"), browser.getScreenshotAs(OutputType.BYTES));
                    }
                }
                rows.add(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |", tf, repeats,
                        median(rendered), max(rendered), median(api), max(api), median(dcl), median(wall)));
            }
        } finally {
            browser.quit();
            try (var paths = Files.walk(profile)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (Exception e) {
                // a temporary profile; leaving it is harmless
            }
        }
        System.out.println();
        System.out.println("| timeframe | loads | median rendered ms | max rendered ms | median execution-metrics ms"
                + " | max execution-metrics ms | median DOMContentLoaded ms | median wall ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
        System.out.println();
        System.out.println("after: " + BenchSupport.loadAverage());
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
