package org.transferlake.runs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.transferlake.config.Errors;
import org.transferlake.config.PipelineConfig;
import org.transferlake.embed.EmbeddingTransformer;
import org.transferlake.embed.ExecutorModels;
import org.transferlake.lake.FeatureRows;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.QuarantineRows;
import org.transferlake.lake.Tables;
import org.transferlake.source.ImageBytes;
import org.transferlake.source.ImageListing;
import org.transferlake.source.Incremental;
import org.transferlake.source.Labels;

/**
 * {@code transferlake extract}: embeds new or changed images into {@code features}, refused ones
 * into {@code quarantine}, and records the run. Idempotent: a re-run with nothing new reads no
 * image bytes and writes nothing but its run row. Counts reconcile:
 * {@code listed = embedded + quarantined + unchanged}.
 */
public final class ExtractRun {
    private static final Logger LOG = LoggerFactory.getLogger(ExtractRun.class);
    static final String STAGE = "embed";

    /** The step that lists the roots, as {@code runs.timings_seconds} names it. */
    public static final String LIST_STEP = "list images";

    /** The step that reads, decodes and embeds, as {@code runs.timings_seconds} names it. */
    public static final String EMBED_STEP = "embed";

    /**
     * Images embedded or refused per second of the {@link #EMBED_STEP} of a run with these counts and
     * timings; empty when the step did not run or had nothing to do. Refusals include empty files, which
     * never reach the decoder.
     */
    public static java.util.Optional<Double> embedRate(long embedded, long quarantined, Map<String, Double> timings) {
        Double seconds = timings.get(EMBED_STEP);
        return seconds == null || seconds <= 0 || embedded + quarantined == 0
                ? java.util.Optional.empty()
                : java.util.Optional.of((embedded + quarantined) / seconds);
    }

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
            return embedRate(embedded, quarantined, timings).orElse(0.0);
        }
    }

    /** The columns of {@code features} and {@code quarantine} that tell whether a listed file is known. */
    private static final String[] KNOWN_KEYS = {"path", "size", "modification_time", "content_sha256"};

    private ExtractRun() {}

    /**
     * What an extract would do now.
     *
     * @param newPaths listed images the tables have never seen: each would be read and embedded
     * @param touched listed images whose size or modification time changed: each would be read and
     *     hashed, and embedded again if its bytes changed
     * @param sample up to the asked number of paths that would be read, sorted
     */
    public record Plan(String backboneId, long listed, long newPaths, long touched, List<String> sample) {}

    /**
     * Lists and selects as {@link #run} does, and touches nothing: no lock, no {@code runs} row, no
     * table created, no bytes read.
     */
    public static Plan plan(SparkSession spark, PipelineConfig config, int sampleSize) {
        if (sampleSize < 0) {
            throw Errors.negativePlanSample(sampleSize);
        }
        String backboneId =
                ExecutorModels.resolveOnDriver(spark.sparkContext(), config.backbone(), config.modelCacheDir());
        Tables tables = new Tables(spark, config.lake().root());
        Dataset<Row> listed = tables.keep(ImageListing.listMetadata(
                spark, config.extract().roots(), config.extract().extensions()));
        Dataset<Row> known = Incremental.broadcastIfSmall(tables.keep(knownKeys(tables, backboneId, listed)));
        Dataset<Row> candidates = tables.keep(Incremental.newOrTouched(listed, known));
        long touched = Incremental.knownPaths(candidates, known).count();
        return new Plan(
                backboneId,
                listed.count(),
                candidates.count() - touched,
                touched,
                candidates
                        .select("path")
                        .orderBy("path")
                        .limit(sampleSize)
                        .as(Encoders.STRING())
                        .collectAsList());
    }

    /**
     * The keys of this backbone's features and of the extract's quarantine rows, as the tables are now
     * (none for a table that does not exist yet; nothing is created).
     */
    private static Dataset<Row> knownKeys(Tables tables, String backboneId, Dataset<Row> listed) {
        return knownKeys(tables, LakeTable.FEATURES, col("backbone_id").equalTo(backboneId), listed)
                .unionByName(
                        knownKeys(tables, LakeTable.QUARANTINE, col("stage").equalTo(STAGE), listed));
    }

    /** The known keys of {@code table}'s rows that pass {@code filter}; none when the table does not exist yet. */
    private static Dataset<Row> knownKeys(Tables tables, LakeTable table, Column filter, Dataset<Row> listed) {
        return tables.readExisting(table)
                .map(rows -> rows.where(filter).selectExpr(KNOWN_KEYS))
                .orElseGet(() -> listed.withColumn("content_sha256", lit(null).cast("string"))
                        .selectExpr(KNOWN_KEYS)
                        .limit(0));
    }

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
                (runId, tables, stages, counts, childRunIds) ->
                        extract(spark, config, tables, runId, stages, counts, progressOut));
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

        // Kept, not cached: tasks list the lake, and a lost executor must not make Spark list it again (files
        // may have changed since, and the counts below must add up).
        Dataset<Row> listed = stages.run(LIST_STEP, () -> {
            Dataset<Row> files = ImageListing.listMetadata(
                    spark, config.extract().roots(), config.extract().extensions());
            return tables.keep(
                    config.extract().labels().isEmpty()
                            ? Labels.fromLayout(files)
                            : Labels.fromTable(files, spark, config.extract().labels()));
        });
        long listedCount = listed.count();
        Dataset<Row> candidates = null;
        try {
            // Kept: what this run compares against must not move when it writes.
            Dataset<Row> known = stages.run("read known images", () -> {
                // An extract leaves both tables in place, empty or not, for the queries that read them.
                tables.ensure(LakeTable.FEATURES);
                tables.ensure(LakeTable.QUARANTINE);
                return Incremental.broadcastIfSmall(tables.keep(knownKeys(tables, backboneId, listed)));
            });
            candidates = Incremental.newOrTouched(listed, known).persist(StorageLevel.MEMORY_AND_DISK());
            long candidateCount = stages.run("select new or changed", candidates::count);
            counts.put("listed", listedCount);
            counts.put("new_or_touched", candidateCount);
            LOG.info("{} images listed, {} new or touched", listedCount, candidateCount);

            Written written = candidateCount == 0
                    ? new Written(0, 0, 0, 0)
                    : embedAndWrite(
                            spark,
                            config,
                            tables,
                            runId,
                            stages,
                            progressOut,
                            backboneId,
                            known,
                            candidates,
                            candidateCount);
            if (candidateCount > 0) {
                counts.put("re_embedded", written.changed());
            }
            long unchanged = listedCount - candidateCount + written.sameBytes();
            counts.put("embedded", written.embedded());
            counts.put("quarantined", written.refused());
            counts.put("unchanged", unchanged);
            if (written.embedded() + written.refused() + unchanged != listedCount) {
                throw Errors.extractCountsDoNotAddUp(
                        runId, listedCount, written.embedded(), written.refused(), unchanged);
            }
            return new Result(
                    runId, backboneId, listedCount, written.embedded(), written.refused(), unchanged, stages.timings());
        } finally {
            if (candidates != null) {
                candidates.unpersist();
            }
        }
    }

    /** What the embedding and writing steps did: {@code changed} of the embedded replaced an older embedding. */
    private record Written(long embedded, long refused, long sameBytes, long changed) {}

    private static Written embedAndWrite(
            SparkSession spark,
            PipelineConfig config,
            Tables tables,
            String runId,
            Stages stages,
            PrintStream progressOut,
            String backboneId,
            Dataset<Row> known,
            Dataset<Row> candidates,
            long candidateCount) {
        // Bytes are read in the tasks that use them, reading ahead while the backbone runs; only keys move between
        // tasks.
        int readAhead = ImageBytes.readAhead(config.embed().batchSize());
        Dataset<Row> sameBytesTouched = stages.run("refresh touched files", () -> {
            Dataset<Row> touchedFiles = Incremental.knownPaths(candidates, known);
            if (touchedFiles.isEmpty()) {
                return null;
            }
            Dataset<Row> touched = tables.keep(Incremental.sameContent(
                    // Keys and metadata only: the bytes must not stay on the executors.
                    ImageBytes.readHashed(touchedFiles, readAhead)
                            .select("path", "content_sha256", "size", "modification_time"),
                    known));
            tables.updateMatched(
                    LakeTable.FEATURES,
                    FeatureRows.metadataRefresh(touched, backboneId),
                    Map.of("backbone_id", backboneId),
                    "size",
                    "modification_time");
            tables.updateMatched(
                    LakeTable.QUARANTINE,
                    QuarantineRows.metadataRefresh(touched, STAGE),
                    Map.of(),
                    "size",
                    "modification_time");
            return touched;
        });
        long sameBytes = sameBytesTouched == null ? 0 : sameBytesTouched.count();
        long toEmbedCount = candidateCount - sameBytes;
        Dataset<Row> notSameBytes = sameBytesTouched == null
                ? candidates
                : Incremental.unknownPaths(candidates, Incremental.broadcastIfSmall(sameBytesTouched));
        // Empty files are quarantined from the listing: there is nothing to read.
        Dataset<Row> toEmbedFiles = notSameBytes
                .where(col("size").gt(0))
                .repartition(embedTasks(toEmbedCount, spark.sparkContext().defaultParallelism(), config));
        Dataset<Row> toEmbed = ImageBytes.readHashed(toEmbedFiles, readAhead);
        LongAccumulator done = spark.sparkContext().longAccumulator("transferlake: images embedded");
        EmbeddingTransformer transformer = new EmbeddingTransformer()
                .setBackbone(config.backbone(), backboneId)
                .setEmbedConfig(config.embed())
                .setModelCacheDir(config.modelCacheDir().toString())
                .setProgressCounter(done);
        // Checkpointed, not just cached: the MERGEs below must never trigger a second embedding pass.
        Dataset<Row> results = stages.run(
                EMBED_STEP,
                () -> Progress.follow(
                        "embedding",
                        toEmbedCount,
                        progressOut,
                        done::value,
                        () -> tables.keep(transformer.transform(toEmbed).drop("content"))));
        Dataset<Row> good = results.where(col("error").isNull());
        Dataset<Row> bad =
                tables.keep(QuarantineRows.refused(results).unionByName(QuarantineRows.emptyFiles(notSameBytes)));
        long goodCount = good.count();
        long badCount = bad.count();
        Dataset<Row> featureRows = FeatureRows.of(good, backboneId, runId);
        long changed = stages.run("write features and quarantine", () -> {
            // New paths are appended (the pinned keys and the lake lock say they are absent); only
            // changed images need a MERGE, which costs a join against the table.
            Dataset<Row> changedRows = tables.keep(Incremental.knownPaths(featureRows, known));
            long changedCount = changedRows.count();
            if (goodCount > changedCount) {
                Dataset<Row> newRows = Incremental.unknownPaths(featureRows, known);
                tables.append(
                        LakeTable.FEATURES, newRows.coalesce(FeatureRows.fileCount(newRows, goodCount - changedCount)));
            }
            if (changedCount > 0) {
                tables.upsert(LakeTable.FEATURES, changedRows, Map.of("backbone_id", backboneId));
            }
            if (badCount > 0) {
                tables.insertNew(LakeTable.QUARANTINE, QuarantineRows.of(bad, STAGE, runId));
            }
            return changedCount;
        });
        return new Written(goodCount, badCount, sameBytes, changed);
    }

    /**
     * Tasks for {@code images}: about {@code embed.images-per-task} each (the backbone is shared per
     * executor, but every task still costs an embedder and scheduling), at least one per core, and a
     * multiple of the cores so the last wave keeps them all busy.
     */
    static int embedTasks(long images, int cores, PipelineConfig config) {
        long byImages =
                (images + config.embed().imagesPerTask() - 1) / config.embed().imagesPerTask();
        long waves = (Math.max(byImages, cores) + cores - 1) / cores;
        return (int) Math.min(Integer.MAX_VALUE, waves * cores);
    }
}
