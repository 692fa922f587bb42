package org.transferlake.report;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import java.net.URI;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.transferlake.heads.ArrayToVector;
import org.transferlake.heads.HeadRecord;
import org.transferlake.heads.HeadRegistry;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;

/**
 * What {@code transferlake report} shows, read from the tables: the champion's held-out metrics, run
 * history and step timings, quarantine reasons, a 2-D PCA projection of the configured backbone's
 * embeddings, and the learning curves of {@code bench accuracy} when its CSV is there. Read-only: a
 * table that does not exist yet is an empty section, not a new table.
 */
public final class LakeReport {
    /** At most this many runs, newest first: the history a person reads. */
    static final int MAX_RUNS = 50;

    /** At most this many embeddings are projected: enough to see clusters, small enough for the driver. */
    static final int MAX_POINTS = 2000;

    /** At most this many quarantined files are listed (all are counted). */
    static final int MAX_QUARANTINED = 20;

    /** The label of points without one. */
    static final String UNLABELLED = "(unlabelled)";

    private LakeReport() {}

    /** One row of {@code runs}. */
    public record Run(
            String runId,
            String job,
            String status,
            Timestamp startedAt,
            Timestamp endedAt,
            Map<String, Long> counts,
            Map<String, Double> timings,
            String error) {
        /** Wall-clock seconds, start to end; empty while running. */
        public Optional<Double> seconds() {
            return endedAt == null ? Optional.empty() : Optional.of((endedAt.getTime() - startedAt.getTime()) / 1000.0);
        }
    }

    /** How many refused inputs a stage gave one reason for. */
    public record ReasonCount(String stage, String reason, long files) {}

    /** One refused file, for the list of the latest. */
    public record Quarantined(String path, String stage, String reason, String message, Timestamp at) {}

    /** One embedding projected on the first two principal components. */
    public record Point(String label, double x, double y) {}

    /**
     * The PCA projection of a sample of the configured backbone's embeddings.
     *
     * @param embeddings how many embeddings the backbone has; {@code points} holds at most {@link #MAX_POINTS}
     * @param explainedVariance the share of the sample's variance each of the two components explains
     */
    public record Projection(List<Point> points, long embeddings, double[] explainedVariance) {}

    /** Everything the report shows. */
    public record Contents(
            URI root,
            String backboneId,
            Instant generatedAt,
            Map<String, Long> rows,
            Optional<HeadRecord> champion,
            List<Run> runs,
            List<ReasonCount> quarantineReasons,
            List<Quarantined> latestQuarantined,
            Optional<Projection> projection,
            Optional<LearningCurve.Curves> learningCurves,
            Path learningCurvesCsv) {}

    /**
     * Reads the report's contents from the tables under {@code tables}' root, for {@code backboneId}; the
     * learning curves from {@code learningCurvesCsv} if that file exists.
     */
    public static Contents gather(
            SparkSession spark, Tables tables, URI root, String backboneId, Path learningCurvesCsv) {
        Map<String, Long> rows = new LinkedHashMap<>();
        Optional<Dataset<Row>> features = tables.readExisting(LakeTable.FEATURES);
        rows.put(LakeTable.FEATURES.tableName(), features.map(Dataset::count).orElse(0L));
        Optional<Dataset<Row>> current =
                features.map(f -> f.where(col("backbone_id").equalTo(backboneId)));
        rows.put("features_current", current.map(Dataset::count).orElse(0L));
        for (LakeTable table : List.of(LakeTable.QUARANTINE, LakeTable.HEADS, LakeTable.PREDICTIONS, LakeTable.RUNS)) {
            rows.put(
                    table.tableName(),
                    tables.readExisting(table).map(Dataset::count).orElse(0L));
        }
        Optional<HeadRecord> champion = tables.exists(LakeTable.HEADS)
                ? new HeadRegistry(spark, tables).champion(backboneId)
                : Optional.empty();
        List<Run> runs =
                tables.readExisting(LakeTable.RUNS).map(LakeReport::latestRuns).orElse(List.of());
        Optional<Dataset<Row>> quarantine = tables.readExisting(LakeTable.QUARANTINE);
        List<ReasonCount> reasons = quarantine.map(LakeReport::reasons).orElse(List.of());
        List<Quarantined> latest = quarantine.map(LakeReport::latestQuarantined).orElse(List.of());
        Optional<Projection> projection = current.filter(c -> rows.get("features_current") >= 2)
                .map(c -> project(c, rows.get("features_current")));
        Optional<LearningCurve.Curves> curves = java.nio.file.Files.exists(learningCurvesCsv)
                ? Optional.of(LearningCurve.readCsv(spark, learningCurvesCsv))
                : Optional.empty();
        return new Contents(
                root,
                backboneId,
                Instant.now(),
                rows,
                champion,
                runs,
                reasons,
                latest,
                projection,
                curves,
                learningCurvesCsv);
    }

    private static List<Run> latestRuns(Dataset<Row> runs) {
        List<Run> latest = new ArrayList<>();
        for (Row row : runs.orderBy(col("started_at").desc(), col("run_id").desc())
                .limit(MAX_RUNS)
                .collectAsList()) {
            latest.add(new Run(
                    row.getAs("run_id"),
                    row.getAs("job"),
                    row.getAs("status"),
                    row.getAs("started_at"),
                    row.getAs("ended_at"),
                    row.isNullAt(row.fieldIndex("counts")) ? Map.of() : row.getJavaMap(row.fieldIndex("counts")),
                    row.isNullAt(row.fieldIndex("timings_seconds"))
                            ? Map.of()
                            : new LinkedHashMap<>(row.<String, Double>getJavaMap(row.fieldIndex("timings_seconds"))),
                    row.getAs("error")));
        }
        return List.copyOf(latest);
    }

    private static List<ReasonCount> reasons(Dataset<Row> quarantine) {
        return quarantine
                .groupBy(col("stage"), coalesce(col("reason"), lit("(none)")).as("reason"))
                .agg(count(lit(1)).as("files"))
                .orderBy(col("files").desc(), col("stage"), col("reason"))
                .collectAsList()
                .stream()
                .map(row -> new ReasonCount(row.getString(0), row.getString(1), row.getLong(2)))
                .toList();
    }

    private static List<Quarantined> latestQuarantined(Dataset<Row> quarantine) {
        return quarantine.orderBy(col("at").desc(), col("path")).limit(MAX_QUARANTINED).collectAsList().stream()
                .map(row -> new Quarantined(
                        row.getAs("path"),
                        row.getAs("stage"),
                        row.getAs("reason"),
                        row.getAs("message"),
                        row.getAs("at")))
                .toList();
    }

    /**
     * Spark ML's PCA of at most {@link #MAX_POINTS} embeddings, the same ones on every run (by a hash of
     * their path: a per-partition top-k, not a sort of the table).
     */
    static Projection project(Dataset<Row> current, long embeddings) {
        Dataset<Row> sample = current.select(col("path"), col("label"), col("embedding"))
                .where(col("embedding").isNotNull())
                .orderBy(xxhash64(col("path")), col("path"))
                .limit(MAX_POINTS);
        Dataset<Row> vectors = new ArrayToVector()
                .setInputCol("embedding")
                .setOutputCol("vector")
                .transform(sample)
                .drop("embedding")
                .cache();
        try {
            PCAModel pca = new PCA()
                    .setInputCol("vector")
                    .setOutputCol("projected")
                    .setK(2)
                    .fit(vectors);
            List<Point> points = pca.transform(vectors).select("label", "projected").collectAsList().stream()
                    .map(row -> {
                        Vector projected = row.getAs(1);
                        return new Point(
                                row.isNullAt(0) ? UNLABELLED : row.getString(0),
                                projected.apply(0),
                                projected.apply(1));
                    })
                    .toList();
            return new Projection(points, embeddings, pca.explainedVariance().toArray());
        } finally {
            vectors.unpersist();
        }
    }
}
