package org.transferlake.lake;

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

/** Feature and quarantine rows shaped from the embedding stage's output, on small frames: no table is touched. */
@Tag("spark")
class TableRowsTest {
    /** What the extract hands over: the listing's columns, the hash, and the Transformer's outputs. */
    private static final StructType EMBEDDED = new StructType()
            .add("path", DataTypes.StringType)
            .add("size", DataTypes.LongType)
            .add("modification_time", DataTypes.TimestampType)
            .add("label", DataTypes.StringType)
            .add("split", DataTypes.StringType)
            .add("content_sha256", DataTypes.StringType)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false))
            .add("width", DataTypes.IntegerType)
            .add("height", DataTypes.IntegerType)
            .add("error", DataTypes.StringType)
            .add("error_message", DataTypes.StringType);

    private static SparkSession spark;
    private static Dataset<Row> embedded;

    @BeforeAll
    static void frames() {
        spark = SharedLake.get().spark();
        Timestamp at = Timestamp.valueOf("2026-01-02 03:04:05");
        embedded = spark.createDataFrame(
                List.of(
                        RowFactory.create(
                                "s3a://b/ok.png", 10L, at, "cat", "train", "h1", List.of(1f, 2f, 3f), 4, 5, null, null),
                        RowFactory.create(
                                "s3a://b/bad.png", 7L, at, "dog", null, "h2", null, null, null, "CORRUPT", "broken"),
                        RowFactory.create("s3a://b/empty.png", 0L, at, null, null, null, null, null, null, null, null)),
                EMBEDDED);
    }

    @Test
    void featureRowsHaveTheTablesColumnsInItsOrder() {
        Dataset<Row> rows = FeatureRows.of(embedded.where("error IS NULL AND size > 0"), "bb@sha256:1", "run-1");

        assertThat(rows.schema().fieldNames())
                .containsExactly(LakeTable.FEATURES.schema().fieldNames());
        assertThat(rows.drop("extracted_at").collectAsList().toString())
                .isEqualTo("[[s3a://b/ok.png,bb@sha256:1,h1,10,2026-01-02 03:04:05.0,4,5,cat,train,"
                        + "WrappedArray(1.0, 2.0, 3.0),3,run-1]]");
    }

    @Test
    void refusedAndEmptyFilesBecomeQuarantineRowsWithTheirReasons() {
        Dataset<Row> refusals = QuarantineRows.refused(embedded).unionByName(QuarantineRows.emptyFiles(embedded));
        Dataset<Row> rows = QuarantineRows.of(refusals, "embed", "run-1");

        assertThat(rows.schema().fieldNames())
                .containsExactly(LakeTable.QUARANTINE.schema().fieldNames());
        assertThat(rows.drop("at").orderBy("path").collectAsList().toString())
                .isEqualTo("[[s3a://b/bad.png,h2,embed,7,2026-01-02 03:04:05.0,CORRUPT,broken,run-1], "
                        + "[s3a://b/empty.png," + QuarantineRows.EMPTY_SHA256
                        + ",embed,0,2026-01-02 03:04:05.0,EMPTY,the file is empty,run-1]]");
    }

    @Test
    void theEmptyFileHashIsTheSha256OfZeroBytes() throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(new byte[0]);
        assertThat(java.util.HexFormat.of().formatHex(digest)).isEqualTo(QuarantineRows.EMPTY_SHA256);
    }

    @Test
    void metadataRefreshesCarryTheKeysOfTheirTable() {
        assertThat(FeatureRows.metadataRefresh(embedded, "bb@sha256:1").schema().fieldNames())
                .containsExactly("path", "backbone_id", "size", "modification_time");
        assertThat(QuarantineRows.metadataRefresh(embedded, "embed").schema().fieldNames())
                .containsExactly("path", "content_sha256", "stage", "size", "modification_time");
    }
}
