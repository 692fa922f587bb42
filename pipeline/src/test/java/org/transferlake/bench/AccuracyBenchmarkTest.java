package org.transferlake.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.PipelineConfig;
import org.transferlake.testing.SharedLake;

/**
 * {@code bench accuracy} on an image folder of three colours (a set raw pixels separate perfectly, so the
 * baseline's accuracy is known by hand), with two backbone variants side by side.
 */
@Tag("spark")
class AccuracyBenchmarkTest {
    private static final Map<String, int[]> COLOURS =
            Map.of("red", new int[] {200, 30, 30}, "green", new int[] {30, 200, 30}, "blue", new int[] {30, 30, 200});

    @TempDir
    static Path dir;

    private static SparkSession spark;

    private static PipelineConfig config(String preprocessing) {
        return ConfigLoader.load(
                null,
                Map.of(
                        "backbone.cache-dir",
                        Path.of("target/model-cache").toAbsolutePath().toString(),
                        "backbone.preprocessing",
                        preprocessing,
                        "heads.algorithms",
                        "[logistic_regression]",
                        "heads.logistic-regression.reg-params",
                        "[0.01]"),
                Map.of());
    }

    @BeforeAll
    static void colourFolders() throws Exception {
        spark = SharedLake.get().spark();
        Random random = new Random(5);
        for (Map.Entry<String, int[]> colour : COLOURS.entrySet()) {
            for (int i = 0; i < 9; i++) {
                String split = i < 6 ? "train" : "test";
                Path file = dir.resolve("images/" + split + "/" + colour.getKey() + "/" + i + ".png");
                Files.createDirectories(file.getParent());
                BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
                int[] rgb = colour.getValue();
                for (int y = 0; y < 30; y++) {
                    for (int x = 0; x < 40; x++) {
                        int noise = random.nextInt(41) - 20;
                        image.setRGB(
                                x,
                                y,
                                (clamp(rgb[0] + noise) << 16) | (clamp(rgb[1] + noise) << 8) | clamp(rgb[2] + noise));
                    }
                }
                ImageIO.write(image, "png", file.toFile());
            }
        }
    }

    private static int clamp(int value) {
        return Math.max(0, Math.min(255, value));
    }

    @Test
    void comparesVariantsWithRawPixelsPerBudgetAndPlotsTheCurves() throws Exception {
        StringWriter out = new StringWriter();
        Path plot = dir.resolve("curves.png");

        AccuracyBenchmark.Result result = AccuracyBenchmark.run(
                spark,
                config("unit"),
                List.of(
                        new AccuracyBenchmark.Variant("unit", config("unit")),
                        new AccuracyBenchmark.Variant("tf", config("tf"))),
                dir.resolve("images").toUri(),
                List.of(0, 2),
                0,
                plot,
                new PrintWriter(out));

        assertThat(result.cells())
                .extracting(AccuracyBenchmark.Cell::features, AccuracyBenchmark.Cell::perClass)
                .containsExactly(
                        tuple("unit", 2),
                        tuple("unit", 0),
                        tuple("tf", 2),
                        tuple("tf", 0),
                        tuple(AccuracyBenchmark.RAW_PIXELS, 2),
                        tuple(AccuracyBenchmark.RAW_PIXELS, 0));
        assertThat(result.cells())
                .filteredOn(cell -> cell.features().equals(AccuracyBenchmark.RAW_PIXELS))
                .extracting(AccuracyBenchmark.Cell::accuracy)
                .containsOnly(1.0);
        assertThat(result.cells())
                .as("three flat colours: frozen features separate them with all six labels per class")
                .filteredOn(cell -> cell.perClass() == 0)
                .extracting(AccuracyBenchmark.Cell::accuracy)
                .allSatisfy(accuracy -> assertThat(accuracy).isGreaterThanOrEqualTo(0.9));
        assertThat(result.imagesPerSecond()).containsOnlyKeys("unit", "tf");
        assertThat(out.toString())
                .contains("3 classes, embedding 18 train + 9 test images per variant")
                .contains("labels/class")
                .contains("all (6)");

        BufferedImage png = ImageIO.read(plot.toFile());
        assertThat(png.getWidth()).isEqualTo(900);
        assertThat(png.getHeight()).isEqualTo(560);
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < png.getHeight(); y += 4) {
            for (int x = 0; x < png.getWidth(); x += 4) {
                colours.add(png.getRGB(x, y));
            }
        }
        assertThat(colours).as("a drawn chart, not a blank image").hasSizeGreaterThan(5);

        // The numbers beside the plot, read back as report reads them: "all" is the 6 labels a class has.
        assertThat(result.csv()).isEqualTo(dir.resolve("curves.csv"));
        org.transferlake.report.LearningCurve.Curves curves =
                org.transferlake.report.LearningCurve.readCsv(spark, result.csv());
        assertThat(curves.imageSet()).startsWith("images under ");
        assertThat(curves.points())
                .extracting(
                        org.transferlake.report.LearningCurve.Point::features,
                        org.transferlake.report.LearningCurve.Point::algorithm,
                        org.transferlake.report.LearningCurve.Point::labelsPerClass,
                        org.transferlake.report.LearningCurve.Point::accuracy)
                .containsExactlyElementsOf(result.cells().stream()
                        .map(cell -> tuple(
                                cell.features(),
                                cell.algorithm(),
                                cell.perClass() == 0 ? 6 : cell.perClass(),
                                Math.round(cell.accuracy() * 1e6) / 1e6))
                        .toList());
    }

    @Test
    void badBudgetsAndDuplicateNamesAreRefusedBeforeAnyWork() {
        Path images = dir.resolve("images");
        assertThatThrownBy(() -> AccuracyBenchmark.run(
                        spark,
                        config("unit"),
                        List.of(new AccuracyBenchmark.Variant("unit", config("unit"))),
                        images.toUri(),
                        List.of(10, -1),
                        0,
                        dir.resolve("never.png"),
                        new PrintWriter(new StringWriter())))
                .hasMessage("Cannot benchmark accuracy: --budgets [10, -1] and --test-per-class 0 must be a non-empty"
                        + " list of labels per class >= 0 and a count >= 0. Pass e.g. --budgets 10,100,1000,0 (0 = all"
                        + " labels) --test-per-class 0 (0 = every test image).");
        assertThatThrownBy(() -> AccuracyBenchmark.run(
                        spark,
                        config("unit"),
                        List.of(new AccuracyBenchmark.Variant(AccuracyBenchmark.RAW_PIXELS, config("unit"))),
                        images.toUri(),
                        List.of(2),
                        0,
                        dir.resolve("never.png"),
                        new PrintWriter(new StringWriter())))
                .hasMessage("Cannot benchmark accuracy: two feature sets are named 'raw pixels' (the raw-pixel baseline"
                        + " is 'raw pixels'). Give every --variant its own name.");
    }

    @Test
    void aFolderWithoutLabelledImagesIsRefused() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));

        assertThatThrownBy(() -> AccuracyBenchmark.run(
                        spark,
                        config("unit"),
                        List.of(new AccuracyBenchmark.Variant("unit", config("unit"))),
                        empty.toUri(),
                        List.of(2),
                        0,
                        dir.resolve("never.png"),
                        new PrintWriter(new StringWriter())))
                .hasMessage("Cannot benchmark accuracy: no labelled images under " + empty.toUri()
                        + ". Lay the images out as <root>/<split>/<label>/<file> (split: train, test; or no split"
                        + " folder), or set extract.labels to a labels table.");
    }
}
