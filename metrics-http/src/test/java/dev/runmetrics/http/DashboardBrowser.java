package dev.runmetrics.http;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser on a dashboard, for the browser tests of every module (metrics-http's test-jar):
 * Debian's headless Chromium driven through the system ChromeDriver, with a fresh profile, and the
 * few moves a person makes on the dashboard (log in, open a page, click, read a Gantt bar, take a
 * screenshot). Without Chromium or ChromeDriver it fails the test (it never skips): install them
 * with {@code apt-get install -y chromium chromium-driver}, as {@code ./run-tests} does.
 *
 * <p>Live updates re-render parts of the page, so an element found a moment ago may be replaced
 * before it is used: every wait looks it up again instead of failing. Not thread-safe: one test
 * thread drives it.
 */
public final class DashboardBrowser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("RUNMETRICS_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("RUNMETRICS_CHROMEDRIVER",
            "/usr/bin/chromedriver"));

    private final WebDriver driver;
    private final WebDriverWait wait;
    private final Path profile;
    private final Path shots;
    private String base;

    private DashboardBrowser(WebDriver driver, Path profile, Path shots) {
        this.driver = driver;
        this.profile = profile;
        this.shots = shots;
        this.wait = new WebDriverWait(driver, Duration.ofSeconds(15));
        wait.ignoring(StaleElementReferenceException.class);
    }

    /**
     * Starts Chromium; screenshots go to {@code shots}.
     *
     * @param base the dashboard's URL ({@code http://host:port/})
     */
    public static DashboardBrowser start(String base, Path shots) throws IOException {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                fail("The browser test needs Debian's Chromium and ChromeDriver, and " + p + " is missing: run "
                        + "'apt-get install -y chromium chromium-driver' (./run-tests does), or point RUNMETRICS_CHROMIUM "
                        + "and RUNMETRICS_CHROMEDRIVER at them.");
            }
        }
        Files.createDirectories(shots);
        Path profile = Files.createTempDirectory("runmetrics-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage", "--window-size=1400,1500", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        DashboardBrowser browser = new DashboardBrowser(new ChromeDriver(service, options), profile, shots);
        browser.base = base;
        return browser;
    }

    /** The driver, for what the moves here do not cover. */
    public WebDriver driver() {
        return driver;
    }

    /** The wait every move uses (15 s, stale elements looked up again). */
    public WebDriverWait waiting() {
        return wait;
    }

    /** Changes the dashboard the moves go to. */
    public void base(String url) {
        this.base = url;
    }

    /** Logs in with a token of one workspace and waits for the overview. */
    public void login(String token) {
        driver.get(base + "#/login");
        type(By.id("token"), token);
        click(By.id("login-submit"));
        wait.until(ExpectedConditions.urlContains("#/overview"));
    }

    /** Logs out and waits for the login page. */
    public void logout() {
        click(By.id("logout"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("token")));
    }

    /** Opens a page of the dashboard by its hash ({@code #/run/<id>}). */
    public void open(String hash) {
        driver.get(base + hash);
    }

    /** Opens a run in the Run Console and waits until its Gantt chart shows a bar. */
    public void openRun(String runId) {
        open("#/run/" + runId);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("svg.gantt g[data-step]")));
    }

    /** The status the Gantt chart shows for a step of an attempt (waits for the bar to exist). */
    public String barStatus(String step, int attempt) {
        By bar = By.cssSelector("svg.gantt g[data-step='" + step + "'][data-attempt='" + attempt + "']");
        return wait.until(d -> d.findElement(bar).getAttribute("data-status"));
    }

    /** The run's status, as the Run Console's heading badge shows it. */
    public String runStatus() {
        return wait.until(d -> d.findElement(By.cssSelector(".run-head h1 .badge")).getAttribute("data-status"));
    }

    /** Waits until the Run Console's heading badge shows {@code status}. */
    public void awaitRunStatus(String status) {
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector(".run-head h1 .badge"), "data-status", status));
    }

    /**
     * Resumes the open run from a step through the Run Console's dialog: the step's resume button,
     * the overrides (JSON, or null for none), the confirmation; waits until the server accepted it
     * as {@code expectedAttempt}.
     */
    public void resumeFrom(String step, String overrides, int expectedAttempt) {
        click(By.cssSelector("button[data-resume-step='" + step + "']"));
        if (overrides != null) {
            WebElement field = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("overrides")));
            field.clear();
            field.sendKeys(overrides);
        }
        click(By.id("resume-next"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("resume-dialog"),
                "attempt " + expectedAttempt));
        click(By.id("resume-confirm"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("[data-outcome='ok']"),
                "Accepted: attempt " + expectedAttempt));
    }

    /** An element's text, read again if the page redrew it meanwhile. */
    public String text(By by) {
        return wait.until(d -> d.findElement(by).getText());
    }

    /** Types into a field once it is visible. */
    public void type(By by, String text) {
        WebElement el = wait.until(ExpectedConditions.visibilityOfElementLocated(by));
        el.clear();
        el.sendKeys(text);
    }

    /** Clicks an element once it is clickable; found and clicked in one attempt, retried until the deadline. */
    public void click(By by) {
        wait.until(d -> {
            WebElement element = ExpectedConditions.elementToBeClickable(by).apply(d);
            if (element == null) {
                return false;
            }
            element.click();
            return true;
        });
    }

    /** Saves a screenshot as {@code <shots>/<name>.png}. */
    public void shot(String name) {
        try {
            Path png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
            Files.move(png, shots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The script errors the page logged since the last call; failed requests (a 401, a 404, a
     * stopped server) and dropped WebSocket connections are expected and left out.
     */
    public List<String> scriptErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !m.contains("Failed to load resource") && !m.contains("WebSocket connection to"))
                .toList();
    }

    /** Quits Chromium and deletes its profile. */
    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        }
    }
}
