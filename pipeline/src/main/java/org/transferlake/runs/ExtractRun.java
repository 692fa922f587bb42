package org.transferlake.runs;

import static org.apache.spark.sql.functions.col;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
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

    /** The columns of {@code features} and {@code quarantine} that tell whether a listed file is known. */
    private static final String[] KNOWN_KEYS = {"path", "size", "modification_time", "content_sha256"};

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

        // The listing itself runs on the driver (file system pages); the count materializes it with its labels.
        Counted listing = stages.run("list images", () -> {
            Dataset<Row> files = ImageListing.listMetadata(
                    spark, config.extract().roots(), config.extract().extensions());
            Dataset<Row> labeled = config.extract().labels().isEmpty()
                    ? Labels.fromLayout(files)
                    : Labels.fromTable(files, spark, config.extract().labels());
            return Counted.persisted(labeled);
        });
        Dataset<Row> listed = listing.rows();
        long listedCount = listing.count();
        Dataset<Row> candidates = null;
        try {
            // Pinned: what this run compares against must not move when it writes.
            Dataset<Row> known = stages.run(
                    "read known images",
                    () -> tables.pinned(LakeTable.FEATURES, col("backbone_id").equalTo(backboneId), KNOWN_KEYS)
                            .unionByName(tables.pinned(
                                    LakeTable.QUARANTINE, col("stage").equalTo(STAGE), KNOWN_KEYS)));
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
                            listedCount,
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
            listed.unpersist();
        }
    }

    /** Persisted rows and their count; nothing stays persisted when counting fails. */
    private record Counted(Dataset<Row> rows, long count) {
        static Counted persisted(Dataset<Row> rows) {
            Dataset<Row> persisted = rows.persist(StorageLevel.MEMORY_AND_DISK());
            try {
                return new Counted(persisted, persisted.count());
            } catch (RuntimeException e) {
                persisted.unpersist();
                throw e;
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
            long listedCount,
            Dataset<Row> known,
            Dataset<Row> candidates,
            long candidateCount) {
        List<String> extensions = config.extract().extensions();
        long sameBytes = stages.run("refresh touched files", () -> {
            List<String> touchedPaths = paths(Incremental.knownPaths(candidates, known));
            if (touchedPaths.isEmpty()) {
                return 0L;
            }
            Dataset<Row> touched = tables.keep(
                    Incremental.sameContent(ImageListing.readHashed(spark, touchedPaths, extensions, candidates), known)
                            // Keys and metadata only: the bytes must not stay on the executors.
                            .select("path", "content_sha256", "size", "modification_time"));
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
            return touched.count();
        });

        // Every file is a candidate on a first run: read the roots rather than a list of every path.
        List<String> readFrom = candidateCount == listedCount
                ? config.extract().roots().stream().map(Object::toString).toList()
                : paths(candidates);
        Dataset<Row> toEmbed =
                Incremental.newContent(ImageListing.readHashed(spark, readFrom, extensions, candidates), known);
        LongAccumulator done = spark.sparkContext().longAccumulator("transferlake: images embedded");
        EmbeddingTransformer transformer = new EmbeddingTransformer()
                .setBackbone(config.backbone(), backboneId)
                .setEmbedConfig(config.embed())
                .setModelCacheDir(config.modelCacheDir().toString())
                .setProgressCounter(done);
        // Checkpointed, not just cached: the MERGEs below must never trigger a second embedding pass.
        Dataset<Row> results = stages.run(
                "embed",
                () -> Progress.follow(
                        "embedding",
                        candidateCount - sameBytes,
                        progressOut,
                        done::value,
                        () -> tables.keep(transformer.transform(toEmbed).drop("content"))));
        Dataset<Row> good = results.where(col("error").isNull());
        Dataset<Row> bad =
                tables.keep(QuarantineRows.refused(results).unionByName(QuarantineRows.emptyFiles(candidates)));
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

    private static List<String> paths(Dataset<Row> rows) {
        return rows.select("path").as(Encoders.STRING()).collectAsList();
    }
}
