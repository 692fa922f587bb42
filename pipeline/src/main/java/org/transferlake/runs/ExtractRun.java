package org.transferlake.runs;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transferlake.config.PipelineConfig;
import org.transferlake.config.TransferlakeException;
import org.transferlake.embed.EmbeddingTransformer;
import org.transferlake.embed.ExecutorModels;
import org.transferlake.image.RejectReason;
import org.transferlake.lake.Incremental;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;
import org.transferlake.source.ImageListing;
import org.transferlake.source.Labels;
import org.transferlake.source.Progress;

/**
 * {@code transferlake extract}: embeds new or changed images into {@code features}, refused ones
 * into {@code quarantine}, and records the run. Idempotent: a re-run with nothing new reads no
 * image bytes and writes nothing but its run row. Counts reconcile:
 * {@code listed = embedded + quarantined + unchanged}.
 */
public final class ExtractRun {
    private static final Logger LOG = LoggerFactory.getLogger(ExtractRun.class);
    static final String STAGE = "embed";

    /** What a run did; {@code timings} holds each step's seconds, by step name. */
    public record Result(
            String runId,
            String backboneId,
            long listed,
            long embedded,
            long quarantined,
            long unchanged,
            Map<String, Double> timings) {
        /** Images embedded or refused per second of the embedding stage. */
        public double imagesPerSecond() {
            double seconds = timings.getOrDefault("embed", 0.0);
            return seconds > 0 ? (embedded + quarantined) / seconds : 0;
        }
    }

    private record Counted(Dataset<Row> rows, long count) {}

    private static final double TARGET_FILE_BYTES = 128 * 1024 * 1024;
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private ExtractRun() {}

    /**
     * Runs one extract against the lake at {@code config}'s root.
     *
     * @param progressOut where the progress line goes (null: none)
     */
    public static Result run(SparkSession spark, PipelineConfig config, PrintStream progressOut) {
        return JobRun.execute(
                spark,
                config,
                "extract",
                7,
                (runId, tables, stages, counts) -> extract(spark, config, tables, runId, stages, counts, progressOut));
    }

    private static Result extract(
            SparkSession spark,
            PipelineConfig config,
            Tables tables,
            String runId,
            Stages stages,
            Map<String, Long> counts,
            PrintStream progressOut) {
        String backboneId = stages.run(
                "resolve backbone",
                () -> ExecutorModels.resolveOnDriver(spark.sparkContext(), config.backbone(), config.modelCacheDir()));

        // The listing itself runs on the driver (file system pages); the count materializes it with its labels.
        Counted listing = stages.run("list images", () -> {
            Dataset<Row> files = ImageListing.listMetadata(
                    spark, config.extract().roots(), config.extract().extensions());
            Dataset<Row> labeled = (config.extract().labels().isEmpty()
                            ? Labels.fromLayout(files)
                            : Labels.fromTable(files, spark, config.extract().labels()))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            return new Counted(labeled, labeled.count());
        });
        Dataset<Row> listed = listing.rows();
        long listedCount = listing.count();
        // Pinned: what this run compares against must not move when it writes.
        Dataset<Row> known = stages.run(
                "read known images",
                () -> tables.pinned(
                                LakeTable.FEATURES,
                                col("backbone_id").equalTo(backboneId),
                                "path",
                                "size",
                                "modification_time",
                                "content_sha256")
                        .unionByName(tables.pinned(
                                LakeTable.QUARANTINE,
                                col("stage").equalTo(STAGE),
                                "path",
                                "size",
                                "modification_time",
                                "content_sha256")));
        Dataset<Row> candidates = Incremental.newOrTouched(listed, known).persist(StorageLevel.MEMORY_AND_DISK());
        long candidateCount = stages.run("select new or changed", candidates::count);
        counts.put("listed", listedCount);
        counts.put("new_or_touched", candidateCount);
        LOG.info("{} images listed, {} new or touched", listedCount, candidateCount);

        long embedded = 0;
        long refused = 0;
        long sameBytes = 0;
        if (candidateCount > 0) {
            Dataset<Row> knownContent = known.select("path", "content_sha256");
            // Only a file whose path is already known can be "touched but the same bytes": hash just those.
            Dataset<Row> touched = candidates.join(broadcast(known.select("path")), seq("path"), "left_semi");
            sameBytes = stages.run("refresh touched files", () -> {
                List<String> touchedPaths = paths(touched);
                if (touchedPaths.isEmpty()) {
                    return 0L;
                }
                Dataset<Row> refreshed = Incremental.sameContent(
                                hashed(spark, config, touchedPaths, candidates), knownContent)
                        .select(
                                col("path"),
                                lit(backboneId).as("backbone_id"),
                                col("content_sha256"),
                                lit(STAGE).as("stage"),
                                col("size"),
                                col("modification_time"))
                        .localCheckpoint(true);
                tables.updateMatched(
                        LakeTable.FEATURES, refreshed, Map.of("backbone_id", backboneId), "size", "modification_time");
                tables.updateMatched(LakeTable.QUARANTINE, refreshed, Map.of(), "size", "modification_time");
                return refreshed.count();
            });

            List<String> readFrom = candidateCount == listedCount
                    ? config.extract().roots().stream().map(Object::toString).toList()
                    : paths(candidates);
            Dataset<Row> toEmbed = Incremental.newContent(hashed(spark, config, readFrom, candidates), knownContent);
            LongAccumulator done = spark.sparkContext().longAccumulator("transferlake: images embedded");
            EmbeddingTransformer transformer = new EmbeddingTransformer()
                    .setBackbone(config.backbone(), backboneId)
                    .setEmbedConfig(config.embed())
                    .setModelCacheDir(config.modelCacheDir().toString())
                    .setProgressCounter(done);
            long total = candidateCount - sameBytes;
            // Checkpointed, not just cached: the MERGEs below must never trigger a second embedding pass.
            Dataset<Row> results = stages.run(
                    "embed",
                    () -> withProgress(
                            progressOut,
                            "embedding",
                            total,
                            done,
                            () -> transformer.transform(toEmbed).drop("content").localCheckpoint(true)));
            Dataset<Row> good = results.where(col("error").isNull());
            // Spark's file sources skip zero-byte files: they never reach the transformer, so refuse them here.
            Dataset<Row> empty = candidates
                    .where(col("size").equalTo(0))
                    .withColumn("content_sha256", lit(EMPTY_SHA256))
                    .withColumn("error", lit(RejectReason.EMPTY.name()))
                    .withColumn("error_message", lit("the file is empty"));
            Dataset<Row> bad = results.where(col("error").isNotNull())
                    .select("path", "content_sha256", "size", "modification_time", "error", "error_message")
                    .unionByName(empty.select(
                            "path", "content_sha256", "size", "modification_time", "error", "error_message"))
                    .localCheckpoint(true);
            long goodCount = good.count();
            long badCount = bad.count();
            Dataset<Row> featureRows = good.select(
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
            long changed = stages.run("write features and quarantine", () -> {
                // New paths are appended (the pinned keys and the lake lock say they are absent); only
                // changed images need a MERGE, which costs a join against the table.
                Dataset<Row> knownPaths = broadcast(known.select("path").distinct());
                Dataset<Row> changedRows =
                        featureRows.join(knownPaths, seq("path"), "left_semi").localCheckpoint(true);
                long changedCount = changedRows.count();
                if (goodCount > changedCount) {
                    Dataset<Row> newRows = featureRows.join(knownPaths, seq("path"), "left_anti");
                    tables.append(LakeTable.FEATURES, newRows.coalesce(fileCount(newRows, goodCount - changedCount)));
                }
                if (changedCount > 0) {
                    tables.upsert(LakeTable.FEATURES, changedRows, Map.of("backbone_id", backboneId));
                }
                if (badCount > 0) {
                    tables.insertNew(
                            LakeTable.QUARANTINE,
                            bad.select(
                                    col("path"),
                                    col("content_sha256"),
                                    lit(STAGE).as("stage"),
                                    col("size"),
                                    col("modification_time"),
                                    col("error").as("reason"),
                                    col("error_message").as("message"),
                                    lit(runId).as("run_id"),
                                    current_timestamp().as("at")));
                }
                return changedCount;
            });
            counts.put("re_embedded", changed);
            embedded = goodCount;
            refused = badCount;
        }
        candidates.unpersist();
        listed.unpersist();

        long unchanged = listedCount - candidateCount + sameBytes;
        counts.put("embedded", embedded);
        counts.put("quarantined", refused);
        counts.put("unchanged", unchanged);
        if (embedded + refused + unchanged != listedCount) {
            throw TransferlakeException.cannot(
                    "reconcile extract " + runId,
                    "listed " + listedCount + " ≠ embedded " + embedded + " + quarantined " + refused + " + unchanged "
                            + unchanged,
                    "This is a bug: report it with the runs table row of " + runId + ".");
        }
        return new Result(runId, backboneId, listedCount, embedded, refused, unchanged, stages.timings());
    }

    /** Files for {@code count} feature rows: one per ~128 MB of embeddings, not one per task, as small files slow every later read. */
    private static int fileCount(Dataset<Row> rows, long count) {
        int dim = rows.select("dim").first().getInt(0);
        double bytes = count * (double) dim * Float.BYTES;
        return (int) Math.max(1, Math.min(rows.rdd().getNumPartitions(), Math.ceil(bytes / TARGET_FILE_BYTES)));
    }

    /** The candidates' rows with their bytes and content hash, read from {@code paths} (files or roots). */
    private static Dataset<Row> hashed(
            SparkSession spark, PipelineConfig config, List<String> paths, Dataset<Row> candidates) {
        return ImageListing.readContent(spark, paths, config.extract().extensions())
                .join(candidates, "path")
                .withColumn("content_sha256", sha2(col("content"), 256));
    }

    private static List<String> paths(Dataset<Row> rows) {
        return rows.select("path").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    }

    private static scala.collection.Seq<String> seq(String column) {
        return scala.collection.JavaConverters.asScalaBuffer(List.of(column)).toSeq();
    }

    /** Runs {@code work} while a console line follows {@code done} (updated as tasks finish). */
    private static <T> T withProgress(
            PrintStream out, String what, long total, LongAccumulator done, java.util.function.Supplier<T> work) {
        Progress progress = out == null ? Progress.silent() : Progress.console(what, total, out);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "transferlake-progress");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(() -> progress.update(done.value()), 500, 500, TimeUnit.MILLISECONDS);
        try {
            return work.get();
        } finally {
            ticker.shutdownNow();
            progress.update(done.value());
            progress.finish();
        }
    }
}
