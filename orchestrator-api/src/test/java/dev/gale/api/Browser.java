package dev.gale.api;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium driven through chromedriver, both from the system (Debian's
 * {@code chromium} and {@code chromium-driver}); Selenium Manager never downloads anything.
 * Without them the calling test class is skipped, unless {@code GALE_REQUIRE_BROWSER=true} (CI),
 * where it fails.
 */
final class Browser implements AutoCloseable {
    static final Path SCREENSHOTS = Path.of("target", "ui-screenshots");
    static final Dimension WIDE = new Dimension(1280, 900);
    static final Dimension PHONE = new Dimension(390, 844);

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts Chromium, or skips (fails in CI) with what to install when it is missing. */
    static Browser start() throws IOException {
        Path chromium = executable("GALE_CHROMIUM", "/usr/bin/chromium", "/usr/bin/chromium-browser");
        Path chromedriver = executable("GALE_CHROMEDRIVER", "/usr/bin/chromedriver");
        if (chromium == null || chromedriver == null) {
            String message = "The browser tests need Chromium and its driver: apt-get install chromium chromium-driver"
                    + " (or set GALE_CHROMIUM and GALE_CHROMEDRIVER to their paths).";
            if (Boolean.parseBoolean(System.getenv("GALE_REQUIRE_BROWSER"))) {
                fail(message);
            }
            // Printed too: the build's summary does not show why a class was skipped in @BeforeAll.
            System.err.println("Skipping the browser tests. " + message);
            abort(message);
        }
        Path profile = Files.createTempDirectory("gale-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--window-size=" + WIDE.width + "," + WIDE.height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        Files.createDirectories(SCREENSHOTS);
        return new Browser(driver, profile);
    }

    private static Path executable(String variable, String... candidates) {
        String configured = System.getenv(variable);
        for (String candidate : configured == null ? List.of(candidates) : List.of(configured)) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        return null;
    }

    void open(String url) {
        driver.get(url);
    }

    void size(Dimension size) {
        driver.manage().window().setSize(size);
    }

    WebElement find(String css) {
        return until(d -> d.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).findFirst()
                .orElse(null), "an element " + css);
    }

    /** Waits up to 30 s for {@code condition} to give a non-null, non-false value. */
    <T> T until(Function<WebDriver, T> condition, String what) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).withMessage(() -> "waited for " + what
                + "; the page at " + driver.getCurrentUrl() + " shows:\n" + driver.findElement(By.tagName("body"))
                .getText() + "\nbrowser console: " + console()).until(condition);
    }

    Object script(String javascript, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(javascript, args);
    }

    String console() {
        return String.join("\n", driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(Object::toString).toList());
    }

    /** Saves what the browser shows to target/ui-screenshots/{name}.png. */
    Path screenshot(String name) throws IOException {
        Path target = SCREENSHOTS.resolve(name + ".png");
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    @Override
    public void close() throws IOException {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
