package org.transferlake.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.testing.SharedLake;

/** Which images a run pays for, on small frames: by metadata first, then by content hash. */
@Tag("spark")
class IncrementalTest {
    private static final StructType KEYS = new StructType()
            .add("path", DataTypes.StringType)
            .add("size", DataTypes.LongType)
            .add("modification_time", DataTypes.TimestampType)
            .add("content_sha256", DataTypes.StringType);
    private static final Timestamp T1 = new Timestamp(1_000);
    private static final Timestamp T2 = new Timestamp(2_000);

    private static SparkSession spark;
    private static Dataset<Row> known;

    @BeforeAll
    static void knownImages() {
        spark = SharedLake.get().spark();
        known = frame(
                RowFactory.create("same", 10L, T1, "h-same"),
                RowFactory.create("touched", 10L, T1, "h-touched"),
                RowFactory.create("changed", 10L, T1, "h-old"),
                RowFactory.create("gone", 10L, T1, "h-gone"));
    }

    private static Dataset<Row> frame(Row... rows) {
        return spark.createDataFrame(List.of(rows), KEYS);
    }

    private static List<String> paths(Dataset<Row> rows) {
        return rows.select("path")
                .orderBy("path")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
    }

    @Test
    void onlyNewFilesAndFilesWithOtherSizeOrTimeAreCandidates() {
        Dataset<Row> listed = frame(
                RowFactory.create("same", 10L, T1, null),
                RowFactory.create("touched", 10L, T2, null),
                RowFactory.create("changed", 11L, T1, null),
                RowFactory.create("new", 5L, T1, null));

        assertThat(paths(Incremental.newOrTouched(listed.drop("content_sha256"), known)))
                .containsExactly("changed", "new", "touched");
    }

    @Test
    void candidatesSplitIntoKnownAndUnknownPaths() {
        Dataset<Row> candidates = frame(
                RowFactory.create("touched", 10L, T2, null),
                RowFactory.create("changed", 11L, T1, null),
                RowFactory.create("new", 5L, T1, null));

        assertThat(paths(Incremental.knownPaths(candidates, known))).containsExactly("changed", "touched");
        assertThat(paths(Incremental.unknownPaths(candidates, known))).containsExactly("new");
    }

    @Test
    void aTouchedFileWithItsOldBytesNeedsNoEmbeddingButAChangedOneDoes() {
        Dataset<Row> hashed = frame(
                RowFactory.create("touched", 10L, T2, "h-touched"),
                RowFactory.create("changed", 11L, T1, "h-new"),
                RowFactory.create("new", 5L, T1, "h-x"));

        assertThat(paths(Incremental.sameContent(hashed, known))).containsExactly("touched");
        assertThat(paths(Incremental.newContent(hashed, known))).containsExactly("changed", "new");
    }

    @Test
    void theSameBytesUnderAnotherPathAreNewContent() {
        Dataset<Row> copied = frame(RowFactory.create("copy-of-same", 10L, T1, "h-same"));

        assertThat(paths(Incremental.newContent(copied, known))).containsExactly("copy-of-same");
    }

    @Test
    void knownKeysAreBroadcastOnlyWhileSmall() {
        Dataset<Row> listed = frame(RowFactory.create("new", 10L, T1, null));
        // 2M keys: above BROADCAST_MAX_KEYS, and by Spark's size estimate above its own broadcast threshold.
        Dataset<Row> manyKnown = spark.range(2_000_000)
                .selectExpr(
                        "concat('s3a://lake/images/', id, '.png') AS path",
                        "10L AS size",
                        "timestamp'2020-01-01 00:00:00' AS modification_time",
                        "sha2(cast(id AS string), 256) AS content_sha256");

        assertThat(plan(Incremental.newOrTouched(listed, Incremental.broadcastIfSmall(manyKnown))))
                .contains("SortMergeJoin")
                .doesNotContain("BroadcastHashJoin");
        assertThat(plan(Incremental.newOrTouched(listed, Incremental.broadcastIfSmall(known.localCheckpoint(true)))))
                .contains("BroadcastHashJoin");
    }

    @Test
    void smallKnownPathsAreBroadcastAsTheyAreWithNoAggregation() {
        Dataset<Row> candidates = frame(RowFactory.create("touched", 10L, T2, null));
        Dataset<Row> smallKnown = Incremental.broadcastIfSmall(known.localCheckpoint(true));

        for (Dataset<Row> split : List.of(
                Incremental.knownPaths(candidates, smallKnown), Incremental.unknownPaths(candidates, smallKnown))) {
            assertThat(plan(split)).contains("BroadcastHashJoin").doesNotContain("HashAggregate");
        }
    }

    private static String plan(Dataset<Row> rows) {
        return rows.queryExecution().sparkPlan().toString();
    }
}
