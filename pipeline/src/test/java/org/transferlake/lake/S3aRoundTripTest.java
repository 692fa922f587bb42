package org.transferlake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.testing.SharedLake;

@Tag("spark")
class S3aRoundTripTest {
    @Test
    void objectsWrittenThroughS3aAreListedAndReadBackByBinaryFile() throws Exception {
        Lake lake = SharedLake.get();
        URI root = SharedLake.freshRoot(getClass());
        FileSystem fs = lake.fileSystem();
        Map<String, byte[]> written = new TreeMap<>();
        Random random = new Random(7);
        for (String name : List.of("a/one.PNG", "a/b/two.png", "c/three.jpg", "c/skip.txt")) {
            byte[] bytes = new byte[1000 + random.nextInt(5000)];
            random.nextBytes(bytes);
            try (OutputStream out = fs.create(new Path(root.resolve(name)))) {
                out.write(bytes);
            }
            written.put(name, bytes);
        }

        List<Row> rows = lake.spark()
                .read()
                .format("binaryFile")
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", "*.{png,PNG,jpg}")
                .load(root.toString())
                .select("path", "length", "content")
                .collectAsList();

        Map<String, byte[]> read = new TreeMap<>();
        rows.forEach(row -> read.put(row.getString(0).substring(root.toString().length()), (byte[]) row.get(2)));
        assertThat(read.keySet()).containsExactly("a/b/two.png", "a/one.PNG", "c/three.jpg");
        read.forEach((name, bytes) -> assertThat(bytes).as(name).isEqualTo(written.get(name)));
        rows.forEach(row -> assertThat(row.getLong(1)).isEqualTo(((byte[]) row.get(2)).length));
    }

    @Test
    void theEmbeddedServerRefusesUnsignedRequests() throws Exception {
        Lake lake = SharedLake.get();
        URI root = SharedLake.freshRoot(getClass());
        try (OutputStream out = lake.fileSystem().create(new Path(root.resolve("private.bin")))) {
            out.write(new byte[] {1, 2, 3});
        }
        String bucketUrl = lake.server().orElseThrow().endpoint() + "/"
                + lake.config().lake().bucket() + "/";
        String objectUrl = bucketUrl + root.getPath().substring(1) + "private.bin";

        assertThat(anonymousStatus("GET", bucketUrl)).as("list").isEqualTo(403);
        assertThat(anonymousStatus("GET", objectUrl)).as("read").isEqualTo(403);
        assertThat(anonymousStatus("PUT", objectUrl)).as("write").isEqualTo(403);
    }

    private static int anonymousStatus(String method, String url) throws Exception {
        java.net.HttpURLConnection connection =
                (java.net.HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setRequestMethod(method);
        if (method.equals("PUT")) {
            connection.setDoOutput(true);
            connection.getOutputStream().write(new byte[] {9});
        }
        return connection.getResponseCode();
    }
}
