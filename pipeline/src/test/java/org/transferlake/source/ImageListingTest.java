package org.transferlake.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.testing.SharedLake;

/** The listing tasks share and the bytes tasks read, against a hand-made layout and Spark's own binaryFile. */
@Tag("spark")
class ImageListingTest {
    private static SparkSession spark;
    private static URI root;
    private static final Map<String, byte[]> IMAGES = new TreeMap<>();

    @BeforeAll
    static void aNestedLayout() throws Exception {
        spark = SharedLake.get().spark();
        FileSystem fs = SharedLake.get().fileSystem();
        root = SharedLake.freshRoot(ImageListingTest.class);
        List<String> images = new ArrayList<>(List.of("top.png", "empty.PNG"));
        // Seven top-level directories (more than the driver needs for local[2]), nested unevenly.
        for (int d = 0; d < 7; d++) {
            images.add("d" + d + "/a.jpg");
            images.add("d" + d + "/sub/b.JPEG");
            for (int deep = 0; deep < d; deep++) {
                images.add("d" + d + "/sub/deeper/x" + deep + "/c.png");
            }
        }
        for (String image : images) {
            byte[] bytes = image.startsWith("empty") ? new byte[0] : ("bytes of " + image).getBytes();
            write(fs, image, bytes);
            IMAGES.put(root.resolve(image).toString(), bytes);
        }
        for (String skipped : List.of("notes.txt", "_hidden.png", ".dot.png", "d3/sub/_SUCCESS", "d4/.x.jpg")) {
            write(fs, skipped, new byte[] {1});
        }
    }

    @Test
    void aDirectoryATaskCannotListFailsTheJobWithOurErrorAsItsCause() {
        String gone = root.resolve("removed-after-the-driver-listed-it").toString();

        // Spark's job failure carries the task's exception as its cause, deserialized: JobRun reports that one.
        assertThatThrownBy(() -> ImageListing.listInTasks(spark, List.of(gone), List.of("png"), 1)
                        .count())
                .cause()
                .isInstanceOf(org.transferlake.config.TransferlakeException.class)
                .hasMessage("Cannot list images: listing " + gone + " failed (No such file or directory: " + gone
                        + "). Check that the lake is reachable and the credentials can list it.");
    }

    private static void write(FileSystem fs, String relative, byte[] bytes) throws Exception {
        try (OutputStream out = fs.create(new Path(root.resolve(relative)), true)) {
            out.write(bytes);
        }
    }

    private static Dataset<Row> listing() {
        return ImageListing.listMetadata(spark, List.of(root), List.of("png", "jpg", "jpeg"));
    }

    @Test
    void everyImageIsListedOnceWithItsSizeAndNothingElse() {
        Map<String, Long> sizes = new HashMap<>();
        for (Row row : listing().collectAsList()) {
            assertThat(sizes.put(row.getString(0), row.getLong(1)))
                    .as("listed once: " + row)
                    .isNull();
        }
        Map<String, Long> expected = new HashMap<>();
        IMAGES.forEach((path, bytes) -> expected.put(path, (long) bytes.length));
        assertThat(sizes).isEqualTo(expected).hasSize(2 + 7 * 2 + 21);
    }

    @Test
    void listedObjectsAreReadWithoutAskingTheStoreForTheirMetadataAgain() throws Exception {
        // Listed first, so that only the reads below reach the store. Executors share the driver's cached
        // file system in local mode: its counters see the tasks' requests.
        Dataset<Row> files = spark.createDataFrame(listing().where("size > 0").collectAsList(), ImageListing.METADATA)
                .repartition(3);
        FileSystem fs = FileSystem.get(root, spark.sparkContext().hadoopConfiguration());
        long headsBefore = metadataRequests(fs);
        long getsBefore = getRequests(fs);

        long read = ImageBytes.readHashed(files, 2).select("content_sha256").count();

        assertThat(read).isEqualTo(IMAGES.size() - 1);
        assertThat(getRequests(fs) - getsBefore).isEqualTo(read);
        assertThat(metadataRequests(fs) - headsBefore).isZero();
    }

    private static long metadataRequests(FileSystem fs) {
        return org.apache.hadoop.fs.statistics.IOStatisticsSupport.retrieveIOStatistics(fs)
                .counters()
                .get("object_metadata_request");
    }

    private static long getRequests(FileSystem fs) {
        return org.apache.hadoop.fs.statistics.IOStatisticsSupport.retrieveIOStatistics(fs)
                .counters()
                .get("stream_read_opened");
    }

    @Test
    void bytesReadInTasksEqualSparksBinaryFileAndItsSha256() {
        Dataset<Row> files = listing().where("size > 0").repartition(3);
        Map<String, String> hashes = new TreeMap<>();
        Map<String, String> contents = new TreeMap<>();
        for (Row row : ImageBytes.readHashed(files, 2).collectAsList()) {
            hashes.put(row.getString(row.fieldIndex("path")), row.getString(row.fieldIndex("content_sha256")));
            contents.put(
                    row.getString(row.fieldIndex("path")), new String((byte[]) row.get(row.fieldIndex("content"))));
        }

        Map<String, String> sparkHashes = new TreeMap<>();
        Map<String, String> sparkContents = new TreeMap<>();
        for (Row row : spark.read()
                .format("binaryFile")
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", ImageListing.caseInsensitiveGlob(List.of("png", "jpg", "jpeg")))
                .load(root.toString())
                .selectExpr("path", "sha2(content, 256)", "content")
                .collectAsList()) {
            sparkHashes.put(row.getString(0), row.getString(1));
            sparkContents.put(row.getString(0), new String((byte[]) row.get(2)));
        }
        // binaryFile skips empty files and does not skip names starting with _ or .: compare what both read.
        sparkHashes.keySet().retainAll(hashes.keySet());
        assertThat(hashes).hasSize(IMAGES.size() - 1).isEqualTo(sparkHashes);
        sparkContents.keySet().retainAll(contents.keySet());
        assertThat(contents).isEqualTo(sparkContents);
        assertThat(new TreeSet<>(contents.values())).contains("bytes of top.png", "bytes of d6/sub/deeper/x5/c.png");
    }
}
