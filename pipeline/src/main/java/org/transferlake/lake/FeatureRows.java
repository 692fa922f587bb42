package org.transferlake.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Rows of the {@code features} table, shaped from what the extract computed. Pure: no table is read or written. */
public final class FeatureRows {
    /** Delta files of about this size: small files slow every later read of the table. */
    private static final double TARGET_FILE_BYTES = 128 * 1024 * 1024;

    private FeatureRows() {}

    /**
     * Rows of {@code features}, in the table's column order, from embedded images with the columns
     * {@code path, content_sha256, size, modification_time, width, height, label, split, embedding};
     * adds {@code backbone_id}, {@code dim}, {@code run_id} and {@code extracted_at}.
     */
    public static Dataset<Row> of(Dataset<Row> embedded, String backboneId, String runId) {
        return embedded.select(
                col("path"),
                lit(backboneId).as("backbone_id"),
                col("content_sha256"),
                col("size"),
                col("modification_time"),
                col("width"),
                col("height"),
                col("label"),
                col("split"),
                col("embedding"),
                size(col("embedding")).as("dim"),
                lit(runId).as("run_id"),
                current_timestamp().as("extracted_at"));
    }

    /** Key and new file metadata of images touched on disk with the same bytes, for an update of those columns only. */
    public static Dataset<Row> metadataRefresh(Dataset<Row> touched, String backboneId) {
        return touched.select(col("path"), lit(backboneId).as("backbone_id"), col("size"), col("modification_time"));
    }

    /**
     * How many files {@code count} feature rows should be written as: one per ~128 MB of embeddings
     * (not one per task), at most one per partition.
     */
    public static int fileCount(Dataset<Row> rows, long count) {
        int dim = rows.select("dim").first().getInt(0);
        double bytes = count * (double) dim * Float.BYTES;
        return (int) Math.max(1, Math.min(rows.rdd().getNumPartitions(), Math.ceil(bytes / TARGET_FILE_BYTES)));
    }
}
