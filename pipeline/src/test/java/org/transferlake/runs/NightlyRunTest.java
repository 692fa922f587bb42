package org.transferlake.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.PipelineConfig;
import org.transferlake.config.TransferlakeException;
import org.transferlake.lake.Lake;
import org.transferlake.lake.LakeTable;
import org.transferlake.testing.DemoImages;
import org.transferlake.testing.SharedLake;

/** Nights in order on one lake prefix: a first night, an idle one, a few new images, a forced retrain, a held lock, maintenance. */
@Tag("spark")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyRunTest {
    private static SparkSession spark;
    private static URI root;
    private static FileSystem fs;
    private static PipelineConfig config;
    private static double firstNightSeconds;
    private static String championAfterTheForcedTrain;

    @BeforeAll
    static void fortyLabelledImages() {
        Lake lake = SharedLake.get();
        spark = lake.spark();
        fs = lake.fileSystem();
        root = SharedLake.freshRoot(NightlyRunTest.class);
        DemoImages.write(fs, root, 3, 1, 11);
        config = config(Map.of());
    }

    private static PipelineConfig config(Map<String, String> more) {
        Map<String, String> overrides = new HashMap<>(Map.of(
                "lake.root", root.toString(),
                "lake.embedded.data-dir", "target/test-lake",
                "backbone.cache-dir",
                        Path.of("target/model-cache").toAbsolutePath().toString(),
                "heads.algorithms", "[logistic_regression]",
                "heads.logistic-regression.reg-params", "[0.01]",
                "nightly.retrain-min-new-labels", "20"));
        overrides.putAll(more);
        return ConfigLoader.load(null, overrides, Map.of());
    }

    private static Map<LakeTable, Long> versions() {
        Map<LakeTable, Long> versions = new java.util.EnumMap<>(LakeTable.class);
        for (LakeTable table : LakeTable.values()) {
            versions.put(
                    table,
                    DeltaTable.forPath(spark, table.location(root).toString())
                            .history(1)
                            .head()
                            .getLong(0));
        }
        return versions;
    }

    private static Row runRow(String runId) {
        return spark.read()
                .format("delta")
                .load(LakeTable.RUNS.location(root).toString())
                .where(org.apache.spark.sql.functions.col("run_id").equalTo(runId))
                .head();
    }

    private static long rows(LakeTable table) {
        return spark.read()
                .format("delta")
                .load(table.location(root).toString())
                .count();
    }

    @Test
    @Order(1)
    void theFirstNightExtractsTrainsPromotesAndScoresAsOneRun() throws Exception {
        NightlyRun.Result night = NightlyRun.run(spark, config, false, null);
        firstNightSeconds = night.timings().values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();

        assertThat(night.extract().embedded()).isEqualTo(40);
        assertThat(night.newLabels())
                .as("no training yet: every labelled row is new")
                .isEqualTo(40);
        assertThat(night.train()).isPresent();
        assertThat(night.train().get().championId())
                .isEqualTo(night.train().get().heads().get(0).headId());
        assertThat(night.score()).isPresent();
        assertThat(night.score().get().scored()).isEqualTo(40);
        assertThat(night.timings()).containsOnlyKeys("extract", "train", "score");

        Row row = runRow(night.runId());
        assertThat(row.<String>getAs("job")).isEqualTo("nightly");
        assertThat(row.<String>getAs("status")).isEqualTo("succeeded");
        assertThat(row.getList(row.fieldIndex("child_run_ids")))
                .containsExactly(
                        night.extract().runId(),
                        night.train().get().runId(),
                        night.score().get().runId());
        assertThat(row.<String, Long>getJavaMap(row.fieldIndex("counts")))
                .containsEntry("embedded", 40L)
                .containsEntry("new_labels", 40L)
                .containsEntry("heads_trained", 1L)
                .containsEntry("scored", 40L);
        for (String child : List.of(
                night.extract().runId(),
                night.train().get().runId(),
                night.score().get().runId())) {
            assertThat(runRow(child).<String>getAs("status")).as(child).isEqualTo("succeeded");
        }
        assertThat(fs.exists(RunLock.location(root))).as("lock released").isFalse();
    }

    @Test
    @Order(2)
    void anIdleNightEmbedsTrainsAndScoresNothing() {
        Map<LakeTable, Long> before = versions();

        NightlyRun.Result night = NightlyRun.run(spark, config, false, null);
        double seconds = night.timings().values().stream()
                .mapToDouble(Double::doubleValue)
                .sum();
        System.out.printf(
                "idle night: %.1f s, %.0f%% of the first night (%.1f s)%n",
                seconds, 100 * seconds / firstNightSeconds, firstNightSeconds);

        assertThat(night.extract().embedded() + night.extract().quarantined()).isZero();
        assertThat(night.newLabels()).isZero();
        assertThat(night.train()).isEmpty();
        assertThat(night.trainSkipped())
                .startsWith("0 labelled rows since the last training ")
                .endsWith(", fewer than 20");
        assertThat(night.score().orElseThrow().scored()).isZero();
        Map<LakeTable, Long> after = versions();
        for (LakeTable table :
                List.of(LakeTable.FEATURES, LakeTable.QUARANTINE, LakeTable.HEADS, LakeTable.PREDICTIONS)) {
            assertThat(after.get(table)).as(table + " version").isEqualTo(before.get(table));
        }
        assertThat(rows(LakeTable.HEADS)).isEqualTo(1);
    }

    @Test
    @Order(3)
    void fewNewImagesAreEmbeddedAndScoredWithoutRetraining() throws Exception {
        copyTrainImages(10);

        NightlyRun.Result night = NightlyRun.run(spark, config, false, null);

        assertThat(night.extract().embedded()).isEqualTo(10);
        assertThat(night.newLabels()).isEqualTo(10);
        assertThat(night.train()).isEmpty();
        assertThat(night.score().orElseThrow().scored())
                .as("only what the champion had not scored")
                .isEqualTo(10);
        assertThat(rows(LakeTable.HEADS)).isEqualTo(1);
    }

    @Test
    @Order(4)
    void forceTrainTrainsEvenWithFewNewLabels() {
        NightlyRun.Result night = NightlyRun.run(spark, config, true, null);

        assertThat(night.train()).isPresent();
        championAfterTheForcedTrain = night.train().get().championId();
        assertThat(rows(LakeTable.HEADS)).isEqualTo(2);
        assertThat(runRow(night.runId()).getList(runRow(night.runId()).fieldIndex("child_run_ids")))
                .hasSize(3);
    }

    @Test
    @Order(5)
    void aSecondNightlyWhileOneHoldsTheLockIsRefusedAndChangesNothing() throws Exception {
        copyTrainImages(3);
        Map<LakeTable, Long> before = versions();
        RunLock other = CompletableFuture.supplyAsync(
                        () -> RunLock.acquire(fs, root, "nightly", "nightly-elsewhere", Duration.ofMinutes(10)))
                .get();
        try {
            assertThatThrownBy(() -> NightlyRun.run(spark, config, false, null))
                    .isInstanceOfSatisfying(
                            TransferlakeException.class,
                            e -> assertThat(e.kind()).isEqualTo(TransferlakeException.Kind.LOCK_HELD))
                    .hasMessageStartingWith("Cannot start nightly: another run holds the lake lock ");
        } finally {
            other.close();
        }
        assertThat(versions()).as("no table changed, not even runs").isEqualTo(before);
    }

    @Test
    @Order(6)
    void everyNotebookRunsOnThisLakeWithRowsWhereItExpectsThem(@org.junit.jupiter.api.io.TempDir Path executed)
            throws Exception {
        // Before the forced VACUUM below: the drift notebook reads version 1 of features.
        SharedLake.forgetLakeNames();
        new org.transferlake.lake.Tables(spark, root)
                .registerAll(java.util.Optional.of(org.transferlake.backbone.ModelStore.configuredBackboneId(
                        config, spark.sparkContext().hadoopConfiguration())));
        List<Path> notebooks;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(Path.of("../notebooks"))) {
            notebooks = files.filter(file -> file.toString().endsWith(".ipynb"))
                    .sorted()
                    .toList();
        }
        assertThat(notebooks).hasSize(6);

        for (Path notebook : notebooks) {
            Path written = executed.resolve(notebook.getFileName());
            org.transferlake.query.NotebookRunner.Outcome outcome =
                    org.transferlake.query.NotebookRunner.run(spark, notebook, written);

            assertThat(outcome.error()).as(notebook.toString()).isEmpty();
            assertThat(outcome.emptyCells())
                    .as(notebook + ": cells that expected rows")
                    .isEmpty();
            assertThat(outcome.cellsRun())
                    .isEqualTo(org.transferlake.query.NotebookRunner.codeCells(notebook)
                            .size());
            com.fasterxml.jackson.databind.JsonNode cells = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(written.toFile())
                    .get("cells");
            for (com.fasterxml.jackson.databind.JsonNode cell : cells) {
                if (cell.path("cell_type").asText().equals("code")) {
                    assertThat(cell.get("outputs").size())
                            .as(notebook + ": " + cell.get("source"))
                            .isPositive();
                    if (cell.path("metadata").path("transferlake").has("chart")) {
                        assertThat(cell.get("outputs").findValues("image/png"))
                                .as(notebook + ": its chart")
                                .hasSize(1);
                    }
                }
            }
        }
    }

    @Test
    @Order(7)
    void theReportShowsThisLakesRunsChampionAndEmbeddings(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        String backboneId = org.transferlake.backbone.ModelStore.configuredBackboneId(
                config, spark.sparkContext().hadoopConfiguration());
        org.transferlake.lake.Tables tables = new org.transferlake.lake.Tables(spark, root);

        org.transferlake.report.LakeReport.Contents report =
                org.transferlake.report.LakeReport.gather(spark, tables, root, backboneId, dir.resolve("none.csv"));
        Path page = dir.resolve("report.html");
        org.transferlake.report.ReportPage.write(report, page);

        // The nights above: 40 images, then none, then 10, then none (the fifth was refused the lock).
        assertThat(report.rows()).containsEntry("features", 50L).containsEntry("features_current", 50L);
        assertThat(report.rows()).containsEntry("runs", rows(LakeTable.RUNS)).containsEntry("heads", 2L);
        assertThat(report.runs().stream()
                        .filter(run -> run.job().equals("extract"))
                        .map(run -> run.counts().get("embedded")))
                .as("newest first")
                .containsExactly(0L, 10L, 0L, 40L);
        assertThat(report.runs().stream().filter(run -> run.job().equals("nightly")))
                .hasSize(4);
        assertThat(report.champion().orElseThrow().headId())
                .as("the champion the last train left")
                .isEqualTo(championAfterTheForcedTrain);
        assertThat(report.runs().stream()
                        .filter(run -> run.job().equals("extract"))
                        .map(run -> ExtractRun.embedRate(
                                        run.counts().get("embedded"),
                                        run.counts().get("quarantined"),
                                        run.timings())
                                .isPresent()))
                .as("embedding measured where there was something to embed")
                .containsExactly(false, true, false, true);
        assertThat(report.projection().orElseThrow().points()).hasSize(50);
        // Four of each class among the 40; the ten copies are the first train images by path (3 ankle boots).
        assertThat(report.projection().orElseThrow().points().stream()
                        .filter(point -> point.label().equals("ankle_boot")))
                .hasSize(7);
        assertThat(report.projection().orElseThrow().points().stream()
                        .filter(point -> point.label().equals("sneaker")))
                .hasSize(4);
        assertThat(java.nio.file.Files.readString(page))
                .contains("<tr><td>features_current</td><td class=\"n\">50</td></tr>");
    }

    @Test
    @Order(8)
    void maintainCompactsEveryTableAndKeepsItsRows() {
        List<Row> featuresBefore = sortedFeatureKeys();
        long runsBefore = rows(LakeTable.RUNS);

        MaintainRun.Result result = MaintainRun.run(spark, config, false);

        MaintainRun.TableResult runs = result.tables().stream()
                .filter(t -> t.table().equals("runs"))
                .findFirst()
                .orElseThrow();
        assertThat(runs.filesBefore()).as("a file per run start and end").isGreaterThan(5);
        assertThat(runs.filesAfter()).isEqualTo(1);
        assertThat(runs.storedAfter())
                .as("nothing is older than 168 hours: VACUUM keeps every file")
                .isEqualTo(runs.storedBefore() + 1);
        assertThat(result.tables())
                .extracting(MaintainRun.TableResult::table)
                .containsExactly("features", "quarantine", "heads", "predictions", "runs");
        assertThat(sortedFeatureKeys()).isEqualTo(featuresBefore);
        assertThat(rows(LakeTable.RUNS)).as("plus the maintain run's own row").isEqualTo(runsBefore + 1);
    }

    @Test
    @Order(9)
    void aVacuumRetentionBelowDeltasFloorIsRefusedUnlessForced() {
        PipelineConfig noRetention = config(Map.of("maintain.vacuum-retention-hours", "0"));

        assertThatThrownBy(() -> MaintainRun.run(spark, noRetention, false))
                .isInstanceOfSatisfying(
                        TransferlakeException.class,
                        e -> assertThat(e.kind()).isEqualTo(TransferlakeException.Kind.INVALID_INPUT))
                .hasMessage("Cannot maintain the lake: maintain.vacuum-retention-hours is 0 hours, below Delta's floor"
                        + " of 168: VACUUM could delete files that a running reader or a time-travel query still"
                        + " needs. Keep it at 168 or more, or pass --force if no reader or writer is running.");

        List<Row> featuresBefore = sortedFeatureKeys();
        MaintainRun.Result forced = MaintainRun.run(spark, noRetention, true);
        MaintainRun.TableResult features = forced.tables().get(0);
        assertThat(features.storedAfter())
                .as("only the files of the current version stay")
                .isEqualTo(features.filesAfter());
        assertThat(storedFiles(LakeTable.FEATURES)).isEqualTo(features.filesAfter());
        assertThat(sortedFeatureKeys()).isEqualTo(featuresBefore);
    }

    private static List<Row> sortedFeatureKeys() {
        return spark.read()
                .format("delta")
                .load(LakeTable.FEATURES.location(root).toString())
                .select("path", "content_sha256", "backbone_id")
                .orderBy("path")
                .collectAsList();
    }

    private static long storedFiles(LakeTable table) {
        try {
            RemoteIterator<LocatedFileStatus> files =
                    fs.listFiles(new org.apache.hadoop.fs.Path(table.location(root)), true);
            long count = 0;
            while (files.hasNext()) {
                count += files.next().getPath().toString().contains("/_delta_log/") ? 0 : 1;
            }
            return count;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** New labelled images: copies of the first {@code count} train images under new names. */
    private static void copyTrainImages(int count) throws Exception {
        RemoteIterator<LocatedFileStatus> files =
                fs.listFiles(new org.apache.hadoop.fs.Path(root.resolve("images/fashion-mnist/train/")), true);
        List<org.apache.hadoop.fs.Path> originals = new java.util.ArrayList<>();
        while (files.hasNext()) {
            org.apache.hadoop.fs.Path path = files.next().getPath();
            if (!path.getName().startsWith("copy-")) {
                originals.add(path);
            }
        }
        java.util.Collections.sort(originals);
        for (org.apache.hadoop.fs.Path original : originals.subList(0, count)) {
            org.apache.hadoop.fs.Path copy =
                    new org.apache.hadoop.fs.Path(original.getParent(), "copy-" + System.nanoTime() + ".png");
            try (InputStream in = fs.open(original);
                    OutputStream out = fs.create(copy, false)) {
                in.transferTo(out);
            }
        }
    }
}
