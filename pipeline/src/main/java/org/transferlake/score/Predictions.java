package org.transferlake.score;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.transferlake.heads.HeadTrainer;

/** A head's predictions over feature rows, and their rows in the {@code predictions} table; pure, no table I/O. */
public final class Predictions {
    private Predictions() {}

    /**
     * Adds {@code label} (top class), {@code probability} (its probability) and {@code top_k} (the k
     * most probable labels, most probable first) to {@code features}, whose own label and split are
     * dropped.
     */
    public static Dataset<Row> predict(PipelineModel model, Dataset<Row> features, int topK) {
        List<String> labels = HeadTrainer.labels(model);
        return model.transform(features.drop("label", "split"))
                .withColumn("_p", functions.vector_to_array(col("probability"), "float64"))
                .withColumn("_l", array(labels.stream().map(label -> lit(label)).toArray(Column[]::new)))
                .withColumn(
                        "top_k",
                        expr("slice(transform(sort_array(arrays_zip(_p, _l), false), "
                                + "x -> named_struct('label', x._l, 'probability', x._p)), 1, " + topK + ")"))
                .withColumn("label", col("predicted_label"))
                .withColumn("probability", array_max(col("_p")))
                .drop("_p", "_l");
    }

    /** Rows of the {@code predictions} table, in its column order, from {@link #predict}'s output. */
    public static Dataset<Row> rows(Dataset<Row> predicted, String headId, String runId) {
        return predicted.select(
                col("path"),
                lit(headId).as("head_id"),
                col("content_sha256"),
                col("label"),
                col("probability"),
                col("top_k"),
                lit(runId).as("run_id"),
                current_timestamp().as("scored_at"));
    }
}
