package org.transferlake.runs;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_json;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.transferlake.backbone.Backbone;
import org.transferlake.config.PipelineConfig;
import org.transferlake.config.TransferlakeException;
import org.transferlake.heads.HeadRegistry;
import org.transferlake.heads.HeadTrainer;
import org.transferlake.lake.Incremental;
import org.transferlake.lake.LakeTable;

/**
 * {@code transferlake score}: predicts, with the champion (or a chosen head), every feature row this
 * head has not scored at its current content, and MERGEs into {@code predictions}. A re-run adds
 * nothing; a new champion scores everything, and older heads' predictions stay queryable.
 */
public final class ScoreRun {
    /** What a run did; {@code exported} is where the latest predictions were written, if asked. */
    public record Result(String runId, String headId, long scored, long alreadyScored, Optional<String> exported) {}

    private static final List<String> EXPORT_FORMATS = List.of("csv", "parquet", "json");

    private ScoreRun() {}

    /**
     * @param headId a head to score with; empty for the champion of the configured backbone
     * @param export optional {@code (path, format)} to write this head's predictions to: csv, parquet, json
     */
    public static Result run(
            SparkSession spark,
            PipelineConfig config,
            Optional<String> headId,
            Optional<Map.Entry<String, String>> export) {
        export.ifPresent(target -> {
            if (!EXPORT_FORMATS.contains(target.getValue())) {
                throw TransferlakeException.cannot(
                        "export predictions",
                        "format " + target.getValue() + " is not one of " + EXPORT_FORMATS,
                        "Pass --format csv, parquet or json.");
            }
        });
        return JobRun.execute(spark, config, "score", 4, (runId, tables, stages, counts) -> {
            HeadRegistry registry = new HeadRegistry(spark, tables);
            Row head = stages.run(
                    "pick the head",
                    () -> headId.isPresent()
                            ? registry.find(headId.get())
                                    .orElseThrow(() -> TransferlakeException.cannot(
                                            "score",
                                            "there is no head " + headId.get(),
                                            "List the heads with 'transferlake heads list'."))
                            : registry.champion(Backbone.resolveId(
                                            config.backbone(),
                                            config.modelCacheDir(),
                                            spark.sparkContext().hadoopConfiguration()))
                                    .orElseThrow(() -> TransferlakeException.cannot(
                                            "score",
                                            "there is no champion head for backbone "
                                                    + config.backbone().name(),
                                            "Run 'transferlake train' first, or pass --head <id>.")));
            String id = head.getAs("head_id");
            Dataset<Row> features = tables.read(LakeTable.FEATURES)
                    .where(col("backbone_id").equalTo(head.<String>getAs("backbone_id")));
            Dataset<Row> scored =
                    tables.pinned(LakeTable.PREDICTIONS, col("head_id").equalTo(id), "path", "content_sha256");
            Dataset<Row> toScore = Incremental.newContent(features, scored);
            PipelineModel model = PipelineModel.load(head.getAs("model_uri"));
            Dataset<Row> predictions = stages.run(
                    "predict",
                    () -> predict(model, toScore, config.heads().topK())
                            .withColumn("head_id", lit(id))
                            .withColumn("run_id", lit(runId))
                            .withColumn("scored_at", current_timestamp())
                            .select(
                                    "path",
                                    "head_id",
                                    "content_sha256",
                                    "label",
                                    "probability",
                                    "top_k",
                                    "run_id",
                                    "scored_at")
                            .localCheckpoint(true));
            long count = predictions.count();
            stages.run("merge into predictions", () -> tables.upsert(LakeTable.PREDICTIONS, predictions, Map.of()));
            counts.put("scored", count);
            long total = features.count();
            counts.put("already_scored", total - count);
            Optional<String> exported = export.map(target -> stages.run("export", () -> {
                Dataset<Row> rows =
                        tables.read(LakeTable.PREDICTIONS).where(col("head_id").equalTo(id));
                // CSV has no nested types: top_k goes as a JSON string there.
                Dataset<Row> flat =
                        target.getValue().equals("csv") ? rows.withColumn("top_k", to_json(col("top_k"))) : rows;
                flat.write()
                        .mode("overwrite")
                        .format(target.getValue())
                        .option("header", "true")
                        .save(target.getKey());
                return target.getKey();
            }));
            return new Result(runId, id, count, total - count, exported);
        });
    }

    /**
     * The head's predictions: {@code label} (top class), {@code probability} (its probability) and
     * {@code top_k} (the k most probable labels, most probable first). Pure: no table is touched.
     */
    public static Dataset<Row> predict(PipelineModel model, Dataset<Row> features, int topK) {
        List<String> labels = HeadTrainer.labels(model);
        return model.transform(features.drop("label", "split"))
                .withColumn("_p", functions.vector_to_array(col("probability"), "float64"))
                .withColumn(
                        "_l",
                        array(labels.stream()
                                .map(org.apache.spark.sql.functions::lit)
                                .toArray(org.apache.spark.sql.Column[]::new)))
                .withColumn(
                        "top_k",
                        expr("slice(transform(sort_array(arrays_zip(_p, _l), false), "
                                + "x -> named_struct('label', x._l, 'probability', x._p)), 1, " + topK + ")"))
                .withColumn("label", col("predicted_label"))
                .withColumn("probability", array_max(col("_p")))
                .drop("_p", "_l");
    }
}
