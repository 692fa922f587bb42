package org.transferlake.source;

import static org.apache.spark.sql.functions.broadcast;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Which images a run must pay for. Pure functions of DataFrames: first by file metadata (no bytes
 * read), then, for the files that look new or touched, by content hash. The known side is
 * broadcast: one row per image is small next to the images.
 */
public final class Incremental {
    private static final Seq<String> PATH = seq(List.of("path"));
    private static final Seq<String> METADATA = seq(List.of("path", "size", "modification_time"));
    private static final Seq<String> CONTENT = seq(List.of("path", "content_sha256"));

    private Incremental() {}

    /** Listed images whose (path, size, modification time) is not among {@code known}'s. */
    public static Dataset<Row> newOrTouched(Dataset<Row> listed, Dataset<Row> known) {
        return listed.join(broadcast(known.select("path", "size", "modification_time")), METADATA, "left_anti");
    }

    /** Rows whose path is among {@code known}'s: only these can be touched-but-same or changed files. */
    public static Dataset<Row> knownPaths(Dataset<Row> rows, Dataset<Row> known) {
        return rows.join(broadcast(known.select("path").distinct()), PATH, "left_semi");
    }

    /** Rows whose path is not among {@code known}'s: images the table has never seen. */
    public static Dataset<Row> unknownPaths(Dataset<Row> rows, Dataset<Row> known) {
        return rows.join(broadcast(known.select("path").distinct()), PATH, "left_anti");
    }

    /** Images whose (path, content hash) is among {@code known}'s: touched, but the same bytes. */
    public static Dataset<Row> sameContent(Dataset<Row> hashed, Dataset<Row> known) {
        return hashed.join(broadcast(known.select("path", "content_sha256")), CONTENT, "left_semi");
    }

    /** Images whose (path, content hash) is not among {@code known}'s: these need embedding. */
    public static Dataset<Row> newContent(Dataset<Row> hashed, Dataset<Row> known) {
        return hashed.join(broadcast(known.select("path", "content_sha256")), CONTENT, "left_anti");
    }

    private static Seq<String> seq(List<String> columns) {
        return JavaConverters.asScalaBuffer(columns).toSeq();
    }
}
