package org.transferlake.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
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
import org.transferlake.lake.Lake;
import org.transferlake.testing.DemoImages;
import org.transferlake.testing.ImageFixtures;
import org.transferlake.testing.SharedLake;

/** One lake prefix, runs in order: first, idle re-run, a changed image, a touched-but-same image, a failure. */
@Tag("spark")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExtractRunTest {
    private static SparkSession spark;
    private static URI root;
    private static PipelineConfig config;
    private static FileSystem fs;

    @BeforeAll
    static void demoImagesPlusBadOnes() throws Exception {
        Lake lake = SharedLake.get();
        spark = lake.spark();
        root = SharedLake.freshRoot(ExtractRunTest.class);
        fs = lake.fileSystem();
        DemoImages.write(fs, root, 2, 1, 7);
        write(
                "images/fashion-mnist/train/bag/broken.png",
                java.util.Arrays.copyOf(ImageFixtures.fixture("rgb.png"), 50));
        write("images/fashion-mnist/train/bag/empty.PNG", new byte[0]);
        write("images/fashion-mnist/train/bag/notes.txt", "not an image".getBytes());
        config = ConfigLoader.load(
                null,
                Map.of(
                        "lake.root", root.toString(),
                        "lake.embedded.data-dir", "target/test-lake",
                        "backbone.cache-dir",
                                Path.of("target/model-cache").toAbsolutePath().toString()),
                Map.of());
    }

    private static void write(String relative, byte[] bytes) throws Exception {
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(root.resolve(relative)), true)) {
            out.write(bytes);
        }
    }

    private static List<Row> sql(String query) {
        return spark.sql(query.replace("FEATURES", "delta.`" + root + "features`")
                        .replace("QUARANTINE", "delta.`" + root + "quarantine`")
                        .replace("RUNS", "delta.`" + root + "runs`"))
                .collectAsList();
    }

    @Test
    @Order(0)
    void aPlanBeforeTheFirstRunCountsEveryImageAsNewAndCreatesNothing() throws Exception {
        ExtractRun.Plan plan = ExtractRun.plan(spark, config, 3);

        assertThat(plan.listed()).isEqualTo(32);
        assertThat(plan.newPaths()).isEqualTo(32);
        assertThat(plan.touched()).isZero();
        assertThat(plan.sample())
                .hasSize(3)
                .allSatisfy(path -> assertThat(path).startsWith(root + "images/fashion-mnist/"))
                .isSorted();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(root.resolve("features"))))
                .as("no table created")
                .isFalse();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(root.resolve("runs"))))
                .as("no runs row")
                .isFalse();
        assertThat(fs.exists(new org.apache.hadoop.fs.Path(root.resolve("_transferlake"))))
                .as("no lock taken")
                .isFalse();
    }

    @Test
    @Order(1)
    void firstRunEmbedsEveryImageAndQuarantinesTheBadOnes() {
        ExtractRun.Result result = ExtractRun.run(spark, config, null);

        assertThat(result.listed())
                .as("30 demo images + 2 bad; .txt not listed")
                .isEqualTo(32);
        assertThat(result.embedded()).isEqualTo(30);
        assertThat(result.quarantined()).isEqualTo(2);
        assertThat(result.unchanged()).isZero();
        assertThat(result.backboneId()).startsWith("mobilenet_v2@sha256:");

        assertThat(sql("SELECT count(*), count(DISTINCT path), min(dim), max(dim) FROM FEATURES")
                        .get(0)
                        .toString())
                .isEqualTo("[30,30,3392,3392]");
        assertThat(sql("SELECT split, count(*) FROM FEATURES GROUP BY split ORDER BY split")
                        .toString())
                .isEqualTo("[[test,10], [train,20]]");
        assertThat(sql("SELECT count(DISTINCT label) FROM FEATURES").get(0).getLong(0))
                .isEqualTo(10);
        assertThat(sql("SELECT reason, stage FROM QUARANTINE ORDER BY reason").toString())
                .isEqualTo("[[EMPTY,embed], [TRUNCATED,embed]]");
        Row run = sql("SELECT status, counts, job FROM RUNS WHERE run_id = '" + result.runId() + "'")
                .get(0);
        assertThat(run.getString(0)).isEqualTo("succeeded");
        assertThat(run.<String, Long>getJavaMap(1))
                .containsEntry("listed", 32L)
                .containsEntry("embedded", 30L)
                .containsEntry("quarantined", 2L)
                .containsEntry("unchanged", 0L)
                .containsEntry("re_embedded", 0L);
        assertThat(sql("SELECT count(*) FROM RUNS WHERE run_id = '" + result.runId() + "'")
                        .get(0)
                        .getLong(0))
                .as("the running row became the final row")
                .isEqualTo(1);
    }

    @Test
    @Order(2)
    void reRunWithNothingNewWritesNothing() {
        long featureVersions = sql("DESCRIBE HISTORY FEATURES").size();

        ExtractRun.Result result = ExtractRun.run(spark, config, null);

        assertThat(List.of(result.listed(), result.embedded(), result.quarantined(), result.unchanged()))
                .containsExactly(32L, 0L, 0L, 32L);
        assertThat(result.timings()).doesNotContainKey("embed");
        assertThat(sql("DESCRIBE HISTORY FEATURES")).hasSize((int) featureVersions);
        assertThat(sql("SELECT count(*) FROM FEATURES").get(0).getLong(0)).isEqualTo(30);
        ExtractRun.Plan plan = ExtractRun.plan(spark, config, 3);
        assertThat(List.of(plan.listed(), plan.newPaths(), plan.touched())).containsExactly(32L, 0L, 0L);
        assertThat(plan.sample()).isEmpty();
    }

    @Test
    @Order(3)
    void aChangedImageIsEmbeddedAgainInPlace() throws Exception {
        String path = sql("SELECT path FROM FEATURES WHERE label = 'coat' ORDER BY path LIMIT 1")
                .get(0)
                .getString(0);
        String before = sql("SELECT content_sha256 FROM FEATURES WHERE path = '" + path + "'")
                .get(0)
                .getString(0);
        write(path.substring(root.toString().length()), ImageFixtures.fixture("rgb.png"));

        ExtractRun.Result result = ExtractRun.run(spark, config, null);

        assertThat(List.of(result.embedded(), result.quarantined(), result.unchanged()))
                .containsExactly(1L, 0L, 31L);
        List<Row> rows = sql("SELECT content_sha256, width, run_id FROM FEATURES WHERE path = '" + path + "'");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).getString(0)).isNotEqualTo(before);
        assertThat(rows.get(0).getInt(1)).isEqualTo(48);
        assertThat(rows.get(0).getString(2)).isEqualTo(result.runId());
        assertThat(sql("SELECT counts['re_embedded'] FROM RUNS WHERE run_id = '" + result.runId() + "'")
                        .get(0)
                        .getLong(0))
                .isEqualTo(1);
    }

    @Test
    @Order(4)
    void aTouchedFileWithTheSameBytesIsNotEmbeddedAgain() throws Exception {
        Row row = sql("SELECT path, modification_time, run_id FROM FEATURES WHERE label = 'bag' ORDER BY path LIMIT 1")
                .get(0);
        String path = row.getString(0);
        Thread.sleep(1100);
        byte[] same = spark.read()
                .format("binaryFile")
                .load(path)
                .select("content")
                .head()
                .getAs(0);
        write(path.substring(root.toString().length()), same);
        String broken = "images/fashion-mnist/train/bag/broken.png";
        Row refused = sql("SELECT modification_time, run_id FROM QUARANTINE WHERE path LIKE '%/" + broken + "'")
                .get(0);
        write(broken, java.util.Arrays.copyOf(ImageFixtures.fixture("rgb.png"), 50));
        // An empty file touched is the same (no) bytes: unchanged, not quarantined a second time.
        write("images/fashion-mnist/train/bag/empty.PNG", new byte[0]);

        ExtractRun.Result result = ExtractRun.run(spark, config, null);

        assertThat(List.of(result.embedded(), result.quarantined(), result.unchanged()))
                .containsExactly(0L, 0L, 32L);
        Row after = sql("SELECT modification_time, run_id FROM FEATURES WHERE path = '" + path + "'")
                .get(0);
        assertThat(after.getTimestamp(0)).as("metadata refreshed").isAfter(row.getTimestamp(1));
        assertThat(after.getString(1)).as("not re-embedded").isEqualTo(row.getString(2));
        List<Row> refusedAfter =
                sql("SELECT modification_time, run_id FROM QUARANTINE WHERE path LIKE '%/" + broken + "'");
        assertThat(refusedAfter).as("still one quarantine row").hasSize(1);
        assertThat(refusedAfter.get(0).getTimestamp(0)).as("metadata refreshed").isAfter(refused.getTimestamp(0));
        assertThat(refusedAfter.get(0).getString(1)).as("not refused again").isEqualTo(refused.getString(1));
        ExtractRun.Result idle = ExtractRun.run(spark, config, null);
        assertThat(idle.unchanged())
                .as("metadata refreshed: nothing looks touched any more")
                .isEqualTo(32);
        assertThat(idle.timings()).doesNotContainKey("refresh touched files");
        assertThat(sql("SELECT counts['new_or_touched'] FROM RUNS WHERE run_id = '" + idle.runId() + "'")
                        .get(0)
                        .getLong(0))
                .isZero();
    }

    @Test
    @Order(5)
    void aFailedRunIsRecordedWithItsError() {
        URI missing = root.resolve("no-such-images/");
        String message = "Cannot list images: root " + missing + " does not exist. "
                + "Check extract.roots (default: <lake.root>images/); run 'transferlake demo-data' for the demo images.";

        assertThatThrownBy(() -> ExtractRun.run(spark, config.withImageRoots(List.of(missing)), null))
                .hasMessage(message);

        Row run =
                sql("SELECT status, error, ended_at IS NOT NULL, timings_seconds FROM RUNS ORDER BY started_at DESC LIMIT 1")
                        .get(0);
        assertThat(run.getString(0)).isEqualTo("failed");
        assertThat(run.getString(1)).isEqualTo(message);
        assertThat(run.getBoolean(2)).isTrue();
        assertThat(run.<String, Double>getJavaMap(3)).containsOnlyKeys("resolve backbone", "list images");
    }

    @Test
    @Order(6)
    void anotherPreprocessingIsAnotherFeatureSpaceAndTheOldRowsStay() {
        String before = sql("SELECT DISTINCT backbone_id FROM FEATURES").get(0).getString(0);
        PipelineConfig tf = ConfigLoader.load(
                null,
                Map.of(
                        "lake.root",
                        root.toString(),
                        "lake.embedded.data-dir",
                        "target/test-lake",
                        "backbone.cache-dir",
                        Path.of("target/model-cache").toAbsolutePath().toString(),
                        "backbone.preprocessing",
                        "tf"),
                Map.of());

        ExtractRun.Result result = ExtractRun.run(spark, tf, null);

        assertThat(result.backboneId()).isNotEqualTo(before).startsWith(before.substring(0, before.indexOf('+')));
        assertThat(List.of(result.listed(), result.embedded(), result.quarantined(), result.unchanged()))
                .as("every good image embedded again; the refused ones stay refused")
                .containsExactly(32L, 30L, 0L, 2L);
        assertThat(sql("SELECT backbone_id, count(*) FROM FEATURES GROUP BY backbone_id ORDER BY backbone_id").stream()
                        .map(row -> row.getLong(1))
                        .toList())
                .containsExactly(30L, 30L);
    }
}
