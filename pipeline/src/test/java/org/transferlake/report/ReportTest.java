package org.transferlake.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.heads.HeadRecord;
import org.transferlake.heads.HeadRegistry;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;
import org.transferlake.testing.SharedLake;

/**
 * The report of a lake whose every row the test wrote by hand, so each number shown is known before the
 * report computes it: the confusion matrix, per-class metrics, runs and their throughput, quarantine
 * reasons and the PCA projection of embeddings laid on one line.
 */
@Tag("spark")
class ReportTest {
    private static final Instant START = Instant.parse("2026-11-30T02:00:00Z");

    private static SparkSession spark;
    private static URI root;
    private static Tables tables;

    @TempDir
    static Path dir;

    private static Path curvesCsv;

    @BeforeAll
    static void aLakeWrittenByHand() {
        spark = SharedLake.get().spark();
        root = SharedLake.freshRoot(ReportTest.class);
        tables = new Tables(spark, root);
        List<Row> features = new ArrayList<>();
        // All on the line through (1, 2, 0): one component explains all the variance, and an embedding at t
        // projects to ±t·√5 on it.
        for (int t = 1; t <= 4; t++) {
            features.add(feature("cat-" + t, "b1", "cat", t));
        }
        for (int t = 1; t <= 3; t++) {
            features.add(feature("dog-" + t, "b1", "dog", -t));
        }
        features.add(feature("unknown", "b1", null, 0.5f));
        features.add(feature("other-space-1", "b2", "cat", 9));
        features.add(feature("other-space-2", "b2", "dog", -9));
        tables.append(LakeTable.FEATURES, spark.createDataFrame(features, LakeTable.FEATURES.schema()));

        HeadRegistry registry = new HeadRegistry(spark, tables);
        registry.register(List.of(head("h-candidate", "b1"), head("h-b1", "b1")), Optional.of("h-b1"));
        registry.register(List.of(head("h-b2", "b2")), Optional.of("h-b2"));

        tables.append(
                LakeTable.RUNS,
                spark.createDataFrame(
                        List.of(
                                run("extract-1", "extract", 0, 20, "succeeded", null),
                                run("extract-2", "extract", 3600, 3610, "succeeded", null),
                                run("train-1", "train", 7200, 7205, "failed", "Cannot train heads: no labels."),
                                // Nothing new: listed, then no embed step at all.
                                runRow(
                                        "extract-idle",
                                        "extract",
                                        Timestamp.from(START.plusSeconds(5400)),
                                        Timestamp.from(START.plusSeconds(5404)),
                                        "succeeded",
                                        Map.of("listed", 100L, "embedded", 0L, "quarantined", 0L, "unchanged", 100L),
                                        Map.of("list images", 2.0),
                                        null),
                                // A driver that died: no job recorded (a row by hand), never ended.
                                runRow(
                                        "dead-1",
                                        null,
                                        Timestamp.from(START.plusSeconds(9000)),
                                        null,
                                        "abandoned",
                                        null,
                                        null,
                                        null)),
                        LakeTable.RUNS.schema()));
        tables.append(
                LakeTable.QUARANTINE,
                spark.createDataFrame(
                        List.of(
                                refused("bad-1.png", "CORRUPT", 1),
                                refused("bad-2.png", "CORRUPT", 2),
                                refused("empty.png", "EMPTY", 3)),
                        LakeTable.QUARANTINE.schema()));

        curvesCsv = dir.resolve("bench-accuracy.csv");
        LearningCurve.writeCsv(
                curvesCsv,
                new LearningCurve.Curves(
                        "images under s3a://x/, \"quoted\"",
                        List.of(
                                new LearningCurve.Point("mobilenet", "logistic_regression", 10, 0.7),
                                new LearningCurve.Point("mobilenet", "logistic_regression", 100, 0.85),
                                new LearningCurve.Point(LearningCurve.RAW_PIXELS, "logistic_regression", 10, 0.5),
                                new LearningCurve.Point(LearningCurve.RAW_PIXELS, "logistic_regression", 100, 0.6))));
    }

    private static Row feature(String name, String backbone, String label, float t) {
        return RowFactory.create(
                "s3a://x/" + name + ".png",
                backbone,
                "h-" + name,
                1L,
                null,
                2,
                2,
                label,
                null,
                List.of(t, 2 * t, 0f),
                3,
                "r",
                null);
    }

    /** Labels cat and dog; 4 cats held out (3 right, 1 taken for a dog) and 2 dogs (both right). */
    private static HeadRecord head(String id, String backbone) {
        return new HeadRecord(
                id,
                backbone,
                "logistic_regression",
                Map.of(),
                30,
                6,
                5 / 6.0,
                0.82,
                0.4,
                List.of(
                        new HeadRecord.ClassMetrics("cat", 1.0, 0.75, 4),
                        new HeadRecord.ClassMetrics("dog", 2 / 3.0, 1.0, 2)),
                List.of("cat", "dog"),
                List.of(List.of(3L, 1L), List.of(0L, 2L)),
                "s3a://x/heads/" + id,
                HeadRegistry.CANDIDATE,
                Timestamp.from(START),
                null,
                "train-0");
    }

    /** An extract listed 100, embedded 80 and refused 5, in 2 s of listing and 8 s of embedding. */
    private static Row run(String id, String job, int startSecond, int endSecond, String status, String error) {
        Map<String, Long> counts = job.equals("extract")
                ? Map.of("listed", 100L, "embedded", 80L, "quarantined", 5L, "unchanged", 15L)
                : Map.of();
        Map<String, Double> timings = new LinkedHashMap<>();
        if (job.equals("extract")) {
            // More than four steps: Scala keeps the order of small maps only, and the report must keep it.
            timings.put("resolve backbone", 1.0);
            timings.put("list images", 2.0);
            timings.put("read known images", 1.5);
            timings.put("select new or changed", 0.5);
            timings.put("embed", 8.0);
            timings.put("write features and quarantine", 3.0);
        }
        return runRow(
                id,
                job,
                Timestamp.from(START.plusSeconds(startSecond)),
                Timestamp.from(START.plusSeconds(endSecond)),
                status,
                counts,
                timings,
                error);
    }

    private static Row runRow(
            String id,
            String job,
            Timestamp start,
            Timestamp end,
            String status,
            Map<String, Long> counts,
            Map<String, Double> timings,
            String error) {
        return RowFactory.create(id, job, start, end, status, counts, timings, Map.of(), error, List.of());
    }

    private static Row refused(String name, String reason, int minute) {
        return RowFactory.create(
                "s3a://x/" + name,
                "sha-" + name,
                "embed",
                1L,
                null,
                reason,
                "not an image: " + name,
                "extract-1",
                Timestamp.from(START.plusSeconds(60L * minute)));
    }

    private static Map<LakeTable, Long> versions() {
        Map<LakeTable, Long> versions = new java.util.EnumMap<>(LakeTable.class);
        for (LakeTable table : LakeTable.values()) {
            if (!tables.exists(table)) {
                continue;
            }
            versions.put(
                    table,
                    io.delta.tables.DeltaTable.forPath(
                                    spark, table.location(root).toString())
                            .history(1)
                            .head()
                            .getLong(0));
        }
        return versions;
    }

    private static LakeReport.Contents contents() {
        return LakeReport.gather(spark, tables, root, "b1", curvesCsv);
    }

    @Test
    void theNumbersAreThoseTheTablesHold() {
        Map<LakeTable, Long> before = versions();
        assertThat(before).containsOnlyKeys(LakeTable.FEATURES, LakeTable.QUARANTINE, LakeTable.HEADS, LakeTable.RUNS);
        LakeReport.Contents report = contents();
        assertThat(versions()).as("read only: no table has a new version").isEqualTo(before);

        assertThat(report.rows())
                .containsExactly(
                        Map.entry("features", 10L),
                        Map.entry("features_current", 8L),
                        Map.entry("quarantine", 3L),
                        Map.entry("heads", 3L),
                        Map.entry("predictions", 0L),
                        Map.entry("runs", 5L));
        assertThat(report.champion()).map(HeadRecord::headId).contains("h-b1");
        assertThat(report.runs())
                .extracting(LakeReport.Run::runId)
                .containsExactly("dead-1", "train-1", "extract-idle", "extract-2", "extract-1");
        assertThat(report.runs().get(0).seconds()).as("never ended").isEmpty();
        assertThat(report.runs().get(0).job()).isEmpty();
        assertThat(report.runs().get(4).seconds()).contains(20.0);
        assertThat(report.runs().get(4).timings().keySet())
                .containsExactly(
                        "resolve backbone",
                        "list images",
                        "read known images",
                        "select new or changed",
                        "embed",
                        "write features and quarantine");

        ReportCharts.Throughput idle = ReportCharts.throughput(report.runs().get(2));
        assertThat(idle.listing()).contains(100 / 2.0);
        assertThat(idle.embedding()).as("no embed step").isEmpty();
        assertThat(idle.endToEnd()).as("nothing embedded").isEmpty();
        ReportCharts.Throughput first = ReportCharts.throughput(report.runs().get(4));
        assertThat(first.listing()).contains(100 / 2.0);
        assertThat(first.embedding())
                .as("embedded and refused per second of embed")
                .contains(85 / 8.0);
        assertThat(first.endToEnd()).as("embedded per second of the run").contains(80 / 20.0);

        assertThat(report.quarantineReasons())
                .containsExactly(
                        new LakeReport.ReasonCount("embed", "CORRUPT", 2),
                        new LakeReport.ReasonCount("embed", "EMPTY", 1));
        assertThat(report.latestQuarantined())
                .extracting(LakeReport.Quarantined::path)
                .containsExactly("s3a://x/empty.png", "s3a://x/bad-2.png", "s3a://x/bad-1.png");

        LakeReport.Projection projection = report.projection().orElseThrow();
        assertThat(projection.embeddings()).isEqualTo(8);
        assertThat(projection.explainedVariance()[0]).isCloseTo(1.0, within(1e-9));
        assertThat(projection.points())
                .extracting(LakeReport.Point::label)
                .containsExactlyInAnyOrder("cat", "cat", "cat", "cat", "dog", "dog", "dog", LakeReport.UNLABELLED);
        // Centred on the mean t of the eight (4.5 / 8 = 0.5625): x = ±√5·(t − 0.5625), one sign for all.
        Set<Long> sixteenths = new HashSet<>();
        Set<Long> catSigns = new HashSet<>();
        Set<Long> dogSigns = new HashSet<>();
        for (LakeReport.Point point : projection.points()) {
            assertThat(point.y()).isCloseTo(0.0, within(1e-9));
            long scaled = Math.round(16 * point.x() / Math.sqrt(5));
            assertThat(16 * point.x() / Math.sqrt(5)).isCloseTo(scaled, within(1e-6));
            sixteenths.add(Math.abs(scaled));
            (point.label().equals("cat") ? catSigns : point.label().equals("dog") ? dogSigns : new HashSet<Long>())
                    .add((long) Long.signum(scaled));
        }
        assertThat(sixteenths).containsExactlyInAnyOrder(7L, 23L, 39L, 55L, 25L, 41L, 57L, 1L);
        assertThat(catSigns).hasSize(1);
        assertThat(dogSigns).hasSize(1).doesNotContainAnyElementsOf(catSigns);
        assertThat(report.learningCurves().orElseThrow().imageSet()).isEqualTo("images under s3a://x/, \"quoted\"");
        assertThat(report.learningCurves().orElseThrow().points()).hasSize(4);
    }

    @Test
    void thePageShowsEachNumberBesideItsChart() throws Exception {
        String html = ReportPage.html(contents());

        assertThat(html)
                .contains("<tr><td>cat</td><td class=\"n\">3</td><td class=\"n\">1</td></tr>")
                .contains("<tr><td>dog</td><td class=\"n\">0</td><td class=\"n\">2</td></tr>")
                .contains("<tr><td>cat</td><td class=\"n\">1.0000</td><td class=\"n\">0.7500</td>"
                        + "<td class=\"n\">4</td></tr>")
                .contains("<tr><td>extract-1</td><td class=\"n\">100</td><td class=\"n\">80</td><td class=\"n\">5</td>"
                        + "<td class=\"n\">50.0000</td><td class=\"n\">10.6250</td><td class=\"n\">4.0000</td>"
                        + "<td>resolve backbone 1.0, list images 2.0, read known images 1.5, select new or changed 0.5,"
                        + " embed 8.0, write features and quarantine 3.0</td></tr>")
                .contains("<tr><td>embed</td><td>CORRUPT</td><td class=\"n\">2</td></tr>")
                .contains("<td>failed</td>")
                .contains("Cannot train heads: no labels.")
                .contains("<tr><td>cat</td><td class=\"n\">4</td></tr>")
                .contains("<tr><td>" + LakeReport.UNLABELLED + "</td><td class=\"n\">1</td></tr>")
                .contains("images under s3a://x/, &quot;quoted&quot;")
                .doesNotContain("<script");
        List<BufferedImage> charts = charts(html);
        assertThat(charts)
                .as("confusion, precision/recall, learning curves, step seconds, throughput, runs, quarantine, PCA")
                .hasSize(8);
        for (BufferedImage chart : charts) {
            assertThat(chart.getWidth()).isEqualTo(900);
            assertThat(colours(chart)).as("a drawn chart").isGreaterThan(20);
        }
    }

    @Test
    void theChartsHoldTheTablesNumbers() {
        LakeReport.Contents report = contents();
        HeadRecord champion = report.champion().orElseThrow();

        org.jfree.data.xy.XYZDataset confusion = (org.jfree.data.xy.XYZDataset)
                ReportCharts.confusion(champion).getXYPlot().getDataset();
        Map<String, Double> cells = new LinkedHashMap<>();
        for (int item = 0; item < confusion.getItemCount(0); item++) {
            // x is the predicted label, y counts from the bottom: the first true label is on top.
            cells.put(
                    (int) confusion.getXValue(0, item) + "," + (int) confusion.getYValue(0, item),
                    confusion.getZValue(0, item));
        }
        assertThat(cells)
                .containsOnly(
                        Map.entry("0,1", 3.0), Map.entry("1,1", 1.0), Map.entry("0,0", 0.0), Map.entry("1,0", 2.0));

        org.jfree.data.category.CategoryDataset recall =
                ReportCharts.precisionRecall(champion).getCategoryPlot().getDataset();
        assertThat(recall.getValue("recall", "cat")).isEqualTo(0.75);
        assertThat(recall.getValue("precision", "dog")).isEqualTo(2 / 3.0);

        List<LakeReport.Run> extracts = report.runs().stream()
                .filter(run -> run.job().equals("extract"))
                .sorted(ReportPage.BY_START)
                .toList();
        org.jfree.data.category.CategoryDataset steps =
                ReportCharts.stepSeconds(extracts).getCategoryPlot().getDataset();
        assertThat(steps.getValue("embed", "extract-1")).isEqualTo(8.0);
        assertThat(steps.getValue("list images", "extract-idle")).isEqualTo(2.0);
        org.jfree.data.category.CategoryDataset rates =
                ReportCharts.throughput(extracts).getCategoryPlot().getDataset();
        assertThat(rates.getValue("embedded per second of the run", "extract-1"))
                .isEqualTo(4.0);
        assertThat(rates.getValue("embedded per second of the run", "extract-idle"))
                .as("a zero has no place on a log axis")
                .isNull();

        org.jfree.data.xy.XYDataset history =
                ReportCharts.runHistory(report.runs()).getXYPlot().getDataset();
        List<String> series = new ArrayList<>();
        for (int i = 0; i < history.getSeriesCount(); i++) {
            series.add(history.getSeriesKey(i) + " " + history.getItemCount(i));
        }
        assertThat(series).as("the abandoned run has no duration").containsExactly("extract 3", "train (failed) 1");

        org.jfree.data.category.CategoryDataset reasons = ReportCharts.quarantineReasons(report.quarantineReasons())
                .getCategoryPlot()
                .getDataset();
        assertThat(reasons.getValue("embed", "CORRUPT")).isEqualTo(2.0);

        org.jfree.data.xy.XYDataset points = ReportCharts.projection(
                        report.projection().orElseThrow())
                .getXYPlot()
                .getDataset();
        Map<String, Integer> perLabel = new LinkedHashMap<>();
        for (int i = 0; i < points.getSeriesCount(); i++) {
            perLabel.put(points.getSeriesKey(i).toString(), points.getItemCount(i));
        }
        assertThat(perLabel)
                .containsExactly(Map.entry(LakeReport.UNLABELLED, 1), Map.entry("cat", 4), Map.entry("dog", 3));
    }

    @Test
    void anEmptyLakeGivesAPageThatSaysWhatToRunAndCreatesNoTable() {
        URI empty = SharedLake.freshRoot(ReportTest.class).resolve("empty/");
        Tables none = Tables.unregistered(spark, empty);

        LakeReport.Contents report = LakeReport.gather(spark, none, empty, "b1", dir.resolve("absent.csv"));
        String html = ReportPage.html(report);

        assertThat(report.rows().values()).containsOnly(0L);
        assertThat(html)
                .contains("No champion for this backbone yet: run transferlake train (or nightly).")
                .contains("No results of transferlake bench accuracy at " + dir.resolve("absent.csv"))
                .contains("No runs yet.")
                .contains("No file has been refused.")
                .contains(
                        "Fewer than two embeddings of this backbone, or of fewer than two floats: nothing to project.");
        assertThat(charts(html)).isEmpty();
        for (LakeTable table : LakeTable.values()) {
            assertThat(none.exists(table)).as(table.tableName()).isFalse();
        }
    }

    @Test
    void aLearningCurveFileWithoutMeasurementsIsRefusedByName() throws Exception {
        Path headerOnly = dir.resolve("header-only.csv");
        Files.writeString(headerOnly, "image_set,features,algorithm,labels_per_class,accuracy\n");
        Path garbled = dir.resolve("garbled.csv");
        Files.writeString(garbled, "image_set,features,algorithm,labels_per_class,accuracy\nx,y,z,ten,0.5\n");

        assertThatThrownBy(() -> LearningCurve.readCsv(spark, headerOnly))
                .hasMessage("Cannot draw the learning curves of " + headerOnly + ": it holds no measurement. Run"
                        + " transferlake bench accuracy again (it writes the CSV beside its PNG), or pass"
                        + " --accuracy-results of another run.");
        assertThatThrownBy(() -> LearningCurve.readCsv(spark, dir.resolve("absent.csv")))
                .hasMessageStartingWith(
                        "Cannot draw the learning curves of " + dir.resolve("absent.csv") + ": NoSuchFileException: ");
        Path reordered = dir.resolve("reordered.csv");
        Files.writeString(reordered, "features,image_set,algorithm,labels_per_class,accuracy\nx,y,z,10,0.5\n");
        String notOurs = ": its lines are not image_set,features,algorithm,labels_per_class,accuracy (struct<";
        assertThatThrownBy(() -> LearningCurve.readCsv(spark, garbled))
                .hasMessageStartingWith("Cannot draw the learning curves of " + garbled + notOurs);
        assertThatThrownBy(() -> LearningCurve.readCsv(spark, reordered))
                .hasMessageStartingWith("Cannot draw the learning curves of " + reordered + notOurs);
    }

    @Test
    void aBadLearningCurveFileSpoilsOnlyItsSection() throws Exception {
        Path garbled = dir.resolve("spoilt.csv");
        Files.writeString(garbled, "image_set,features,algorithm,labels_per_class,accuracy\nx,y,z,ten,0.5\n");

        LakeReport.Contents report = LakeReport.gather(spark, tables, root, "b1", garbled);
        String html = ReportPage.html(report);

        assertThat(report.learningCurves()).isEmpty();
        assertThat(report.learningCurvesProblem().orElseThrow())
                .startsWith("Cannot draw the learning curves of " + garbled + ": its lines are not ");
        assertThat(html)
                .contains("Cannot draw the learning curves of " + garbled)
                .contains("Confusion matrix of h-b1");
        assertThat(charts(html)).as("every chart but the learning curves").hasSize(7);
    }

    @Test
    void aHeadsTableOfAnOlderVersionIsReadAsItIsWithoutAMigration() {
        URI older = SharedLake.freshRoot(ReportTest.class).resolve("older/");
        String heads = LakeTable.HEADS.location(older).toString();
        // The heads as a version without promoted_at would have written them.
        tables.read(LakeTable.HEADS).drop("promoted_at").write().format("delta").save(heads);
        Tables fresh = new Tables(spark, older);

        LakeReport.Contents report = LakeReport.gather(spark, fresh, older, "b1", dir.resolve("absent.csv"));

        assertThat(report.champion().map(HeadRecord::headId)).contains("h-b1");
        assertThat(report.champion().orElseThrow().promotedAt()).isNull();
        assertThat(io.delta.tables.DeltaTable.forPath(spark, heads).history().count())
                .as("no commit: the table is not migrated")
                .isEqualTo(1);
        assertThat(spark.read().format("delta").load(heads).columns()).doesNotContain("promoted_at");
    }

    private static List<BufferedImage> charts(String html) {
        List<BufferedImage> images = new ArrayList<>();
        Matcher png = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")
                .matcher(html);
        while (png.find()) {
            try {
                images.add(ImageIO.read(
                        new ByteArrayInputStream(Base64.getDecoder().decode(png.group(1)))));
            } catch (java.io.IOException e) {
                throw new AssertionError("an image of the page is no PNG", e);
            }
        }
        assertThat(html.split("<img ", -1)).as("every image is an inline PNG").hasSize(images.size() + 1);
        return images;
    }

    private static int colours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
