package org.transferlake.score;

import static org.apache.spark.sql.functions.callUDF;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.transferlake.config.Errors;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.SqlFunctions;
import org.transferlake.lake.Tables;

/**
 * Exact top-k by cosine similarity to one image's embedding: the query vector goes to the executors
 * inside the plan (a literal of one embedding), the similarities are computed there, and Spark keeps
 * the best k per partition, then merges those on the driver ({@code TakeOrderedAndProject}): the
 * table is never sorted, and the driver holds k rows per partition. The same query in SQL is in the
 * README.
 */
public final class SimilarImages {
    /** The most images one query returns: each partition sends this many to the driver. */
    public static final int MAX_K = 10_000;

    private SimilarImages() {}

    /** Refuses a {@code k} out of 1..{@value #MAX_K}: called before Spark starts, and again by {@link #topK}. */
    public static void requireCount(int k) {
        if (k < 1 || k > MAX_K) {
            throw Errors.similarCountOutOfRange(k, MAX_K);
        }
    }

    /** One image like the query: its path, its label (null if none), and its cosine similarity. */
    public record Match(String path, String label, double similarity) {}

    /**
     * The {@code k} images with embeddings under {@code backboneId} most similar to {@code path}'s, best
     * first, ties by path; the query image itself is left out. Creates no table.
     */
    public static List<Match> topK(Tables tables, String backboneId, String path, int k) {
        requireCount(k);
        Dataset<Row> features = tables.readExisting(LakeTable.FEATURES)
                .orElseThrow(() -> Errors.noEmbeddingToCompare(path, backboneId))
                .where(col("backbone_id").equalTo(backboneId));
        return matches(query(features, path, embeddingOf(features, path, backboneId), k)
                .collectAsList());
    }

    /** The embedding of {@code path} among {@code features} (rows of {@code backboneId}). */
    public static float[] embeddingOf(Dataset<Row> features, String path, String backboneId) {
        List<Row> queryRow = features.where(col("path").equalTo(path))
                .select("embedding")
                .limit(1)
                .collectAsList();
        if (queryRow.isEmpty() || queryRow.get(0).isNullAt(0)) {
            throw Errors.noEmbeddingToCompare(path, backboneId);
        }
        List<Float> embedding = queryRow.get(0).getList(0);
        float[] vector = new float[embedding.size()];
        for (int i = 0; i < vector.length; i++) {
            if (embedding.get(i) == null) {
                throw Errors.noEmbeddingToCompare(path, backboneId);
            }
            vector[i] = embedding.get(i);
        }
        return vector;
    }

    /** {@code path, label, similarity} rows as matches, best first, leaving out those with no direction. */
    public static List<Match> matches(List<Row> rows) {
        return rows.stream()
                .filter(row -> !row.isNullAt(2))
                .map(row -> new Match(row.getString(0), row.getString(1), row.getDouble(2)))
                .toList();
    }

    /**
     * {@code path, label, similarity} (cosine to {@code vector}; null for a row with no direction) of
     * every row of {@code features} but {@code path}'s, in no order.
     */
    public static Dataset<Row> similarities(Dataset<Row> features, String path, float[] vector) {
        return features.where(col("path").notEqual(path))
                .select(
                        col("path"),
                        col("label"),
                        callUDF(SqlFunctions.COSINE_SIMILARITY, col("embedding"), lit(vector))
                                .as("similarity"));
    }

    /**
     * {@code path, label, similarity} of the {@code k} rows of {@code features} most similar to
     * {@code vector}, best first, ties by path, leaving out {@code path}; rows with no direction (a null
     * similarity) come last. Not filtered on the similarity: Spark would push the filter below the
     * projection and compute every similarity twice.
     */
    static Dataset<Row> query(Dataset<Row> features, String path, float[] vector, int k) {
        return similarities(features, path, vector)
                .orderBy(col("similarity").desc_nulls_last(), col("path"))
                .limit(k);
    }
}
