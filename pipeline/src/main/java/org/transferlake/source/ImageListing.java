package org.transferlake.source;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.transferlake.config.TransferlakeException;

/**
 * Lists images with Spark's {@code binaryFile} source: recursive, extensions matched
 * case-insensitively. Listing without the {@code content} column reads no file bytes, so an
 * incremental run pays for the bytes of new files only.
 */
public final class ImageListing {
  private ImageListing() {}

  /** {@code path, size, modification_time} of every image under {@code roots}. */
  public static Dataset<Row> listMetadata(SparkSession spark, List<URI> roots, List<String> extensions) {
    return load(spark, roots.stream().map(URI::toString).toList(), extensions)
        .selectExpr("path", "length AS size", "modificationTime AS modification_time");
  }

  /** {@code path, content} of the given files or directories. */
  public static Dataset<Row> readContent(SparkSession spark, List<String> paths, List<String> extensions) {
    return load(spark, paths, extensions).select("path", "content");
  }

  private static Dataset<Row> load(SparkSession spark, List<String> paths, List<String> extensions) {
    DataFrameReader reader = spark.read().format("binaryFile")
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", caseInsensitiveGlob(extensions));
    try {
      return reader.load(paths.toArray(String[]::new));
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes but thrown unchecked
      if (e instanceof AnalysisException && e.getMessage().contains("PATH_NOT_FOUND")) {
        throw TransferlakeException.cannot("list images", ((AnalysisException) e).getSimpleMessage(),
            "Check extract.roots (default: <lake.root>images/); run 'transferlake demo-data' for the demo images.");
      }
      throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
    }
  }

  /** {@code *.{[jJ][pP][gG],[pP][nN][gG]}}: Hadoop globs are case-sensitive. */
  static String caseInsensitiveGlob(List<String> extensions) {
    return extensions.stream()
        .map(extension -> extension.chars()
            .mapToObj(c -> Character.isLetter(c)
                ? "[" + Character.toLowerCase((char) c) + Character.toUpperCase((char) c) + "]"
                : String.valueOf((char) c))
            .collect(Collectors.joining()))
        .collect(Collectors.joining(",", "*.{", "}"));
  }
}
