package org.transferlake.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/**
 * Debian's Chromium, headless, as a test's browser: opens a local file, screenshots it and returns what
 * the page logged to its console. Started with the flags this machine's closed network needs (no
 * background connections, no first-run or sync).
 */
public final class HeadlessChromium {
    /** Where Debian's {@code chromium} package puts the browser; {@code -Dtransferlake.chromium} overrides. */
    public static final Path BINARY = Path.of(System.getProperty("transferlake.chromium", "/usr/bin/chromium"));

    private HeadlessChromium() {}

    /** The screenshot of a page and the lines its console logged (messages, warnings, errors). */
    public record Rendered(BufferedImage screenshot, List<String> console) {}

    /** Renders {@code page} in a {@code width} × {@code height} window; {@code work} holds the profile. */
    public static Rendered render(Path page, Path work, int width, int height)
            throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new IllegalStateException("Cannot render " + page + ": " + BINARY + " is missing. Install Debian's"
                    + " chromium package (bin/test does), or skip the render tests with -Dtest.excludedGroups=render.");
        }
        Path screenshot = work.resolve("screenshot.png");
        Path log = work.resolve("chromium.log");
        Process chromium = new ProcessBuilder(
                        BINARY.toString(),
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--hide-scrollbars",
                        "--user-data-dir=" + work.resolve("profile"),
                        // Console messages go to the log, one line each: INFO:CONSOLE:<line>] "<message>", source: …
                        "--enable-logging=stderr",
                        "--v=0",
                        "--window-size=" + width + "," + height,
                        "--screenshot=" + screenshot,
                        page.toUri().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!chromium.waitFor(120, TimeUnit.SECONDS)) {
            chromium.destroyForcibly();
            throw new IllegalStateException("Chromium did not render " + page + " in 120 s; its log: " + log);
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        if (chromium.exitValue() != 0 || !Files.exists(screenshot)) {
            throw new IllegalStateException(
                    "Chromium exited with " + chromium.exitValue() + " and no screenshot: " + String.join("\n", lines));
        }
        return new Rendered(
                ImageIO.read(screenshot.toFile()),
                lines.stream().filter(line -> line.contains(":CONSOLE")).toList());
    }
}
