package org.transferlake.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.transferlake.image.ImageRejectedException;

/** Rows of the {@code quarantine} table: every refused input, with why. Pure: no table is read or written. */
public final class QuarantineRows {
    /** SHA-256 of zero bytes. */
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private QuarantineRows() {}

    /**
     * Refusals of listed files of zero bytes, which Spark's file sources skip (so they never reach
     * the decoder): {@code path, content_sha256, size, modification_time, error, error_message}, as
     * the embedding stage gives for the images it refuses.
     */
    public static Dataset<Row> emptyFiles(Dataset<Row> listed) {
        ImageRejectedException empty = ImageRejectedException.emptyFile();
        return listed.where(col("size").equalTo(0))
                .select(
                        col("path"),
                        lit(EMPTY_SHA256).as("content_sha256"),
                        col("size"),
                        col("modification_time"),
                        lit(empty.reason().name()).as("error"),
                        lit(empty.getMessage()).as("error_message"));
    }

    /**
     * The refused rows of the embedding stage's output (a non-null {@code error}), with the columns
     * {@link #emptyFiles} gives.
     */
    public static Dataset<Row> refused(Dataset<Row> embedded) {
        return embedded.where(col("error").isNotNull())
                .select("path", "content_sha256", "size", "modification_time", "error", "error_message");
    }

    /** Quarantine rows, in the table's column order, from refusals at {@code stage}. */
    public static Dataset<Row> of(Dataset<Row> refusals, String stage, String runId) {
        return refusals.select(
                col("path"),
                col("content_sha256"),
                lit(stage).as("stage"),
                col("size"),
                col("modification_time"),
                col("error").as("reason"),
                col("error_message").as("message"),
                lit(runId).as("run_id"),
                current_timestamp().as("at"));
    }

    /** Key and new file metadata of refused files touched on disk with the same bytes. */
    public static Dataset<Row> metadataRefresh(Dataset<Row> touched, String stage) {
        return touched.select(
                col("path"), col("content_sha256"), lit(stage).as("stage"), col("size"), col("modification_time"));
    }
}
