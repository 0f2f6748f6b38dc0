package io.txinsight.validator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders a report in headless Chromium, the way a reader's browser would, with the network
 * closed: the screenshot must show the page and its charts, not a blank or broken page.
 */
class ReportScreenshotTest {

    static final String INSTALL = "apt-get update && apt-get install -y --no-install-recommends chromium";

    /** Chromium from the PATH (Debian names it chromium), or a failure that says how to install it. */
    static Path chromium() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("chromium", "chromium-browser")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return fail("The report test renders the page in headless Chromium, which is not installed "
                + "(no chromium on the PATH). Install it with: " + INSTALL);
    }

    @Test
    void theReportRendersInHeadlessChromiumWithItsCharts(@TempDir Path dir) throws Exception {
        Path browser = chromium();
        SampleScenario.Written scenario = ReportCommandTest.validatedScenario(dir.resolve("05_sample"), 1_000);
        ReportCli.Rendered rendered = ReportCli.render(scenario.events(), null, null, null,
                new PrintWriter(System.err, true));
        Path png = dir.resolve("report.png");
        Path log = dir.resolve("chromium.log");

        Process process = new ProcessBuilder(
                        browser.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--user-data-dir=" + Files.createDirectory(dir.resolve("profile")),
                        "--virtual-time-budget=15000", "--window-size=1280,2400", "--hide-scrollbars",
                        "--screenshot=" + png, rendered.report().toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("chromium did not finish within 120 s; its log:\n" + Files.readString(log));
        }
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
        assertThat(png).as(Files.readString(log)).exists();

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getHeight()).isEqualTo(2400);
        Set<Integer> colours = new HashSet<>();
        long ink = 0;
        long chartBlue = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                int r = rgb >> 16 & 0xFF;
                int g = rgb >> 8 & 0xFF;
                int b = rgb & 0xFF;
                if (r < 235 || g < 235 || b < 235) {
                    ink++;
                }
                if (Math.abs(r - 0x4E) < 12 && Math.abs(g - 0x79) < 12 && Math.abs(b - 0xA7) < 12) {
                    chartBlue++;
                }
            }
        }
        long pixels = (long) image.getWidth() * image.getHeight();
        assertThat(colours).as("distinct colours: a blank page has one").hasSizeGreaterThan(200);
        assertThat((double) ink / pixels).as("share of pixels that are not background").isGreaterThan(0.05);
        // The bars and areas of the charts are drawn in this blue: the SVG charts were painted.
        assertThat(chartBlue).as("pixels in the charts' blue").isGreaterThan(20_000);
    }
}
