package org.transferlake.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.heads.HeadRecord;
import org.transferlake.heads.HeadRegistry;
import org.transferlake.testing.HeadlessChromium;

/**
 * The report opened in Debian's headless Chromium: it renders, with its charts, and logs nothing to
 * the console. Its own tier ({@code render}, no Spark): the contents are made here, every section full.
 */
@Tag("render")
class ReportRenderTest {
    private static final Instant START = Instant.parse("2026-11-30T02:00:00Z");

    @Test
    void chromiumRendersThePageWithItsChartsAndNoConsoleMessage(@TempDir Path work) throws Exception {
        Path page = work.resolve("report.html");
        ReportPage.write(contents(), page);

        HeadlessChromium.Rendered rendered = HeadlessChromium.render(page, work, 1000, 7000);

        assertThat(rendered.console()).as("the page's console").isEmpty();
        BufferedImage shot = rendered.screenshot();
        long coloured = 0;
        long nonWhite = 0;
        for (int y = 0; y < shot.getHeight(); y += 2) {
            for (int x = 0; x < shot.getWidth(); x += 2) {
                int rgb = shot.getRGB(x, y);
                int r = (rgb >> 16) & 0xff;
                int g = (rgb >> 8) & 0xff;
                int b = rgb & 0xff;
                if (r + g + b < 3 * 250) {
                    nonWhite++;
                }
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 80) {
                    coloured++;
                }
            }
        }
        long sampled = (long) (shot.getWidth() / 2) * (shot.getHeight() / 2);
        assertThat(nonWhite).as("drawn, not a blank page").isGreaterThan(sampled / 50);
        // Text and table borders are grey; only the charts' bars, cells and points are saturated colours.
        assertThat(coloured).as("the charts' colours on screen").isGreaterThan(5000);
    }

    private static LakeReport.Contents contents() {
        List<String> labels = List.of("bag", "coat", "sandal");
        HeadRecord champion = new HeadRecord(
                "h-1",
                "b1",
                "logistic_regression",
                Map.of(),
                90,
                30,
                0.8,
                0.79,
                0.5,
                List.of(
                        new HeadRecord.ClassMetrics("bag", 0.9, 0.9, 10),
                        new HeadRecord.ClassMetrics("coat", 0.7, 0.8, 10),
                        new HeadRecord.ClassMetrics("sandal", 0.8, 0.7, 10)),
                labels,
                List.of(List.of(9L, 1L, 0L), List.of(1L, 8L, 1L), List.of(0L, 2L, 8L)),
                "s3a://x/heads/h-1",
                HeadRegistry.CHAMPION,
                Timestamp.from(START),
                Timestamp.from(START),
                "train-1");
        List<LakeReport.Run> runs = new ArrayList<>();
        for (int night = 0; night < 3; night++) {
            Map<String, Double> timings = new LinkedHashMap<>();
            timings.put("list images", 1.0 + night);
            timings.put("embed", 20.0 - night);
            timings.put("write features and quarantine", 3.0);
            Instant start = START.plusSeconds(86_400L * night);
            runs.add(
                    0,
                    new LakeReport.Run(
                            "extract-" + night,
                            "extract",
                            "succeeded",
                            Timestamp.from(start),
                            Timestamp.from(start.plusSeconds(30)),
                            Map.of("listed", 1000L + night, "embedded", 400L, "quarantined", 3L),
                            timings,
                            null));
        }
        List<LakeReport.Point> points = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            points.add(new LakeReport.Point(labels.get(i % 3), (i % 3) * 4 + Math.sin(i), (i % 3) * -2 + Math.cos(i)));
        }
        return new LakeReport.Contents(
                URI.create("s3a://lake/transferlake/"),
                "b1",
                START,
                Map.of("features", 60L),
                Optional.of(champion),
                runs,
                List.of(
                        new LakeReport.ReasonCount("embed", "CORRUPT", 2),
                        new LakeReport.ReasonCount("embed", "EMPTY", 1)),
                List.of(new LakeReport.Quarantined(
                        "s3a://x/bad.png", "embed", "CORRUPT", "not a PNG", Timestamp.from(START))),
                Optional.of(new LakeReport.Projection(points, 60, new double[] {0.6, 0.3})),
                Optional.of(new LearningCurve.Curves(
                        "images under s3a://x/",
                        List.of(
                                new LearningCurve.Point("b1", "logistic_regression", 10, 0.6),
                                new LearningCurve.Point("b1", "logistic_regression", 100, 0.8),
                                new LearningCurve.Point(LearningCurve.RAW_PIXELS, "logistic_regression", 10, 0.5),
                                new LearningCurve.Point(LearningCurve.RAW_PIXELS, "logistic_regression", 100, 0.6)))),
                Path.of("bench-accuracy.csv"),
                Optional.empty());
    }
}
