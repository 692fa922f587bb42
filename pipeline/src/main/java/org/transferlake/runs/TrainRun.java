package org.transferlake.runs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.transferlake.backbone.ModelStore;
import org.transferlake.config.Errors;
import org.transferlake.config.PipelineConfig;
import org.transferlake.heads.HeadMetrics;
import org.transferlake.heads.HeadRecord;
import org.transferlake.heads.HeadRegistry;
import org.transferlake.heads.HeadTrainer;
import org.transferlake.heads.Promotion;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;

/**
 * {@code transferlake train}: fits the configured heads on the labeled features of the configured
 * backbone, registers each as a candidate with its held-out metrics, and promotes the best one if
 * it beats the current champion, re-measured on the same held-out images, by the margin. The heads
 * and the promotion are one commit at the end, so a killed run leaves no trace in {@code heads}.
 */
public final class TrainRun {
    /** One trained head as registered. */
    public record TrainedHead(
            String headId, String algorithm, HeadMetrics metrics, Map<String, String> params, String modelUri) {}

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
                (runId, tables, stages, counts, childRunIds) -> train(spark, config, runId, tables, stages, counts));
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
                () -> ModelStore.configuredBackboneId(
                        config, spark.sparkContext().hadoopConfiguration()));
        Dataset<Row> labeled = HeadTrainer.labeledFeatures(tables.read(LakeTable.FEATURES), backboneId)
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<Dataset<Row>> persisted = new ArrayList<>(List.of(labeled));
        try {
            HeadTrainer.Split split = stages.run("split and check labels", () -> {
                HeadTrainer.Split s = HeadTrainer.split(labeled, config.heads());
                HeadTrainer.validate(s, config.heads(), backboneId);
                HeadTrainer.Split kept = new HeadTrainer.Split(
                        s.train().persist(StorageLevel.MEMORY_AND_DISK()),
                        s.test().persist(StorageLevel.MEMORY_AND_DISK()),
                        s.strategy());
                persisted.addAll(List.of(kept.train(), kept.test()));
                return kept;
            });
            return trainAndPromote(spark, config, runId, tables, stages, counts, backboneId, split);
        } finally {
            persisted.forEach(Dataset::unpersist);
        }
    }

    private static Result trainAndPromote(
            SparkSession spark,
            PipelineConfig config,
            String runId,
            Tables tables,
            Stages stages,
            Map<String, Long> counts,
            String backboneId,
            HeadTrainer.Split split) {
        long trainRows = split.train().count();
        long testRows = split.test().count();
        counts.put("train_rows", trainRows);
        counts.put("test_rows", testRows);
        int dimension = split.train().select("dim").head().getInt(0);

        HeadRegistry registry = new HeadRegistry(spark, tables);
        List<TrainedHead> trained = new ArrayList<>();
        List<HeadRecord> candidates = new ArrayList<>();
        for (String algorithm : config.heads().algorithms()) {
            trained.add(stages.run("train " + algorithm, () -> {
                HeadTrainer.Trained head = HeadTrainer.train(algorithm, split, config.heads(), dimension);
                String headId = RunLog.newRunId(algorithm.replace('_', '-'));
                String modelUri =
                        config.lake().resolve("head-models/" + headId + "/").toString();
                try {
                    head.model().write().overwrite().save(modelUri);
                } catch (java.io.IOException e) {
                    throw Errors.headSaveFailed(headId, modelUri, e);
                }
                candidates.add(HeadRecord.candidate(headId, backboneId, head, trainRows, testRows, modelUri, runId));
                return new TrainedHead(headId, algorithm, head.metrics(), head.params(), modelUri);
            }));
        }
        counts.put("heads_trained", (long) trained.size());

        TrainedHead best = trained.stream()
                .max(Comparator.comparingDouble(head -> head.metrics().accuracy()))
                .orElseThrow();
        return stages.run("compare with the champion", () -> {
            OptionalDouble championAccuracy = registry.champion(backboneId)
                    .map(champion -> PipelineModel.load(champion.modelUri()))
                    .map(model ->
                            OptionalDouble.of(HeadMetrics.of(model.transform(split.test()), HeadTrainer.labels(model))
                                    .accuracy()))
                    .orElse(OptionalDouble.empty());
            Promotion.Decision decision = Promotion.decide(
                    best.metrics().accuracy(), championAccuracy, config.heads().promotionMargin());
            boolean promote = decision != Promotion.Decision.KEEP_CHAMPION;
            // Registered only now, with the decision, in one commit (a model file of a killed run is an orphan).
            registry.register(candidates, promote ? Optional.of(best.headId()) : Optional.empty());
            String championId =
                    registry.champion(backboneId).map(HeadRecord::headId).orElseThrow();
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
}
