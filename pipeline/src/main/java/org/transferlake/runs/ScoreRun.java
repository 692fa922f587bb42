package org.transferlake.runs;

import static org.apache.spark.sql.functions.col;

import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.transferlake.backbone.ModelStore;
import org.transferlake.config.Errors;
import org.transferlake.config.PipelineConfig;
import org.transferlake.heads.HeadRecord;
import org.transferlake.heads.HeadRegistry;
import org.transferlake.lake.LakeTable;
import org.transferlake.score.PredictionExport;
import org.transferlake.score.Predictions;
import org.transferlake.source.Incremental;

/**
 * {@code transferlake score}: predicts, with the champion (or a chosen head), every feature row this
 * head has not scored at its current content, and MERGEs into {@code predictions}. A re-run adds
 * nothing; a new champion scores everything, and older heads' predictions stay queryable.
 */
public final class ScoreRun {
    /** What a run did; {@code exported} is where the latest predictions were written, if asked. */
    public record Result(String runId, String headId, long scored, long alreadyScored, Optional<String> exported) {}

    private ScoreRun() {}

    /**
     * @param headId a head to score with; empty for the champion of the configured backbone
     * @param export where to write this head's predictions too, if anywhere
     */
    public static Result run(
            SparkSession spark, PipelineConfig config, Optional<String> headId, Optional<PredictionExport> export) {
        return JobRun.execute(spark, config, "score", 4, (runId, tables, stages, counts, childRunIds) -> {
            HeadRegistry registry = new HeadRegistry(spark, tables);
            HeadRecord head = stages.run(
                    "pick the head",
                    () -> headId.isPresent()
                            ? registry.find(headId.get()).orElseThrow(() -> Errors.noHeadToScoreWith(headId.get()))
                            : registry.champion(ModelStore.configuredBackboneId(
                                            config, spark.sparkContext().hadoopConfiguration()))
                                    .orElseThrow(() -> Errors.noChampionToScoreWith(
                                            config.backbone().name())));
            Dataset<Row> features =
                    tables.read(LakeTable.FEATURES).where(col("backbone_id").equalTo(head.backboneId()));
            Dataset<Row> scored = tables.pinned(
                    LakeTable.PREDICTIONS, col("head_id").equalTo(head.headId()), "path", "content_sha256");
            Dataset<Row> toScore = Incremental.newContent(features, Incremental.broadcastIfSmall(scored));
            PipelineModel model = PipelineModel.load(head.modelUri());
            Dataset<Row> predictions = stages.run(
                    "predict",
                    () -> tables.keep(Predictions.rows(
                            Predictions.predict(model, toScore, config.heads().topK()), head.headId(), runId)));
            long count = predictions.count();
            stages.run("merge into predictions", () -> tables.upsert(LakeTable.PREDICTIONS, predictions, Map.of()));
            counts.put("scored", count);
            long total = features.count();
            counts.put("already_scored", total - count);
            Optional<String> exported = export.map(target -> stages.run("export", () -> {
                target.write(
                        tables.read(LakeTable.PREDICTIONS).where(col("head_id").equalTo(head.headId())));
                return target.uri();
            }));
            return new Result(runId, head.headId(), count, total - count, exported);
        });
    }
}
