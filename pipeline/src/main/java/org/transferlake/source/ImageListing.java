package org.transferlake.source;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sha2;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.transferlake.config.Errors;

/**
 * Finds images (extensions matched case-insensitively) and reads their bytes with Spark's
 * {@code binaryFile} source. Listing reads no bytes, so an incremental run pays for the bytes of
 * new files only.
 */
public final class ImageListing {
    private ImageListing() {}

    /** The listing's schema. */
    public static final StructType METADATA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("size", DataTypes.LongType, false)
            .add("modification_time", DataTypes.TimestampType, false);

    /**
     * {@code path, size, modification_time} of every image under {@code roots}, listed with the
     * file system's recursive listing (on S3, flat pages of 1000 keys) and without reading bytes.
     * Unlike Spark's file sources it keeps zero-byte files, so they can be quarantined rather than
     * vanish; like them, it skips names starting with {@code _} or {@code .}.
     */
    public static Dataset<Row> listMetadata(SparkSession spark, List<URI> roots, List<String> extensions) {
        List<Row> rows = new ArrayList<>();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        for (URI root : roots) {
            Path base = new Path(root);
            try {
                FileSystem fs = base.getFileSystem(hadoop);
                RemoteIterator<LocatedFileStatus> files = fs.listFiles(base, true);
                while (files.hasNext()) {
                    LocatedFileStatus file = files.next();
                    String name = file.getPath().getName();
                    if (file.isFile()
                            && !name.startsWith("_")
                            && !name.startsWith(".")
                            && hasExtension(name, extensions)) {
                        rows.add(RowFactory.create(
                                file.getPath().toString(), file.getLen(), new Timestamp(file.getModificationTime())));
                    }
                }
            } catch (FileNotFoundException e) {
                throw Errors.imageRootDoesNotExist(root);
            } catch (IOException e) {
                throw Errors.imageListingFailed(root, e);
            }
        }
        return spark.createDataFrame(rows, METADATA);
    }

    private static boolean hasExtension(String name, List<String> extensions) {
        int dot = name.lastIndexOf('.');
        return dot >= 0 && extensions.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /** {@code path, content} of the given files or directories. */
    public static Dataset<Row> readContent(SparkSession spark, List<String> paths, List<String> extensions) {
        return load(spark, paths, extensions).select("path", "content");
    }

    /**
     * The {@code listed} rows with their bytes ({@code content}) and {@code content_sha256}, read
     * from {@code paths} (files, or roots that hold them all).
     */
    public static Dataset<Row> readHashed(
            SparkSession spark, List<String> paths, List<String> extensions, Dataset<Row> listed) {
        return readContent(spark, paths, extensions)
                .join(listed, "path")
                .withColumn("content_sha256", sha2(col("content"), 256));
    }

    private static Dataset<Row> load(SparkSession spark, List<String> paths, List<String> extensions) {
        DataFrameReader reader = spark.read()
                .format("binaryFile")
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", caseInsensitiveGlob(extensions));
        try {
            return reader.load(paths.toArray(String[]::new));
        } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes but thrown unchecked
            if (e instanceof AnalysisException && e.getMessage().contains("PATH_NOT_FOUND")) {
                throw Errors.imagePathNotFound(((AnalysisException) e).getSimpleMessage());
            }
            throw e instanceof RuntimeException runtime ? runtime : Errors.imagesUnreadable(paths, e);
        }
    }

    /** {@code *.{[jJ][pP][gG],[pP][nN][gG]}}: Hadoop globs are case-sensitive. */
    static String caseInsensitiveGlob(List<String> extensions) {
        return extensions.stream()
                .map(extension -> extension
                        .chars()
                        .mapToObj(c -> Character.isLetter(c)
                                ? "[" + Character.toLowerCase((char) c) + Character.toUpperCase((char) c) + "]"
                                : String.valueOf((char) c))
                        .collect(Collectors.joining()))
                .collect(Collectors.joining(",", "*.{", "}"));
    }
}
