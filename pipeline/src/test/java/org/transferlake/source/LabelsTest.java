package org.transferlake.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
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
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.config.TransferlakeException;
import org.transferlake.testing.SharedLake;

@Tag("spark")
class LabelsTest {
    private static final String IMAGES = "s3a://lake/images/";
    private static final String FIX = "Check extract.labels, or leave it empty to take labels from the folder layout.";
    private static SparkSession spark;

    @TempDir
    Path dir;

    @BeforeAll
    static void session() {
        spark = SharedLake.get().spark();
    }

    private static Dataset<Row> listed(String... relativePaths) {
        List<Row> rows = Arrays.stream(relativePaths)
                .map(relative -> RowFactory.create(IMAGES + relative, 7L))
                .toList();
        return spark.createDataFrame(
                rows, new StructType().add("path", DataTypes.StringType).add("size", DataTypes.LongType));
    }

    private static String rows(Dataset<Row> labeled) {
        return labeled.orderBy("path").collectAsList().toString();
    }

    private String csv(String name, String... lines) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, List.of(lines));
        return file.toUri().toString();
    }

    @Test
    void theLayoutGivesTheParentAsLabelAndAKnownGrandparentAsSplit() {
        Dataset<Row> labeled =
                Labels.fromLayout(listed("train/cat/1.png", "test/dog/2.png", "val/cat/3.png", "validation/Dog/4.png"));

        assertThat(Arrays.asList(labeled.columns())).containsExactly("path", "size", "label", "split");
        assertThat(rows(labeled))
                .isEqualTo("[[" + IMAGES + "test/dog/2.png,7,dog,test], [" + IMAGES + "train/cat/1.png,7,cat,train], ["
                        + IMAGES + "val/cat/3.png,7,cat,val], [" + IMAGES + "validation/Dog/4.png,7,Dog,validation]]");
    }

    @Test
    void theSplitFolderIsMatchedInAnyCaseAndLowerCased() {
        assertThat(rows(Labels.fromLayout(listed("TRAIN/cat/1.png", "Test/cat/2.png"))))
                .isEqualTo("[[" + IMAGES + "TRAIN/cat/1.png,7,cat,train], [" + IMAGES + "Test/cat/2.png,7,cat,test]]");
    }

    @Test
    void anyOtherGrandparentGivesANullSplit() {
        assertThat(rows(Labels.fromLayout(listed("other/cat/1.png", "trainings/cat/2.png"))))
                .isEqualTo(
                        "[[" + IMAGES + "other/cat/1.png,7,cat,null], [" + IMAGES + "trainings/cat/2.png,7,cat,null]]");
    }

    @Test
    void aCsvWithASplitColumnGivesLabelAndSplit() throws Exception {
        String labels = csv("labels.csv", "path,label,split", IMAGES + "a.png,cat,train", IMAGES + "b.png,dog,test");

        assertThat(rows(Labels.fromTable(listed("a.png", "b.png"), spark, labels)))
                .isEqualTo("[[" + IMAGES + "a.png,7,cat,train], [" + IMAGES + "b.png,7,dog,test]]");
    }

    @Test
    void aCsvWithoutASplitColumnGivesANullSplit() throws Exception {
        String labels = csv("labels.CSV", "path,label", IMAGES + "a.png,cat");

        Dataset<Row> labeled = Labels.fromTable(listed("a.png"), spark, labels);

        assertThat(Arrays.asList(labeled.columns())).containsExactly("path", "size", "label", "split");
        assertThat(rows(labeled)).isEqualTo("[[" + IMAGES + "a.png,7,cat,null]]");
    }

    @Test
    void aDeltaTableGivesLabelsCastToString() {
        String labels = dir.resolve("labels").toUri().toString();
        spark.createDataFrame(
                        List.of(RowFactory.create(IMAGES + "a.png", 3), RowFactory.create(IMAGES + "b.png", 4)),
                        new StructType().add("path", DataTypes.StringType).add("label", DataTypes.IntegerType))
                .write()
                .format("delta")
                .save(labels);

        Dataset<Row> labeled = Labels.fromTable(listed("a.png", "b.png"), spark, labels);

        assertThat(labeled.schema().apply("label").dataType()).isEqualTo(DataTypes.StringType);
        assertThat(rows(labeled)).isEqualTo("[[" + IMAGES + "a.png,7,3,null], [" + IMAGES + "b.png,7,4,null]]");
    }

    @Test
    void duplicatePathsInTheLabelsGiveOneRowPerImage() throws Exception {
        String labels = csv(
                "labels.csv",
                "path,label",
                IMAGES + "a.png,cat",
                IMAGES + "a.png,cat",
                IMAGES + "b.png,dog",
                IMAGES + "b.png,wolf");

        List<Row> labeled = Labels.fromTable(listed("a.png", "b.png"), spark, labels)
                .orderBy("path")
                .collectAsList();

        assertThat(labeled).hasSize(2);
        assertThat(labeled.get(0).toString()).isEqualTo("[" + IMAGES + "a.png,7,cat,null]");
        assertThat(labeled.get(1).getString(2)).isIn("dog", "wolf");
    }

    @Test
    void anImageWithoutALabelRowGetsNullsAndLabelsOfUnlistedImagesAreDropped() throws Exception {
        String labels = csv("labels.csv", "path,label,split", IMAGES + "a.png,cat,train", IMAGES + "gone.png,dog,test");

        assertThat(rows(Labels.fromTable(listed("a.png", "b.png"), spark, labels)))
                .isEqualTo("[[" + IMAGES + "a.png,7,cat,train], [" + IMAGES + "b.png,7,null,null]]");
    }

    @Test
    void aMissingCsvFileIsReportedWithItsLocation() {
        String missing = dir.resolve("missing.csv").toUri().toString();

        assertThatThrownBy(() -> Labels.fromTable(listed("a.png"), spark, missing))
                .isInstanceOf(TransferlakeException.class)
                .hasMessageStartingWith(
                        "Cannot read labels: " + missing + " is not a readable CSV file or Delta table (")
                .hasMessageContaining("PATH_NOT_FOUND")
                .hasMessageEndingWith("). " + FIX);
    }

    @Test
    void aDirectoryThatIsNotADeltaTableIsReportedWithItsLocation() throws Exception {
        Files.createDirectories(dir.resolve("not-delta"));
        String location = dir.resolve("not-delta").toUri().toString();

        assertThatThrownBy(() -> Labels.fromTable(listed("a.png"), spark, location))
                .isInstanceOf(TransferlakeException.class)
                .hasMessageStartingWith(
                        "Cannot read labels: " + location + " is not a readable CSV file or Delta table (")
                .hasMessageEndingWith("). " + FIX);
    }

    @Test
    void aCsvWithoutPathAndLabelColumnsIsRejectedNamingItsColumns() throws Exception {
        String labels = csv("labels.csv", "file,class", IMAGES + "a.png,cat");

        assertThatThrownBy(() -> Labels.fromTable(listed("a.png"), spark, labels))
                .isInstanceOf(TransferlakeException.class)
                .hasMessage("Cannot read labels: " + labels + " has columns [file, class], not path and label. "
                        + "Give it a header row with path,label[,split].");
    }

    @Test
    void aDeltaTableWithoutALabelColumnIsRejectedNamingItsColumns() {
        String labels = dir.resolve("paths-only").toUri().toString();
        spark.createDataFrame(
                        List.of(RowFactory.create(IMAGES + "a.png", "train")),
                        new StructType().add("path", DataTypes.StringType).add("split", DataTypes.StringType))
                .write()
                .format("delta")
                .save(labels);

        assertThatThrownBy(() -> Labels.fromTable(listed("a.png"), spark, labels))
                .isInstanceOf(TransferlakeException.class)
                .hasMessage("Cannot read labels: " + labels + " has columns [path, split], not path and label. "
                        + "Give it a header row with path,label[,split].");
    }
}
