package org.jdnn.playground;

import org.jdnn.backend.Backends;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The playground page in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code ci/setup.sh} installs): choose the circle, start, wait for a test accuracy above 90 %, and check that the
 * boundary picture changed. Leaves a screenshot in {@code target/playground-screenshot.png}.
 *
 * <p>Without the browser the test is skipped, except where the environment variable {@code CI} is set: there a
 * missing browser fails it, so that CI cannot pass without running it.
 */
class PlaygroundBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration TRAINING_TIMEOUT = Duration.ofSeconds(300);

    @Test
    void trainsTheCircleToOverNinetyPercentInHeadlessChromium() throws Exception {
        boolean browser = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!browser && System.getenv("CI") != null) {
            fail("CI is set but " + CHROMIUM + " or " + CHROMEDRIVER + " is missing: run ci/setup.sh");
        }
        assumeTrue(browser, "skipped: no " + CHROMIUM + " and " + CHROMEDRIVER
                + " (ci/setup.sh installs Debian's chromium and chromium-driver)");

        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1100,1000");
        try (PlaygroundServer server = PlaygroundServer.start("127.0.0.1", 0,
                new PlaygroundSession(PlaygroundConfig.DEFAULT.withSeed(3), Backends.get(Backends.REFERENCE)))) {
            WebDriver driver = new ChromeDriver(service, options);
            try {
                driver.get(server.uri().toString());
                WebDriverWait page = new WebDriverWait(driver, PAGE_TIMEOUT);
                page.until(d -> "circle@0".equals(drawn(d)));

                // Pick another data set and then the circle: each choice resets the server with it.
                Select dataset = new Select(driver.findElement(By.name("dataset")));
                dataset.selectByValue("spiral");
                page.until(d -> "spiral@0".equals(drawn(d)));
                assertEquals("spiral", server.session().config().dataset());
                dataset.selectByValue("circle");
                page.until(d -> "circle@0".equals(drawn(d)));
                String before = boundaryImage(driver);

                driver.findElement(By.id("start")).click();
                new WebDriverWait(driver, TRAINING_TIMEOUT).until(d -> testAccuracy(d) > 0.9);
                driver.findElement(By.id("pause")).click();
                page.until(d -> !server.session().state().running());

                double accuracy = testAccuracy(driver);
                String shown = driver.findElement(By.id("test-accuracy")).getText();
                assertTrue(shown.endsWith(" %"), "test accuracy shown as '" + shown + "'");
                assertTrue(accuracy > 0.9, "test accuracy " + accuracy);
                assertNotEquals(before, boundaryImage(driver), "the boundary picture did not change while training ("
                        + drawn(driver) + ")");

                Path screenshot = Path.of("target", "playground-screenshot.png");
                Files.createDirectories(screenshot.getParent());
                Files.write(screenshot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
                assertTrue(Files.size(screenshot) > 10_000, screenshot + " has only " + Files.size(screenshot) + " bytes");
            } finally {
                driver.quit();
                service.stop();
            }
        }
    }

    /** What the boundary canvas shows, as the page marks it: data set and epoch, e.g. "circle@12". */
    private static String drawn(WebDriver driver) {
        return driver.findElement(By.id("boundary")).getAttribute("data-drawn");
    }

    private static double testAccuracy(WebDriver driver) {
        String value = driver.findElement(By.id("test-accuracy")).getAttribute("data-value");
        return value == null || value.isEmpty() ? 0 : Double.parseDouble(value);
    }

    /** The boundary canvas as a PNG data URL: equal strings, equal pictures. */
    private static String boundaryImage(WebDriver driver) {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "return document.getElementById('boundary').toDataURL('image/png');");
    }
}
