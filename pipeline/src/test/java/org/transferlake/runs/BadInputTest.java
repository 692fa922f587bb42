package org.transferlake.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.transferlake.testing.ImageFixtures.fixture;
import static org.transferlake.testing.ImageFixtures.indexOf;

import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.Lake;
import org.transferlake.testing.PngEncoder;
import org.transferlake.testing.SharedLake;

/**
 * The README's "Bad input" table, checked row by row: every input kind written into one folder of the
 * lake, one extract, and each file's outcome (embedded at which size, quarantined with which reason, or
 * not listed) as the table says. The table and this test's inputs must name the same files.
 */
@Tag("spark")
class BadInputTest {
    private static final Path README = Path.of("../README.md");
    private static final Pattern ROW = Pattern.compile("^\\| [^|]+ \\| `([^`]+)` \\| ([^|]+) \\|$");
    private static final Pattern EMBEDDED = Pattern.compile("embedded (\\d+)×(\\d+).*");
    private static final Pattern QUARANTINED = Pattern.compile("quarantined `([A-Z_]+)`");

    /** Every input the table describes, by its file name under images/inputs/. */
    private static Map<String, byte[]> inputs() {
        Map<String, byte[]> inputs = new LinkedHashMap<>();
        byte[] png = fixture("rgb.png");
        byte[] jpeg = fixture("rgb.jpg");
        inputs.put("empty.png", new byte[0]);
        inputs.put("truncated.png", Arrays.copyOf(png, png.length / 2));
        inputs.put("truncated.jpg", Arrays.copyOf(jpeg, (int) (jpeg.length * 0.9)));
        byte[] gif = fixture("two-frames.gif");
        inputs.put("truncated.gif", Arrays.copyOf(gif, gif.length / 2));
        inputs.put("text.jpg", "this is not an image\n".getBytes(StandardCharsets.UTF_8));
        inputs.put("png-named.jpg", png);
        inputs.put("one-pixel.png", PngEncoder.png(PngEncoder.RGB, 8, 1, 1, new int[] {10, 20, 30}));
        inputs.put("bomb.png", PngEncoder.headerOnly(60_000, 60_000));
        byte[] badCrc = png.clone();
        badCrc[indexOf(png, "IDAT") + 8] ^= 0x01;
        inputs.put("bad-crc.png", badCrc);
        inputs.put("cmyk.jpg", fixture("cmyk.jpg"));
        for (int orientation = 2; orientation <= 8; orientation++) {
            inputs.put("exif-" + orientation + ".jpg", withOrientation(fixture("exif-rotate-cw.jpg"), orientation));
        }
        inputs.put("rgb16.png", fixture("rgb16.png"));
        inputs.put("grey.png", PngEncoder.png(PngEncoder.GREY, 8, 4, 4, new int[16]));
        inputs.put("grey-alpha.png", fixture("grey-alpha.png"));
        inputs.put("palette.png", fixture("palette.png"));
        inputs.put("two-frames.gif", gif);
        inputs.put("rgb.bmp", fixture("rgb.bmp"));
        inputs.put("UPPER.PNG", png);
        inputs.put("with spaces/a b.png", png);
        inputs.put("café/żółw.png", png);
        inputs.put("notes.txt", "not an image".getBytes(StandardCharsets.UTF_8));
        return inputs;
    }

    /** The fixture's EXIF orientation tag (big-endian TIFF, SHORT) set to {@code orientation}. */
    private static byte[] withOrientation(byte[] jpeg, int orientation) {
        byte[] copy = jpeg.clone();
        int tag = indexOf(copy, new byte[] {0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1});
        copy[tag + 8] = 0;
        copy[tag + 9] = (byte) orientation;
        return copy;
    }

    /** File → outcome, from the README's "Bad input" table. */
    private static Map<String, String> readmeTable() throws Exception {
        List<String> lines = Files.readAllLines(README, StandardCharsets.UTF_8);
        int start = lines.indexOf("## Bad input");
        assertThat(start).as("the README has a Bad input section").isNotNegative();
        Map<String, String> table = new LinkedHashMap<>();
        for (String line : lines.subList(start + 1, lines.size())) {
            if (line.startsWith("## ")) {
                break;
            }
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                table.put(row.group(1), row.group(2).trim());
            }
        }
        return table;
    }

    @Test
    void everyInputKindEndsAsTheReadmeSays() throws Exception {
        Map<String, byte[]> inputs = inputs();
        Map<String, String> table = readmeTable();
        assertThat(table.keySet())
                .as("README rows = tested inputs")
                .containsExactlyInAnyOrderElementsOf(inputs.keySet());

        Lake lake = SharedLake.get();
        SparkSession spark = lake.spark();
        URI root = SharedLake.freshRoot(BadInputTest.class);
        FileSystem fs = lake.fileSystem();
        for (Map.Entry<String, byte[]> input : inputs.entrySet()) {
            try (OutputStream out =
                    fs.create(new org.apache.hadoop.fs.Path(root.toString() + "images/inputs/" + input.getKey()))) {
                out.write(input.getValue());
            }
        }
        PipelineConfig config = ConfigLoader.load(
                null,
                Map.of(
                        "lake.root", root.toString(),
                        "lake.embedded.data-dir", "target/test-lake",
                        "backbone.cache-dir",
                                Path.of("target/model-cache").toAbsolutePath().toString()),
                Map.of());

        ExtractRun.Result result = ExtractRun.run(spark, config, null);

        long listed =
                table.values().stream().filter(o -> !o.equals("not listed")).count();
        assertThat(result.listed()).isEqualTo(listed);
        assertThat(result.embedded() + result.quarantined())
                .as("counts reconcile")
                .isEqualTo(listed);
        Map<String, String> outcomes = new LinkedHashMap<>();
        String prefix = root + "images/inputs/";
        for (Row row : spark.sql("SELECT path, width, height FROM delta.`" + root + "features`")
                .collectAsList()) {
            outcomes.put(
                    row.getString(0).substring(prefix.length()), "embedded " + row.getInt(1) + "×" + row.getInt(2));
        }
        for (Row row : spark.sql("SELECT path, reason FROM delta.`" + root + "quarantine`")
                .collectAsList()) {
            assertThat(outcomes.put(
                            row.getString(0).substring(prefix.length()), "quarantined `" + row.getString(1) + "`"))
                    .as("embedded and quarantined: %s", row.getString(0))
                    .isNull();
        }
        for (Map.Entry<String, String> row : table.entrySet()) {
            String expected = row.getValue();
            String actual = outcomes.getOrDefault(row.getKey(), "not listed");
            Matcher embedded = EMBEDDED.matcher(expected);
            if (embedded.matches()) {
                assertThat(actual)
                        .as(row.getKey())
                        .isEqualTo("embedded " + embedded.group(1) + "×" + embedded.group(2));
            } else {
                assertThat(expected)
                        .as("README outcome of %s", row.getKey())
                        .matches(o ->
                                o.equals("not listed") || QUARANTINED.matcher(o).matches());
                assertThat(actual).as(row.getKey()).isEqualTo(expected);
            }
        }
    }
}
