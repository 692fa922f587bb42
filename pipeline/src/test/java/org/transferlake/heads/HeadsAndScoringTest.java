package org.transferlake.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.backbone.ModelStore;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.HeadsConfig;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;
import org.transferlake.runs.ScoreRun;
import org.transferlake.runs.TrainRun;
import org.transferlake.score.PredictionExport;
import org.transferlake.score.Predictions;
import org.transferlake.testing.SharedLake;

/**
 * Heads on a tiny separable feature set (3 classes, 8-d clusters), written straight into a
 * features table: train, register, promote, score incrementally, roll back.
 */
@Tag("spark")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HeadsAndScoringTest {
    private static final List<String> CLASSES = List.of("circle", "square", "star");
    private static SparkSession spark;
    private static PipelineConfig config;
    private static URI root;
    private static String backboneId;
    private static Tables tables;
    private static String firstChampion;

    @TempDir
    static Path dir;

    @BeforeAll
    static void separableFeatures() {
        spark = SharedLake.get().spark();
        root = SharedLake.freshRoot(HeadsAndScoringTest.class);
        config = ConfigLoader.load(
                null,
                Map.of(
                        "lake.root", root.toString(),
                        "lake.embedded.data-dir", "target/test-lake",
                        "backbone.cache-dir",
                                Path.of("target/model-cache").toAbsolutePath().toString(),
                        "heads.mlp.hidden-units", "[4, 16]",
                        "heads.mlp.iterations", "[10, 40]",
                        "heads.logistic-regression.reg-params", "[0.0, 0.01]"),
                Map.of());
        backboneId = new ModelStore(config.modelCacheDir(), spark.sparkContext().hadoopConfiguration())
                .identify(config.backbone());
        tables = new Tables(spark, root);
        tables.upsert(LakeTable.FEATURES, features(0, 30, 10), Map.of());
    }

    /** {@code train} + {@code test} images per class, clustered around one-hot centres; paths from {@code first}. */
    private static Dataset<Row> features(int first, int train, int test) {
        Random random = new Random(first);
        List<Row> rows = new ArrayList<>();
        for (int c = 0; c < CLASSES.size(); c++) {
            for (int i = 0; i < train + test; i++) {
                Float[] embedding = new Float[8];
                for (int d = 0; d < 8; d++) {
                    embedding[d] = (float) ((d == c ? 3.0 : 0.0) + random.nextGaussian() * 0.3);
                }
                String path = "s3a://lake/fake/" + CLASSES.get(c) + "/" + (first + i) + ".png";
                rows.add(RowFactory.create(
                        path,
                        backboneId,
                        "sha-" + (first + i),
                        100L,
                        new Timestamp(0),
                        8,
                        8,
                        CLASSES.get(c),
                        i < train ? "train" : "test",
                        List.of(embedding),
                        8,
                        "fake-run",
                        new Timestamp(0)));
            }
        }
        return spark.createDataFrame(rows, LakeTable.FEATURES.schema());
    }

    private static long count(String sql) {
        return spark.sql(sql.replace("PREDICTIONS", "delta.`" + root + "predictions`")
                        .replace("HEADS", "delta.`" + root + "heads`"))
                .head()
                .getLong(0);
    }

    @Test
    @Order(1)
    void aSeparableSetIsLearnedPerfectlyAndTheBestHeadBecomesChampion() {
        TrainRun.Result result = TrainRun.run(spark, config);

        assertThat(result.trainRows()).isEqualTo(90);
        assertThat(result.testRows()).isEqualTo(30);
        assertThat(result.heads()).hasSize(2).allSatisfy(head -> {
            assertThat(head.metrics().accuracy()).as(head.algorithm()).isEqualTo(1.0);
            assertThat(head.metrics().macroF1()).isEqualTo(1.0);
            assertThat(head.metrics().labels()).isEqualTo(CLASSES);
            assertThat(head.metrics().confusion()[1]).containsExactly(0, 10, 0);
        });
        Map<String, String> mlp = result.heads().stream()
                .filter(head -> head.algorithm().equals("mlp"))
                .findFirst()
                .orElseThrow()
                .params();
        // Separable clusters: the validation split is all right, so there is nothing to calibrate against,
        // and the first width at its first check is already perfect (ties keep the earlier check).
        assertThat(mlp)
                .containsEntry("layers", "[8, 4, 3]")
                .containsEntry("iterations", "10")
                .containsEntry("validation_accuracy", "1.0")
                .containsEntry("temperature", "1.0")
                .containsEntry("calibration", "skipped: every held-out row is predicted right");
        assertThat(result.decision()).isEqualTo(Promotion.Decision.FIRST_CHAMPION);
        firstChampion = result.championId();
        assertThat(count("SELECT count(*) FROM HEADS WHERE status = 'champion'"))
                .isEqualTo(1);
        assertThat(count("SELECT count(*) FROM HEADS WHERE status = 'candidate'"))
                .isEqualTo(1);
    }

    @Test
    @Order(2)
    void aSavedHeadLoadsBackAndPredictsTheSame() throws Exception {
        HeadRecord head = new HeadRegistry(spark, tables).find(firstChampion).orElseThrow();
        assertThat(head.status()).isEqualTo(HeadRegistry.CHAMPION);
        assertThat(head.backboneId()).isEqualTo(backboneId);
        assertThat(List.of(head.trainRows(), head.testRows())).containsExactly(90L, 30L);
        assertThat(head.labels()).isEqualTo(CLASSES);
        assertThat(head.confusion())
                .as("read back from the table")
                .containsExactly(List.of(10L, 0L, 0L), List.of(0L, 10L, 0L), List.of(0L, 0L, 10L));
        assertThat(head.perClass())
                .containsExactly(
                        new HeadRecord.ClassMetrics("circle", 1.0, 1.0, 10),
                        new HeadRecord.ClassMetrics("square", 1.0, 1.0, 10),
                        new HeadRecord.ClassMetrics("star", 1.0, 1.0, 10));
        assertThat(head.promotedAt()).isNotNull();
        PipelineModel model = PipelineModel.load(head.modelUri());
        Dataset<Row> sample = features(500, 0, 5);
        List<Row> before = Predictions.predict(model, sample, 2)
                .orderBy("path")
                .select("path", "label", "probability")
                .collectAsList();
        model.write().overwrite().save(dir.resolve("copy").toString());
        List<Row> after = Predictions.predict(
                        PipelineModel.load(dir.resolve("copy").toString()), sample, 2)
                .orderBy("path")
                .select("path", "label", "probability")
                .collectAsList();
        assertThat(after).isEqualTo(before);
        List<Row> topTwo = Predictions.predict(model, sample, 2).collectAsList();
        assertThat(topTwo).hasSize(15).allSatisfy(row -> {
            List<Row> topK = row.getList(row.fieldIndex("top_k"));
            assertThat(topK).hasSize(2);
            assertThat(topK.get(0).getString(0)).isEqualTo(row.getAs("label"));
            assertThat(topK.get(0).getDouble(1)).isEqualTo((Double) row.getAs("probability"));
            assertThat(topK.get(0).getDouble(1))
                    .isGreaterThanOrEqualTo(topK.get(1).getDouble(1));
        });
        assertThat(Predictions.rows(Predictions.predict(model, sample, 2), head.headId(), "run-1")
                        .schema()
                        .fieldNames())
                .containsExactly(LakeTable.PREDICTIONS.schema().fieldNames());
        assertThat(before).allSatisfy(row -> assertThat(row.getString(0)).contains("/" + row.getString(1) + "/"));
    }

    @Test
    @Order(3)
    void scoringIsIncremental() {
        ScoreRun.Result first = ScoreRun.run(spark, config, Optional.empty(), Optional.empty());
        assertThat(first.headId()).isEqualTo(firstChampion);
        assertThat(first.scored()).isEqualTo(120);

        ScoreRun.Result again = ScoreRun.run(spark, config, Optional.empty(), Optional.empty());
        assertThat(again.scored()).isZero();
        assertThat(again.alreadyScored()).isEqualTo(120);

        tables.upsert(LakeTable.FEATURES, features(1000, 2, 0), Map.of());
        Path export = dir.resolve("export");
        ScoreRun.Result newOnly = ScoreRun.run(
                spark,
                config,
                Optional.empty(),
                Optional.of(new PredictionExport(export.toUri().toString(), PredictionExport.Format.CSV)));
        assertThat(newOnly.scored()).isEqualTo(6);
        assertThat(count("SELECT count(*) FROM PREDICTIONS")).isEqualTo(126);
        assertThat(count("SELECT count(DISTINCT path) FROM PREDICTIONS")).isEqualTo(126);
        assertThat(count("SELECT count(*) FROM PREDICTIONS WHERE size(top_k) = 3 AND top_k[0].label = label"))
                .isEqualTo(126);
        assertThat(spark.read().option("header", "true").csv(export.toString()).count())
                .isEqualTo(126);
        assertThatThrownBy(() -> PredictionExport.Format.of("xml"))
                .hasMessage(
                        "Cannot export predictions: format xml is not one of [csv, parquet, json]. Pass --format csv, parquet or json.");
    }

    @Test
    @Order(4)
    void promotingAnotherHeadScoresEverythingAgainAndRollbackRestores() {
        HeadRegistry registry = new HeadRegistry(spark, tables);
        String other = registry.list().where("status = 'candidate'").head().getAs("head_id");
        long versions = spark.sql("DESCRIBE HISTORY delta.`" + root + "heads`").count();

        registry.promote(other);
        ScoreRun.Result rescored = ScoreRun.run(spark, config, Optional.empty(), Optional.empty());

        assertThat(rescored.headId()).isEqualTo(other);
        assertThat(rescored.scored()).isEqualTo(126);
        assertThat(count("SELECT count(DISTINCT head_id) FROM PREDICTIONS"))
                .as("old predictions stay")
                .isEqualTo(2);
        assertThat(registry.rollback(backboneId)).isEqualTo(firstChampion);
        assertThat(registry.champion(backboneId).orElseThrow().headId()).isEqualTo(firstChampion);
        assertThat(count("SELECT count(*) FROM HEADS WHERE status = 'champion'"))
                .isEqualTo(1);
        assertThat(registry.find(other).orElseThrow().status()).isEqualTo(HeadRegistry.RETIRED);
        assertThat(spark.sql("DESCRIBE HISTORY delta.`" + root + "heads`").count())
                .as("one commit each")
                .isEqualTo(versions + 2);
        assertThatThrownBy(() -> registry.promote("no-such-head"))
                .hasMessage(
                        "Cannot promote head no-such-head: there is no such head. List the heads with 'transferlake heads list'.");
    }

    @Test
    @Order(5)
    void everyNotebookQueryRuns() throws Exception {
        tables.ensure(LakeTable.QUARANTINE);
        spark.sql("CREATE DATABASE IF NOT EXISTS " + LakeTable.DATABASE);
        for (LakeTable table : LakeTable.values()) {
            // This test's lake, under the names the notebook uses.
            spark.sql("DROP TABLE IF EXISTS " + table.qualifiedName());
            spark.sql("CREATE TABLE " + table.qualifiedName() + " USING delta LOCATION '" + table.location(root) + "'");
        }
        List<String> statements =
                org.transferlake.query.NotebookRunner.codeCells(Path.of("../notebooks/lake-tour.ipynb")).stream()
                        .flatMap(cell -> org.transferlake.query.SqlScript.split(cell).stream())
                        .map(org.transferlake.query.SqlScript.Statement::text)
                        .toList();
        assertThat(statements).hasSize(10);
        List<Integer> rowCounts = statements.stream()
                .map(statement -> spark.sql(statement).collectAsList().size())
                .toList();
        assertThat(rowCounts.get(0)).as("images per split and label").isEqualTo(6);
        assertThat(rowCounts.get(4)).as("heads").isEqualTo(2);
        assertThat(rowCounts.get(6)).as("truth x predicted: a perfect champion").isEqualTo(3);
        assertThat(rowCounts.get(9)).isEqualTo(1);
    }

    @Test
    @Order(6)
    void tooFewClassesOrExamplesAreRefused() {
        HeadsConfig heads = config.heads();
        Dataset<Row> oneClass = features(2000, 5, 2).where("label = 'star'");
        HeadTrainer.Split split = HeadTrainer.split(oneClass, heads);
        assertThatThrownBy(() -> HeadTrainer.validate(split, heads, "b@sha256:x"))
                .hasMessage("Cannot train heads: the labeled training features of b@sha256:x have 1 class(es) [star]. "
                        + "Label images of at least 2 classes and run extract.");
        Dataset<Row> thin = features(3000, 5, 2).where("label != 'star' OR path LIKE '%/3000.png'");
        assertThatThrownBy(() -> HeadTrainer.validate(HeadTrainer.split(thin, heads), heads, "b@sha256:x"))
                .hasMessage(
                        "Cannot train heads: class star has 1 training example(s), fewer than heads.min-examples-per-class = 2. "
                                + "Label more images of star, or lower that setting.");
    }

    @Test
    @Order(7)
    void withoutGivenSplitsTheHeldOutSetIsStratifiedAndSeeded() {
        Dataset<Row> unsplit = features(4000, 20, 0)
                .drop("split")
                .withColumn("split", org.apache.spark.sql.functions.lit(null).cast("string"));
        HeadTrainer.Split a = HeadTrainer.split(unsplit, config.heads());
        HeadTrainer.Split b = HeadTrainer.split(unsplit, config.heads());
        assertThat(a.test()
                        .groupBy("label")
                        .count()
                        .orderBy("label")
                        .collectAsList()
                        .toString())
                .isEqualTo("[[circle,4], [square,4], [star,4]]");
        assertThat(a.test().select("path").orderBy("path").collectAsList())
                .isEqualTo(b.test().select("path").orderBy("path").collectAsList());
        assertThat(a.strategy()).isEqualTo("stratified 0.2 held out, seed 42");
        HeadsConfig otherSeed =
                ConfigLoader.load(null, Map.of("heads.seed", "43"), Map.of()).heads();
        HeadTrainer.Split c = HeadTrainer.split(unsplit, otherSeed);
        assertThat(c.test().count()).isEqualTo(12);
        assertThat(c.test().select("path").orderBy("path").collectAsList())
                .as("another seed holds out other images")
                .isNotEqualTo(a.test().select("path").orderBy("path").collectAsList());
    }

    @Test
    @Order(8)
    void retrainingOnTheSameDataKeepsTheChampionReMeasuredOnTheSameHeldOutSet() {
        String champion = new HeadRegistry(spark, tables)
                .champion(backboneId)
                .orElseThrow()
                .headId();
        long heads = count("SELECT count(*) FROM HEADS");

        TrainRun.Result again = TrainRun.run(spark, config);

        assertThat(again.previousChampionAccuracy()).hasValue(1.0);
        assertThat(again.decision())
                .as("1.0 does not beat 1.0 by the margin")
                .isEqualTo(Promotion.Decision.KEEP_CHAMPION);
        assertThat(again.championId()).isEqualTo(champion);
        assertThat(count("SELECT count(*) FROM HEADS")).isEqualTo(heads + 2);
        assertThat(count("SELECT count(*) FROM HEADS WHERE status = 'champion'"))
                .isEqualTo(1);
    }
}
