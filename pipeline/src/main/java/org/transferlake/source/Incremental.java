package org.transferlake.source;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * Which images a run must pay for. Pure functions of DataFrames: first by file metadata (no bytes
 * read), then, for the files that look new or touched, by content hash. No side is broadcast
 * unless the caller says so ({@link #broadcastIfSmall}): at millions of images the known keys are
 * gigabytes, on the driver and on every executor.
 */
public final class Incremental {
    private static final Seq<String> PATH = seq(List.of("path"));
    private static final Seq<String> METADATA = seq(List.of("path", "size", "modification_time"));
    private static final Seq<String> CONTENT = seq(List.of("path", "content_sha256"));

    /** Keys up to this many rows (tens of MB of path strings and hashes) may be broadcast. */
    public static final long BROADCAST_MAX_KEYS = 100_000;

    private Incremental() {}

    /**
     * {@code keys}, marked for broadcast to the joins here while it has at most
     * {@value #BROADCAST_MAX_KEYS} rows, so small lakes pay no shuffle; above that Spark joins by
     * sort-merge. For keys already kept (checkpointed), whose size Spark's planner does not know and
     * whose count is cheap. Use the result in joins only (elsewhere Spark warns the hint is unused).
     */
    public static Dataset<Row> broadcastIfSmall(Dataset<Row> keys) {
        return keys.count() <= BROADCAST_MAX_KEYS ? functions.broadcast(keys) : keys;
    }

    /** Listed images whose (path, size, modification time) is not among {@code known}'s. */
    public static Dataset<Row> newOrTouched(Dataset<Row> listed, Dataset<Row> known) {
        return listed.join(known.select("path", "size", "modification_time"), METADATA, "left_anti");
    }

    /**
     * Rows whose path is among {@code known}'s: only these can be touched-but-same or changed files. A
     * semi join yields each row once however often its path is known, so {@code known} needs no
     * distinct: one would cost an aggregation and a shuffle, and hide its broadcast hint.
     */
    public static Dataset<Row> knownPaths(Dataset<Row> rows, Dataset<Row> known) {
        return rows.join(known.select("path"), PATH, "left_semi");
    }

    /** Rows whose path is not among {@code known}'s: images the table has never seen. */
    public static Dataset<Row> unknownPaths(Dataset<Row> rows, Dataset<Row> known) {
        return rows.join(known.select("path"), PATH, "left_anti");
    }

    /** Images whose (path, content hash) is among {@code known}'s: touched, but the same bytes. */
    public static Dataset<Row> sameContent(Dataset<Row> hashed, Dataset<Row> known) {
        return hashed.join(known.select("path", "content_sha256"), CONTENT, "left_semi");
    }

    /** Images whose (path, content hash) is not among {@code known}'s: these need embedding. */
    public static Dataset<Row> newContent(Dataset<Row> hashed, Dataset<Row> known) {
        return hashed.join(known.select("path", "content_sha256"), CONTENT, "left_anti");
    }

    private static Seq<String> seq(List<String> columns) {
        return JavaConverters.asScalaBuffer(columns).toSeq();
    }
}
