package org.transferlake.bench;

import static org.apache.spark.sql.functions.col;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.transferlake.config.Errors;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;
import org.transferlake.score.SimilarImages;

/**
 * {@code bench similar}: exact top-k by cosine over N generated embeddings, ours (top k per partition,
 * then merged on the driver) against the reference way of a whole-table sort collected to the driver,
 * and the README's SQL pattern; times, rows that reach the driver, heap peaks, and whether all three
 * agree.
 */
public final class SimilarityBenchmark {
    private static final String BACKBONE = "bench-similar";
    private static final int RUNS = 3;

    private SimilarityBenchmark() {}

    /** Refuses sizes before Spark starts. */
    public static void requireSizes(int rows, int dim, int k) {
        if (rows < 2 || dim < 1) {
            throw Errors.benchSimilarSizes(rows, dim);
        }
        SimilarImages.requireCount(k);
    }

    public static void run(SparkSession spark, URI lakeRoot, int rows, int dim, int k, PrintWriter out) {
        requireSizes(rows, dim, k);
        URI benchRoot = lakeRoot.resolve("bench/similar-" + rows + "x" + dim + "/");
        Tables tables = Tables.unregistered(spark, benchRoot);
        Dataset<Row> features = embeddings(spark, tables, benchRoot, rows, dim, out);
        int partitions = features.rdd().getNumPartitions();
        String query = path(0);

        out.printf("Warm-up: one query of each kind ...%n");
        out.flush();
        List<String> ours = paths(SimilarImages.topK(tables, BACKBONE, query, k));
        List<String> sorted = paths(wholeTableSort(features, query, k));
        // The README's query, on this table: the lake root has no quotes or backticks (config validation).
        String table = "delta.`" + LakeTable.FEATURES.location(benchRoot) + "`";
        String sql = "SELECT path, label, cosine_similarity(embedding, (SELECT embedding FROM " + table
                + " WHERE path = '" + query + "')) AS similarity FROM " + table + " WHERE path <> '" + query
                + "' ORDER BY similarity DESC NULLS LAST, path LIMIT " + k;
        // The SQL lists rows with no direction (a zero embedding) last, with a null similarity; ours leaves them out.
        List<String> bySql = paths(SimilarImages.matches(spark.sql(sql).collectAsList()));

        Measured oursTimed =
                measure(() -> SimilarImages.topK(tables, BACKBONE, query, k).size());
        Measured sortTimed = measure(() -> wholeTableSort(features, query, k).size());
        Measured sqlTimed = measure(() -> spark.sql(sql).collectAsList().size());

        out.printf(
                Locale.ROOT,
                "%nbench similar: top-%d by cosine over %,d embeddings of %d floats, %d partitions, Spark %s%n",
                k,
                rows,
                dim,
                partitions,
                spark.sparkContext().master());
        out.printf(Locale.ROOT, "%-58s %9s %7s %14s %15s%n", "", "median s", "ratio", "rows to driver", "heap peak MB");
        out.printf(
                Locale.ROOT,
                "%-58s %9.2f %7.2f %,14d %15d%n",
                "whole-table sort, collected to the driver (reference)",
                sortTimed.medianSeconds(),
                1.0,
                rows - 1,
                sortTimed.heapPeakMegabytes());
        out.printf(
                Locale.ROOT,
                "%-58s %9.2f %7.2f %,14d %15d%n",
                "similar: top k per partition, then merged (ours)",
                oursTimed.medianSeconds(),
                oursTimed.medianSeconds() / sortTimed.medianSeconds(),
                (long) partitions * k,
                oursTimed.heapPeakMegabytes());
        out.printf(
                Locale.ROOT,
                "%-58s %9.2f %7.2f %,14d %15d%n",
                "the README's SQL (ORDER BY … LIMIT k)",
                sqlTimed.medianSeconds(),
                sqlTimed.medianSeconds() / sortTimed.medianSeconds(),
                (long) partitions * k,
                sqlTimed.heapPeakMegabytes());
        out.printf(
                "same top %d as the reference: ours %s, SQL %s%n",
                k, ours.equals(sorted) ? "yes" : "NO", bySql.equals(sorted) ? "yes" : "NO");
        out.println("(heap peak: the sum of the heap pools' peaks over the query's runs, an upper bound of the heap"
                + " in use; in local mode the executors share the driver's heap)");
        out.flush();
        if (!ours.equals(sorted) || !bySql.equals(sorted)) {
            throw Errors.benchSimilarDisagrees(sorted, ours, bySql);
        }
    }

    private static String path(long id) {
        return "s3a://bench/similar/" + id + ".png";
    }

    /**
     * N embeddings, generated once and kept: sparse and non-negative like ReLU features (about two
     * thirds zeros), from a hash of (row, index), so every run compares the same vectors.
     */
    private static Dataset<Row> embeddings(
            SparkSession spark, Tables tables, URI benchRoot, int rows, int dim, PrintWriter out) {
        if (tables.exists(LakeTable.FEATURES)) {
            long kept = tables.read(LakeTable.FEATURES).count();
            if (kept != rows) {
                throw Errors.benchSimilarTableChanged(LakeTable.FEATURES.location(benchRoot), kept, rows);
            }
        } else {
            out.printf(Locale.ROOT, "Generating %,d embeddings of %d floats ...%n", rows, dim);
            out.flush();
            int partitions = Math.max(2, 2 * spark.sparkContext().defaultParallelism());
            Dataset<Row> generated = spark.range(0, rows, 1, partitions)
                    .selectExpr(
                            "concat('s3a://bench/similar/', id, '.png') AS path",
                            "'" + BACKBONE + "' AS backbone_id",
                            "sha2(cast(id AS string), 256) AS content_sha256",
                            "CAST(NULL AS BIGINT) AS size",
                            "CAST(NULL AS TIMESTAMP) AS modification_time",
                            "CAST(NULL AS INT) AS width",
                            "CAST(NULL AS INT) AS height",
                            "concat('class-', id % 10) AS label",
                            "CAST(NULL AS STRING) AS split",
                            "transform(sequence(1, " + dim + "), i -> CAST(IF(pmod(hash(id, i), 100) < 66, 0,"
                                    + " pmod(hash(i, id), 6000) / 1000.0) AS FLOAT)) AS embedding",
                            dim + " AS dim",
                            "'bench' AS run_id",
                            "CAST(NULL AS TIMESTAMP) AS extracted_at");
            tables.append(LakeTable.FEATURES, generated);
        }
        return tables.read(LakeTable.FEATURES).where(col("backbone_id").equalTo(BACKBONE));
    }

    /** The reference: every similarity computed, the whole table sorted, and all of it collected. */
    private static List<SimilarImages.Match> wholeTableSort(Dataset<Row> features, String query, int k) {
        List<Row> all = SimilarImages.similarities(
                        features, query, SimilarImages.embeddingOf(features, query, BACKBONE))
                .orderBy(col("similarity").desc_nulls_last(), col("path"))
                .collectAsList();
        return SimilarImages.matches(all.subList(0, Math.min(k, all.size())));
    }

    private static List<String> paths(List<SimilarImages.Match> matches) {
        return matches.stream().map(SimilarImages.Match::path).toList();
    }

    private record Measured(double medianSeconds, long heapPeakMegabytes) {}

    private static Measured measure(Supplier<Integer> query) {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .toList();
        double[] seconds = new double[RUNS];
        System.gc();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        for (int run = 0; run < RUNS; run++) {
            long start = System.nanoTime();
            query.get();
            seconds[run] = (System.nanoTime() - start) / 1e9;
        }
        long peak =
                heap.stream().mapToLong(pool -> pool.getPeakUsage().getUsed()).sum();
        java.util.Arrays.sort(seconds);
        return new Measured(seconds[RUNS / 2], peak / (1024 * 1024));
    }
}
