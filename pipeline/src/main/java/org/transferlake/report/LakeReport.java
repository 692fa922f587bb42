package org.transferlake.report;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LakeReport.class);

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
        public Run {
            // Only run_id is NOT NULL in the table; a row written by hand or by an older version may lack the rest.
            job = java.util.Objects.requireNonNullElse(job, "");
            status = java.util.Objects.requireNonNullElse(status, "");
        }

        /** Wall-clock seconds, start to end; empty while running, and for a run abandoned (never ended). */
        public Optional<Double> seconds() {
            return endedAt == null || startedAt == null
                    ? Optional.empty()
                    : Optional.of((endedAt.getTime() - startedAt.getTime()) / 1000.0);
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
            Path learningCurvesCsv,
            Optional<String> learningCurvesProblem) {}

    /**
     * Reads the report's contents from the tables under {@code tables}' root, for {@code backboneId}; the
     * learning curves from {@code learningCurvesCsv} if that file exists.
     */
    public static Contents gather(
            SparkSession spark, Tables tables, URI root, String backboneId, Path learningCurvesCsv) {
        Sections sections = new Sections(spark);
        Map<String, Long> rows = new LinkedHashMap<>();
        Optional<Dataset<Row>> features = tables.readExisting(LakeTable.FEATURES);
        Optional<Dataset<Row>> current =
                features.map(f -> f.where(col("backbone_id").equalTo(backboneId)));
        sections.run("count rows", () -> {
            rows.put(
                    LakeTable.FEATURES.tableName(), features.map(Dataset::count).orElse(0L));
            rows.put("features_current", current.map(Dataset::count).orElse(0L));
            for (LakeTable table :
                    List.of(LakeTable.QUARANTINE, LakeTable.HEADS, LakeTable.PREDICTIONS, LakeTable.RUNS)) {
                rows.put(
                        table.tableName(),
                        tables.readExisting(table).map(Dataset::count).orElse(0L));
            }
            return rows;
        });
        // From the table as it is: HeadRegistry's own read would first migrate an older table's schema.
        Optional<HeadRecord> champion = sections.run(
                "champion",
                () -> tables.readExisting(LakeTable.HEADS).flatMap(heads -> HeadRegistry.champion(heads, backboneId)));
        List<Run> runs = sections.run(
                "runs",
                () -> tables.readExisting(LakeTable.RUNS)
                        .map(LakeReport::latestRuns)
                        .orElse(List.of()));
        Optional<Dataset<Row>> quarantine = tables.readExisting(LakeTable.QUARANTINE);
        List<ReasonCount> reasons = sections.run(
                "quarantine reasons", () -> quarantine.map(LakeReport::reasons).orElse(List.of()));
        List<Quarantined> latest = sections.run(
                "latest quarantined",
                () -> quarantine.map(LakeReport::latestQuarantined).orElse(List.of()));
        long embeddings = rows.get("features_current");
        Optional<Projection> projection = sections.run(
                "PCA of the embeddings",
                () -> current.filter(c -> embeddings >= 2).flatMap(c -> project(c, embeddings)));
        Optional<LearningCurve.Curves> curves = Optional.empty();
        Optional<String> problem = Optional.empty();
        if (java.nio.file.Files.exists(learningCurvesCsv)) {
            // A bad file spoils one section, not the report (nor the demo that ends with it).
            try {
                curves = Optional.of(LearningCurve.readCsv(spark, learningCurvesCsv));
            } catch (org.transferlake.config.TransferlakeException e) {
                LOG.warn(e.getMessage());
                problem = Optional.of(e.getMessage());
            }
        }
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
                learningCurvesCsv,
                problem);
    }

    /** Names each part of the reading in the Spark UI and logs its seconds. */
    private record Sections(SparkSession spark) {
        <T> T run(String name, java.util.function.Supplier<T> part) {
            String previous = spark.sparkContext().getLocalProperty("spark.job.description");
            spark.sparkContext().setJobDescription("report: " + name);
            long start = System.nanoTime();
            try {
                return part.get();
            } finally {
                LOG.info(
                        "report: {} {} s",
                        name,
                        String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
                spark.sparkContext().setJobDescription(previous);
            }
        }
    }

    private static List<Run> latestRuns(Dataset<Row> runs) {
        List<Run> latest = new ArrayList<>();
        // The steps' timings as entries: a Java map of a Spark map loses the order the steps ran in.
        for (Row row : runs.orderBy(col("started_at").desc(), col("run_id").desc())
                .limit(MAX_RUNS)
                .select(
                        col("run_id"),
                        col("job"),
                        col("status"),
                        col("started_at"),
                        col("ended_at"),
                        col("counts"),
                        map_entries(col("timings_seconds")),
                        col("error"))
                .collectAsList()) {
            Map<String, Double> timings = new LinkedHashMap<>();
            if (!row.isNullAt(6)) {
                row.<Row>getList(6).forEach(step -> timings.put(step.getString(0), step.getDouble(1)));
            }
            latest.add(new Run(
                    row.getString(0),
                    row.getString(1),
                    row.getString(2),
                    row.getTimestamp(3),
                    row.getTimestamp(4),
                    row.isNullAt(5) ? Map.of() : Map.copyOf(row.<String, Long>getJavaMap(5)),
                    java.util.Collections.unmodifiableMap(timings),
                    row.getString(7)));
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
     * The first two principal components of at most {@link #MAX_POINTS} embeddings, the same ones on every
     * run (by a hash of their path: a per-partition top-k, not a sort of the table).
     */
    static Optional<Projection> project(Dataset<Row> current, long embeddings) {
        List<Row> sample = current.select(col("label"), col("embedding"))
                .where(col("embedding").isNotNull())
                .orderBy(xxhash64(col("path")), col("path"))
                .limit(MAX_POINTS)
                .collectAsList();
        List<float[]> vectors = new ArrayList<>();
        for (Row row : sample) {
            List<Float> embedding = row.getList(1);
            float[] vector = new float[embedding.size()];
            for (int j = 0; j < vector.length; j++) {
                vector[j] = embedding.get(j);
            }
            vectors.add(vector);
        }
        if (vectors.size() < 2 || vectors.get(0).length < 2) {
            return Optional.empty();
        }
        PrincipalComponents.Projected projected = PrincipalComponents.of(vectors);
        LOG.info(
                "report: PCA of {} embeddings of {} floats in {} iterations",
                vectors.size(),
                vectors.get(0).length,
                projected.iterations());
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < sample.size(); i++) {
            Row row = sample.get(i);
            points.add(new Point(
                    row.isNullAt(0) ? UNLABELLED : row.getString(0),
                    projected.scores()[i][0],
                    projected.scores()[i][1]));
        }
        return Optional.of(new Projection(List.copyOf(points), embeddings, projected.explainedVariance()));
    }
}
