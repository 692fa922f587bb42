package org.transferlake.runs;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.transferlake.backbone.Backbone;
import org.transferlake.config.PipelineConfig;
import org.transferlake.config.TransferlakeException;
import org.transferlake.heads.HeadMetrics;
import org.transferlake.heads.HeadRegistry;
import org.transferlake.heads.HeadTrainer;
import org.transferlake.heads.Promotion;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;

/**
 * {@code transferlake train}: fits the configured heads on the labeled features of the configured
 * backbone, registers each as a candidate with its held-out metrics, and promotes the best one if
 * it beats the current champion, re-measured on the same held-out images, by the margin.
 */
public final class TrainRun {
    /** One trained head as registered. */
    public record TrainedHead(String headId, String algorithm, HeadMetrics metrics, String modelUri) {}

    /** What a run did. {@code championAccuracy} is the old champion's accuracy on this held-out set, if any. */
    public record Result(
            String runId,
            String backboneId,
            long trainRows,
            long testRows,
            String splitStrategy,
            List<TrainedHead> heads,
            Promotion.Decision decision,
            String championId,
            OptionalDouble previousChampionAccuracy) {}

    private TrainRun() {}

    public static Result run(SparkSession spark, PipelineConfig config) {
        return JobRun.execute(
                spark,
                config,
                "train",
                3 + config.heads().algorithms().size(),
                (runId, tables, stages, counts) -> train(spark, config, runId, tables, stages, counts));
    }

    private static Result train(
            SparkSession spark,
            PipelineConfig config,
            String runId,
            Tables tables,
            Stages stages,
            Map<String, Long> counts) {
        String backboneId = stages.run(
                "resolve backbone",
                () -> Backbone.resolveId(
                        config.backbone(),
                        config.modelCacheDir(),
                        spark.sparkContext().hadoopConfiguration()));
        Dataset<Row> labeled = tables.read(LakeTable.FEATURES)
                .where(col("backbone_id").equalTo(backboneId).and(col("label").isNotNull()))
                .select("path", "label", "split", "embedding", "dim")
                .persist(StorageLevel.MEMORY_AND_DISK());
        HeadTrainer.Split split = stages.run("split and check labels", () -> {
            HeadTrainer.Split s = HeadTrainer.split(labeled, config.heads());
            HeadTrainer.validate(s, config.heads(), backboneId);
            return new HeadTrainer.Split(
                    s.train().persist(StorageLevel.MEMORY_AND_DISK()),
                    s.test().persist(StorageLevel.MEMORY_AND_DISK()),
                    s.strategy());
        });
        long trainRows = split.train().count();
        long testRows = split.test().count();
        counts.put("train_rows", trainRows);
        counts.put("test_rows", testRows);
        int dimension = split.train().select("dim").head().getInt(0);

        HeadRegistry registry = new HeadRegistry(spark, tables);
        List<TrainedHead> trained = new ArrayList<>();
        for (String algorithm : config.heads().algorithms()) {
            trained.add(stages.run("train " + algorithm, () -> {
                HeadTrainer.Trained head = HeadTrainer.train(algorithm, split, config.heads(), dimension);
                String headId = RunLog.newRunId(algorithm.replace('_', '-'));
                String modelUri =
                        config.lake().resolve("head-models/" + headId + "/").toString();
                try {
                    head.model().write().overwrite().save(modelUri);
                } catch (java.io.IOException e) {
                    throw TransferlakeException.cannot(
                            "save head " + headId,
                            "writing " + modelUri + " failed (" + e.getMessage() + ")",
                            "Check that lake.root is writable.",
                            e);
                }
                registry.register(row(headId, backboneId, head, trainRows, testRows, modelUri, runId));
                return new TrainedHead(headId, algorithm, head.metrics(), modelUri);
            }));
        }
        counts.put("heads_trained", (long) trained.size());

        TrainedHead best = trained.stream()
                .max(Comparator.comparingDouble(head -> head.metrics().accuracy()))
                .orElseThrow();
        return stages.run("compare with the champion", () -> {
            OptionalDouble championAccuracy = registry.champion(backboneId)
                    .map(champion -> PipelineModel.load(champion.getAs("model_uri")))
                    .map(model ->
                            OptionalDouble.of(HeadMetrics.of(model.transform(split.test()), HeadTrainer.labels(model))
                                    .accuracy()))
                    .orElse(OptionalDouble.empty());
            Promotion.Decision decision = Promotion.decide(
                    best.metrics().accuracy(), championAccuracy, config.heads().promotionMargin());
            if (decision != Promotion.Decision.KEEP_CHAMPION) {
                registry.promote(best.headId());
            }
            String championId = registry.champion(backboneId)
                    .map(row -> row.<String>getAs("head_id"))
                    .orElseThrow();
            labeled.unpersist();
            return new Result(
                    runId,
                    backboneId,
                    trainRows,
                    testRows,
                    split.strategy(),
                    trained,
                    decision,
                    championId,
                    championAccuracy);
        });
    }

    private static Row row(
            String headId,
            String backboneId,
            HeadTrainer.Trained head,
            long trainRows,
            long testRows,
            String modelUri,
            String runId) {
        HeadMetrics m = head.metrics();
        List<Row> perClass = m.perClass().stream().map(RowFactory::create).toList();
        List<List<Long>> confusion = new ArrayList<>();
        for (long[] line : m.confusion()) {
            confusion.add(java.util.Arrays.stream(line).boxed().toList());
        }
        return RowFactory.create(
                headId,
                backboneId,
                head.algorithm(),
                head.params(),
                trainRows,
                testRows,
                m.accuracy(),
                m.macroF1(),
                m.logLoss(),
                perClass,
                m.labels(),
                confusion,
                modelUri,
                HeadRegistry.CANDIDATE,
                Timestamp.from(Instant.now()),
                null,
                runId);
    }
}
