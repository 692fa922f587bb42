package org.transferlake.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.lake.Tables.Registration;
import org.transferlake.lake.Tables.Registration.Outcome;
import org.transferlake.testing.SharedLake;

/** Tables and views by name, with their comments, and what the views hold against a hand count. */
@Tag("spark")
class CatalogTest {
    private static SparkSession spark;
    private URI root;
    private Tables tables;

    @BeforeAll
    static void session() {
        spark = SharedLake.get().spark();
    }

    @BeforeEach
    void freshRootAndNoNames() {
        root = SharedLake.freshRoot(CatalogTest.class);
        tables = new Tables(spark, root);
        // The shared session's catalog has other tests' names: this test registers its own lake.
        SharedLake.forgetLakeNames();
    }

    private static String byPath(LakeTable table, URI root) {
        return "delta.`" + table.location(root) + "`";
    }

    @Test
    void everyTableAndColumnHasItsComment() {
        for (LakeTable table : LakeTable.values()) {
            tables.ensure(table);
            List<Row> columns =
                    spark.sql("DESCRIBE TABLE " + byPath(table, root)).collectAsList();
            for (String column : table.schema().fieldNames()) {
                Row described = columns.stream()
                        .filter(row -> row.getString(0).equals(column))
                        .findFirst()
                        .orElseThrow();
                assertThat(described.getString(2))
                        .as(table + "." + column)
                        .isEqualTo(table.schemaWithComments()
                                .apply(column)
                                .getComment()
                                .get());
            }
            assertThat(DeltaTable.forPath(spark, table.location(root).toString())
                            .detail()
                            .select("description")
                            .head()
                            .getString(0))
                    .isEqualTo(table.comment());
        }
        assertThat(LakeTable.FEATURES
                        .schemaWithComments()
                        .apply("embedding")
                        .getComment()
                        .get())
                .isEqualTo("The backbone output for this image (dim floats)");
    }

    @Test
    void tablesAnOlderVersionMadeWithoutCommentsGainThemAndKeepTheirOwn() {
        for (LakeTable table : List.of(LakeTable.QUARANTINE, LakeTable.FEATURES)) {
            String location = table.location(root).toString();
            DeltaTable.createIfNotExists(spark)
                    .location(location)
                    .addColumns(table.schema())
                    .partitionedBy(table.partitionColumns().toArray(String[]::new))
                    .execute();
        }
        spark.createDataFrame(
                        List.of(RowFactory.create("s3a://x/a.png", "h", "embed", 1L, null, "EMPTY", "m", "r", null)),
                        LakeTable.QUARANTINE.schema())
                .write()
                .format("delta")
                .mode("append")
                .save(LakeTable.QUARANTINE.location(root).toString());
        spark.sql("ALTER TABLE " + byPath(LakeTable.QUARANTINE, root) + " ALTER COLUMN message COMMENT 'Ours'");

        tables.ensure(LakeTable.QUARANTINE);
        assertThat(spark.sql("DESCRIBE TABLE " + byPath(LakeTable.QUARANTINE, root))
                        .collectAsList()
                        .get(5)
                        .isNullAt(2))
                .as("reading or writing leaves the comments to maintain")
                .isTrue();
        tables.addMissingComments(LakeTable.QUARANTINE);
        tables.addMissingComments(LakeTable.FEATURES);

        List<Row> quarantine = spark.sql("DESCRIBE TABLE " + byPath(LakeTable.QUARANTINE, root))
                .collectAsList();
        assertThat(quarantine.get(5).getString(0)).isEqualTo("reason");
        assertThat(quarantine.get(5).getString(2))
                .isEqualTo("Reason code: EMPTY, UNSUPPORTED_FORMAT, CORRUPT, TRUNCATED or TOO_LARGE");
        assertThat(quarantine.get(6).getString(2)).as("a comment someone set").isEqualTo("Ours");
        assertThat(spark.sql("DESCRIBE TABLE " + byPath(LakeTable.FEATURES, root))
                        .collectAsList()
                        .get(1))
                .as("the partition column too")
                .hasToString("[backbone_id,string,"
                        + LakeTable.FEATURES
                                .schemaWithComments()
                                .apply("backbone_id")
                                .getComment()
                                .get() + "]");
        assertThat(DeltaTable.forPath(spark, LakeTable.FEATURES.location(root).toString())
                        .detail()
                        .select("description")
                        .head()
                        .getString(0))
                .isEqualTo(LakeTable.FEATURES.comment());
        assertThat(tables.read(LakeTable.QUARANTINE).count()).isEqualTo(1);
    }

    @Test
    void registeringIsIdempotentAndOnlyForTablesTheLakeHas() {
        tables.ensure(LakeTable.FEATURES);
        tables.ensure(LakeTable.HEADS);
        tables.ensure(LakeTable.PREDICTIONS);

        List<Registration> first = tables.registerAll(Optional.of("b1"));
        List<Registration> second = new Tables(spark, root).registerAll(Optional.of("b1"));

        assertThat(first.stream().map(r -> r.name() + " " + r.outcome()))
                .containsExactly(
                        "transferlake.features PRESENT",
                        "transferlake.quarantine NOT_IN_LAKE",
                        "transferlake.heads PRESENT",
                        "transferlake.predictions PRESENT",
                        "transferlake.runs NOT_IN_LAKE",
                        "transferlake.features_current DEFINED",
                        "transferlake.latest_predictions DEFINED");
        assertThat(second).isEqualTo(first);
        assertThat(first.get(0).location()).isEqualTo(root + "features");

        spark.sql("DROP TABLE " + LakeTable.FEATURES.qualifiedName());
        assertThat(tables.registerAll(Optional.of("b1")).get(0).outcome()).isEqualTo(Outcome.CREATED);
        assertThat(spark.sql("SELECT count(*) FROM transferlake.features")
                        .head()
                        .getLong(0))
                .isZero();
    }

    @Test
    void aNameTheCatalogHasAsAViewIsRefused() {
        tables.ensure(LakeTable.RUNS);
        spark.sql("DROP TABLE " + LakeTable.RUNS.qualifiedName());
        spark.sql("CREATE VIEW " + LakeTable.RUNS.qualifiedName() + " AS SELECT 1 AS one");

        try {
            assertThatThrownBy(() -> tables.registerAll(Optional.of("b1")))
                    .hasMessage("Cannot register transferlake.runs: the catalog already has it as a view, not at this"
                            + " lake's " + root + "runs. If that table is stale, DROP TABLE transferlake.runs and"
                            + " register again; otherwise register this lake in another metastore.");
        } finally {
            spark.sql("DROP VIEW " + LakeTable.RUNS.qualifiedName());
        }
    }

    @Test
    void aNameTheCatalogHasForAnotherLakeIsRefused() {
        tables.ensure(LakeTable.FEATURES);
        URI other = SharedLake.freshRoot(CatalogTest.class);
        // A job on the other lake leaves the name as it is (and warns): it reads its tables by path.
        new Tables(spark, other).ensure(LakeTable.FEATURES);

        assertThatThrownBy(() -> new Tables(spark, other).registerAll(Optional.of("b1")))
                .hasMessage("Cannot register transferlake.features: the catalog already has it at " + root
                        + "features, not at this lake's " + other + "features. If that table is stale, DROP TABLE"
                        + " transferlake.features and register again; otherwise register this lake in another"
                        + " metastore.");
    }

    @Test
    void theViewsHoldTheConfiguredBackbonesFeaturesAndItsChampionsCurrentPredictions() {
        tables.append(
                LakeTable.FEATURES,
                spark.createDataFrame(
                        List.of(
                                feature("s3a://x/1.png", "b1", "h1"),
                                feature("s3a://x/2.png", "b1", "h2-new"),
                                feature("s3a://x/3.png", "b1", "h3"),
                                feature("s3a://x/1.png", "b2", "h1")),
                        LakeTable.FEATURES.schema()));
        tables.append(
                LakeTable.HEADS,
                spark.createDataFrame(
                        List.of(
                                head("champ-b1", "b1", "champion"),
                                head("old-b1", "b1", "retired"),
                                head("champ-b2", "b2", "champion")),
                        LakeTable.HEADS.schema()));
        tables.append(
                LakeTable.PREDICTIONS,
                spark.createDataFrame(
                        List.of(
                                prediction("s3a://x/1.png", "champ-b1", "h1", "cat"),
                                // Scored before its bytes changed: not current.
                                prediction("s3a://x/2.png", "champ-b1", "h2-old", "dog"),
                                prediction("s3a://x/3.png", "champ-b1", "h3", "dog"),
                                prediction("s3a://x/1.png", "old-b1", "h1", "dog"),
                                prediction("s3a://x/1.png", "champ-b2", "h1", "cow")),
                        LakeTable.PREDICTIONS.schema()));

        tables.registerAll(Optional.of("b1"));

        assertThat(spark.sql("SELECT path, backbone_id FROM transferlake.features_current ORDER BY path")
                        .collectAsList()
                        .toString())
                .isEqualTo("[[s3a://x/1.png,b1], [s3a://x/2.png,b1], [s3a://x/3.png,b1]]");
        assertThat(spark.sql("SELECT path, label, head_id, backbone_id FROM transferlake.latest_predictions"
                                + " ORDER BY path")
                        .collectAsList()
                        .toString())
                .isEqualTo("[[s3a://x/1.png,cat,champ-b1,b1], [s3a://x/3.png,dog,champ-b1,b1]]");

        tables.registerAll(Optional.of("b2"));
        assertThat(spark.sql("SELECT path, label FROM transferlake.latest_predictions")
                        .collectAsList()
                        .toString())
                .isEqualTo("[[s3a://x/1.png,cow]]");
    }

    private static Row feature(String path, String backbone, String sha) {
        return RowFactory.create(
                path, backbone, sha, 10L, null, 28, 28, null, "train", List.of(1.0f, 2.0f), 2, "run", null);
    }

    private static Row head(String headId, String backbone, String status) {
        Object[] values = new Object[LakeTable.HEADS.schema().size()];
        values[0] = headId;
        values[1] = backbone;
        values[Arrays.asList(LakeTable.HEADS.schema().fieldNames()).indexOf("status")] = status;
        return RowFactory.create(values);
    }

    private static Row prediction(String path, String head, String sha, String label) {
        return RowFactory.create(path, head, sha, label, 0.9, null, "run", null);
    }
}
