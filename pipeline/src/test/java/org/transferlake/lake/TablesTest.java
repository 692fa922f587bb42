package org.transferlake.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.testing.SharedLake;

/** Each test on its own fresh root, so each starts from missing tables. */
@Tag("spark")
class TablesTest {
    private static SparkSession spark;
    private URI root;
    private Tables tables;

    @BeforeAll
    static void session() {
        spark = SharedLake.get().spark();
    }

    @BeforeEach
    void freshRoot() {
        root = SharedLake.freshRoot(TablesTest.class);
        tables = new Tables(spark, root);
    }

    private static Row quarantined(String path, String sha, String stage, String reason, String runId) {
        return RowFactory.create(path, sha, stage, 10L, null, reason, reason + " message", runId, null);
    }

    private static Row feature(String path, String backbone, String sha, String label, String runId) {
        return RowFactory.create(
                path, backbone, sha, 10L, null, 28, 28, label, "train", List.of(1.0f, 2.0f), 2, runId, null);
    }

    private static Row prediction(
            String path, String head, String sha, String label, double probability, String runId) {
        return RowFactory.create(path, head, sha, label, probability, null, runId, null);
    }

    private static Dataset<Row> rowsOf(LakeTable table, Row... rows) {
        return spark.createDataFrame(Arrays.asList(rows), table.schema());
    }

    private String contents(LakeTable table, String columns) {
        return tables.read(table)
                .selectExpr(columns.split(", "))
                .orderBy(columns.split(", ")[0], columns.split(", ")[1])
                .collectAsList()
                .toString();
    }

    private long versions(LakeTable table) {
        return spark.sql("DESCRIBE HISTORY delta.`" + table.location(root) + "`")
                .count();
    }

    @Test
    void appendAddsTheRowsAsGiven() {
        tables.append(
                LakeTable.QUARANTINE,
                rowsOf(
                        LakeTable.QUARANTINE,
                        quarantined("a", "s1", "embed", "CORRUPT", "r1"),
                        quarantined("b", "s2", "embed", "EMPTY", "r1")));

        assertThat(contents(LakeTable.QUARANTINE, "path, content_sha256, stage, size, reason, message, run_id"))
                .isEqualTo("[[a,s1,embed,10,CORRUPT,CORRUPT message,r1], [b,s2,embed,10,EMPTY,EMPTY message,r1]]");
    }

    @Test
    void readOfAMissingTableCreatesItEmptyWithItsSchema() {
        Dataset<Row> read = tables.read(LakeTable.QUARANTINE);

        assertThat(read.count()).isZero();
        assertThat(read.schema().fieldNames())
                .containsExactly(LakeTable.QUARANTINE.schema().fieldNames());
    }

    @Test
    void upsertReplacesMatchedRowsAndInsertsNewOnesOnTheWholeKey() {
        tables.append(
                LakeTable.QUARANTINE,
                rowsOf(
                        LakeTable.QUARANTINE,
                        quarantined("a", "s1", "embed", "CORRUPT", "r1"),
                        quarantined("b", "s2", "embed", "EMPTY", "r1")));

        tables.upsert(
                LakeTable.QUARANTINE,
                rowsOf(
                        LakeTable.QUARANTINE,
                        quarantined("a", "s1", "embed", "TOO_LARGE", "r2"),
                        quarantined("a", "s1", "score", "CORRUPT", "r2"),
                        quarantined("c", "s3", "embed", "EMPTY", "r2")),
                Map.of());

        assertThat(contents(LakeTable.QUARANTINE, "path, stage, content_sha256, reason, run_id"))
                .isEqualTo("[[a,embed,s1,TOO_LARGE,r2], [a,score,s1,CORRUPT,r2], [b,embed,s2,EMPTY,r1], "
                        + "[c,embed,s3,EMPTY,r2]]");
    }

    @Test
    void upsertingTheSameRowsTwiceLeavesOneRowPerKey() {
        Dataset<Row> source = rowsOf(
                LakeTable.PREDICTIONS,
                prediction("a", "h1", "s1", "cat", 0.9, "r1"),
                prediction("a", "h2", "s1", "dog", 0.6, "r1"));

        tables.upsert(LakeTable.PREDICTIONS, source, Map.of());
        tables.upsert(LakeTable.PREDICTIONS, source, Map.of());

        assertThat(contents(LakeTable.PREDICTIONS, "path, head_id, label, probability"))
                .isEqualTo("[[a,h1,cat,0.9], [a,h2,dog,0.6]]");
    }

    @Test
    void upsertWithAPartitionFilterLeavesOtherBackbonesAlone() {
        tables.append(
                LakeTable.FEATURES,
                rowsOf(
                        LakeTable.FEATURES,
                        feature("a", "bb1", "s1", "cat", "r1"),
                        feature("a", "bb2", "s1", "cat", "r1")));

        tables.upsert(
                LakeTable.FEATURES,
                rowsOf(
                        LakeTable.FEATURES,
                        feature("a", "bb1", "s9", "dog", "r2"),
                        feature("b", "bb1", "s2", "cow", "r2")),
                Map.of("backbone_id", "bb1"));

        assertThat(contents(LakeTable.FEATURES, "backbone_id, path, content_sha256, label, run_id, embedding"))
                .isEqualTo("[[bb1,a,s9,dog,r2,WrappedArray(1.0, 2.0)], [bb1,b,s2,cow,r2,WrappedArray(1.0, 2.0)], "
                        + "[bb2,a,s1,cat,r1,WrappedArray(1.0, 2.0)]]");
    }

    @Test
    void aPartitionFilterValueWithAQuoteIsEscaped() {
        tables.append(LakeTable.FEATURES, rowsOf(LakeTable.FEATURES, feature("a", "it's", "s1", "cat", "r1")));

        tables.upsert(
                LakeTable.FEATURES,
                rowsOf(LakeTable.FEATURES, feature("a", "it's", "s2", "dog", "r2")),
                Map.of("backbone_id", "it's"));

        assertThat(contents(LakeTable.FEATURES, "backbone_id, path, content_sha256, label"))
                .isEqualTo("[[it's,a,s2,dog]]");
    }

    @Test
    void updateMatchedChangesOnlyTheNamedColumnsAndInsertsNothing() {
        tables.append(
                LakeTable.PREDICTIONS,
                rowsOf(
                        LakeTable.PREDICTIONS,
                        prediction("a", "h1", "s1", "cat", 0.9, "r1"),
                        prediction("b", "h1", "s2", "dog", 0.8, "r1")));

        tables.updateMatched(
                LakeTable.PREDICTIONS,
                rowsOf(
                        LakeTable.PREDICTIONS,
                        prediction("a", "h1", "s9", "cow", 0.1, "r2"),
                        prediction("c", "h1", "s3", "cow", 0.2, "r2")),
                Map.of(),
                "label",
                "run_id");

        assertThat(contents(LakeTable.PREDICTIONS, "path, head_id, content_sha256, label, probability, run_id"))
                .isEqualTo("[[a,h1,s1,cow,0.9,r2], [b,h1,s2,dog,0.8,r1]]");
    }

    @Test
    void insertNewKeepsExistingRowsAndAddsOnlyNewKeys() {
        tables.append(
                LakeTable.PREDICTIONS, rowsOf(LakeTable.PREDICTIONS, prediction("a", "h1", "s1", "cat", 0.9, "r1")));

        tables.insertNew(
                LakeTable.PREDICTIONS,
                rowsOf(
                        LakeTable.PREDICTIONS,
                        prediction("a", "h1", "s9", "cow", 0.1, "r2"),
                        prediction("a", "h2", "s1", "dog", 0.7, "r2")));

        assertThat(contents(LakeTable.PREDICTIONS, "path, head_id, content_sha256, label, probability, run_id"))
                .isEqualTo("[[a,h1,s1,cat,0.9,r1], [a,h2,s1,dog,0.7,r2]]");
    }

    @Test
    void updateSetsTheValuesOnlyWhereTheConditionHolds() {
        tables.append(
                LakeTable.PREDICTIONS,
                rowsOf(
                        LakeTable.PREDICTIONS,
                        prediction("a", "h1", "s1", "cat", 0.9, "r1"),
                        prediction("a", "h2", "s1", "dog", 0.8, "r1")));

        tables.update(
                LakeTable.PREDICTIONS,
                col("head_id").equalTo("h2"),
                Map.of("label", lit("wolf"), "probability", col("probability").divide(2)));

        assertThat(contents(LakeTable.PREDICTIONS, "path, head_id, label, probability, run_id"))
                .isEqualTo("[[a,h1,cat,0.9,r1], [a,h2,wolf,0.4,r1]]");
    }

    @Test
    void aPinnedDataFrameDoesNotSeeLaterWrites() {
        tables.append(
                LakeTable.QUARANTINE,
                rowsOf(
                        LakeTable.QUARANTINE,
                        quarantined("a", "s1", "embed", "CORRUPT", "r1"),
                        quarantined("b", "s2", "score", "EMPTY", "r1")));
        Dataset<Row> pinned = tables.pinned(LakeTable.QUARANTINE, col("stage").equalTo("embed"), "path", "reason");

        tables.append(
                LakeTable.QUARANTINE, rowsOf(LakeTable.QUARANTINE, quarantined("c", "s3", "embed", "EMPTY", "r2")));
        tables.update(LakeTable.QUARANTINE, col("path").equalTo("a"), Map.of("reason", lit("TOO_LARGE")));

        assertThat(pinned.columns()).containsExactly("path", "reason");
        assertThat(pinned.orderBy("path").collectAsList().toString()).isEqualTo("[[a,CORRUPT]]");
        assertThat(contents(LakeTable.QUARANTINE, "path, stage, reason"))
                .as("the table itself did change")
                .isEqualTo("[[a,embed,TOO_LARGE], [b,score,EMPTY], [c,embed,EMPTY]]");
    }

    @Test
    void ensureCreatesThePartitionedTableOnceAndRegistersItsName() {
        // Names are per session and other tests register them too: start from none.
        spark.sql("DROP TABLE IF EXISTS " + LakeTable.FEATURES.qualifiedName());
        tables.ensure(LakeTable.FEATURES);
        tables.ensure(LakeTable.FEATURES);

        String location = LakeTable.FEATURES.location(root).toString();
        assertThat(DeltaTable.isDeltaTable(spark, location)).isTrue();
        assertThat(versions(LakeTable.FEATURES)).as("created once").isEqualTo(1);
        Row detail = spark.sql("DESCRIBE DETAIL delta.`" + location + "`").head();
        assertThat(detail.<String>getList(detail.fieldIndex("partitionColumns")))
                .containsExactly("backbone_id");
        Row named = spark.sql("DESCRIBE DETAIL transferlake.features").head();
        assertThat(named.<String>getAs("location")).isEqualTo(location);
    }

    @Test
    void ensureKeepsTheNotNullKeyColumns() {
        tables.ensure(LakeTable.QUARANTINE);

        assertThat(spark.read()
                        .format("delta")
                        .load(LakeTable.QUARANTINE.location(root).toString())
                        .schema())
                .as("the declared columns, their comments included")
                .isEqualTo(LakeTable.QUARANTINE.schemaWithComments());
    }

    @Test
    void aTableWrittenByAnOlderVersionGainsTheNewColumnsAndKeepsItsRows() {
        // The runs table as it was before child_run_ids existed.
        org.apache.spark.sql.types.StructType older = new org.apache.spark.sql.types.StructType(
                java.util.Arrays.stream(LakeTable.RUNS.schema().fields())
                        .filter(field -> !field.name().equals("child_run_ids"))
                        .toArray(org.apache.spark.sql.types.StructField[]::new));
        spark.createDataFrame(
                        List.of(RowFactory.create(
                                "extract-1", "extract", null, null, "succeeded", Map.of(), Map.of(), Map.of(), null)),
                        older)
                .write()
                .format("delta")
                .save(LakeTable.RUNS.location(root).toString());

        assertThat(tables.read(LakeTable.RUNS).schema().fieldNames()).contains("child_run_ids");
        assertThat(contents(LakeTable.RUNS, "run_id, status, child_run_ids")).isEqualTo("[[extract-1,succeeded,null]]");
    }
}
