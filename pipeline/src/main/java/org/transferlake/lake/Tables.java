package org.transferlake.lake;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import java.net.URI;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/** Reading and writing the lake's Delta tables: the only place that does. */
public final class Tables {
    private final SparkSession spark;
    private final URI root;
    private final Checkpoints checkpoints;
    private final java.util.Set<LakeTable> ensured = java.util.EnumSet.noneOf(LakeTable.class);
    private boolean databaseCreated;

    /** Tables outside a run (one-off reads): what they keep is checkpointed locally. */
    public Tables(SparkSession spark, URI root) {
        this(spark, root, Checkpoints.local(spark));
    }

    public Tables(SparkSession spark, URI root, Checkpoints checkpoints) {
        this.spark = spark;
        this.root = root;
        this.checkpoints = checkpoints;
    }

    /** {@code rows} computed now and kept for the rest of the run (see {@link Checkpoints}). */
    public Dataset<Row> keep(Dataset<Row> rows) {
        return checkpoints.keep(rows);
    }

    /** Creates the table if missing (with its schema and partitioning) and registers its name. */
    public synchronized void ensure(LakeTable table) {
        if (ensured.contains(table)) {
            return;
        }
        String location = table.location(root).toString();
        if (DeltaTable.isDeltaTable(spark, location)) {
            addMissingColumns(table, location);
        } else {
            DeltaTable.createIfNotExists(spark)
                    .location(location)
                    .addColumns(table.schema())
                    .partitionedBy(table.partitionColumns().toArray(String[]::new))
                    .execute();
        }
        register(table);
        ensured.add(table);
    }

    /**
     * Gives a table written by an older version the columns this version declares (they read as
     * null in older rows): an append of no rows with the declared schema, one metadata commit.
     */
    private void addMissingColumns(LakeTable table, String location) {
        java.util.Set<String> existing = java.util.Set.of(
                spark.read().format("delta").load(location).schema().fieldNames());
        if (existing.containsAll(java.util.Arrays.asList(table.schema().fieldNames()))) {
            return;
        }
        spark.createDataFrame(java.util.List.of(), table.schema())
                .write()
                .format("delta")
                .mode("append")
                .option("mergeSchema", "true")
                .save(location);
    }

    /** Registers every existing table by name in the session catalog. */
    public void registerExisting() {
        for (LakeTable table : LakeTable.values()) {
            if (DeltaTable.isDeltaTable(spark, table.location(root).toString())) {
                register(table);
            }
        }
    }

    private void register(LakeTable table) {
        if (!databaseCreated) {
            // The root is the one value in SQL text here; config validation refuses quotes and backslashes in it.
            spark.sql("CREATE DATABASE IF NOT EXISTS " + LakeTable.DATABASE + " LOCATION '" + root + "'");
            databaseCreated = true;
        }
        if (!spark.catalog().tableExists(table.qualifiedName())) {
            // Through the catalog, not SQL text: the location is data.
            spark.catalog()
                    .createTable(
                            table.qualifiedName(),
                            "delta",
                            Map.of("path", table.location(root).toString()));
        }
    }

    /** The current table (empty when it does not exist yet). */
    public Dataset<Row> read(LakeTable table) {
        ensure(table);
        return spark.read().format("delta").load(table.location(root).toString());
    }

    /** The current table as it is, if it exists: nothing is created or migrated (for read-only commands). */
    public java.util.Optional<Dataset<Row>> readExisting(LakeTable table) {
        return exists(table)
                ? java.util.Optional.of(
                        spark.read().format("delta").load(table.location(root).toString()))
                : java.util.Optional.empty();
    }

    /**
     * {@code columns} of the table's rows that pass {@code filter}, read now and kept for the run (see
     * {@link #keep}): later writes in the same run do not change what this DataFrame returns, even if
     * Spark recomputes a plan that uses it, and it costs no further Delta log reads. Meant for key
     * columns (one small row per image), not for embeddings.
     */
    public Dataset<Row> pinned(LakeTable table, Column filter, String... columns) {
        return keep(
                read(table).where(filter).select(columns[0], java.util.Arrays.copyOfRange(columns, 1, columns.length)));
    }

    /** Appends {@code rows}; for rows whose keys the caller knows are not in the table (the lake lock keeps it so). */
    public void append(LakeTable table, Dataset<Row> rows) {
        ensure(table);
        rows.write().format("delta").mode("append").save(table.location(root).toString());
    }

    /**
     * Upserts {@code source} on the table's keys: matched rows are replaced, new rows inserted.
     *
     * @param partitionFilter extra equality conditions on the target, so Delta reads only those
     *     partitions (e.g. {@code backbone_id})
     */
    public void upsert(LakeTable table, Dataset<Row> source, Map<String, String> partitionFilter) {
        merge(table, source, partitionFilter)
                .whenMatched()
                .updateAll()
                .whenNotMatched()
                .insertAll()
                .execute();
    }

    /** Updates only {@code columns} of matched rows; inserts nothing. */
    public void updateMatched(
            LakeTable table, Dataset<Row> source, Map<String, String> partitionFilter, String... columns) {
        Map<String, Column> set = java.util.Arrays.stream(columns)
                .collect(Collectors.toMap(column -> column, column -> functions.col("s." + column)));
        merge(table, source, partitionFilter).whenMatched().update(set).execute();
    }

    /** Sets {@code values} (column to expression) where {@code condition} holds; no join, so cheaper than a MERGE. */
    public void update(LakeTable table, Column condition, Map<String, Column> values) {
        ensure(table);
        DeltaTable.forPath(spark, table.location(root).toString()).update(condition, values);
    }

    /** Inserts rows whose key is not in the table yet; existing rows stay as they are. */
    public void insertNew(LakeTable table, Dataset<Row> source) {
        merge(table, source, Map.of()).whenNotMatched().insertAll().execute();
    }

    /** Whether the table has been created in the lake (asked of the store once it has been ensured here). */
    public synchronized boolean exists(LakeTable table) {
        return ensured.contains(table)
                || DeltaTable.isDeltaTable(spark, table.location(root).toString());
    }

    /** Files and bytes of the table's current version, from its Delta log. */
    public record Size(long files, long bytes) {}

    public Size size(LakeTable table) {
        Row detail = DeltaTable.forPath(spark, table.location(root).toString())
                .detail()
                .select("numFiles", "sizeInBytes")
                .head();
        return new Size(detail.getLong(0), detail.getLong(1));
    }

    /** Data files stored under the table (current or not, its log aside): what VACUUM shrinks. */
    public long storedFiles(LakeTable table) {
        org.apache.hadoop.fs.Path location = new org.apache.hadoop.fs.Path(table.location(root));
        try {
            org.apache.hadoop.fs.FileSystem fs = Lake.fileSystem(spark, root);
            org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files =
                    fs.listFiles(location, true);
            long count = 0;
            while (files.hasNext()) {
                if (!files.next().getPath().toString().contains("/_delta_log/")) {
                    count++;
                }
            }
            return count;
        } catch (java.io.IOException e) {
            throw org.transferlake.config.Errors.lakeListingFailed(location, e);
        }
    }

    /** Compacts the table's small files into fewer large ones (Delta OPTIMIZE); readers see the same rows. */
    public void optimize(LakeTable table) {
        DeltaTable.forPath(spark, table.location(root).toString()).optimize().executeCompaction();
    }

    /**
     * Deletes files no version younger than {@code retentionHours} refers to (Delta VACUUM). Below
     * Delta's retention floor only when the caller checked the user forced it.
     */
    public void vacuum(LakeTable table, int retentionHours, boolean belowDeltaFloor) {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        if (belowDeltaFloor) {
            settings.put("spark.databricks.delta.retentionDurationCheck.enabled", "false");
        }
        if (spark.sparkContext().isLocal()) {
            // VACUUM lists the table in this many tasks (10,000 by default): 50 s of scheduling per table on
            // 2 local cores, for a listing one task does in a second.
            settings.put(
                    "spark.sql.sources.parallelPartitionDiscovery.parallelism",
                    String.valueOf(Math.max(8, 4 * spark.sparkContext().defaultParallelism())));
        }
        Map<String, String> before = new java.util.LinkedHashMap<>();
        settings.forEach((key, value) -> {
            before.put(key, spark.conf().getOption(key).getOrElse(() -> null));
            spark.conf().set(key, value);
        });
        try {
            DeltaTable.forPath(spark, table.location(root).toString()).vacuum(retentionHours);
        } finally {
            before.forEach((key, value) -> {
                if (value == null) {
                    spark.conf().unset(key);
                } else {
                    spark.conf().set(key, value);
                }
            });
        }
    }

    private DeltaMergeBuilder merge(LakeTable table, Dataset<Row> source, Map<String, String> partitionFilter) {
        ensure(table);
        // Columns, not SQL text: a value is a literal whatever quotes or backslashes it holds.
        Column condition = functions.lit(true);
        for (String key : table.keys()) {
            condition = condition.and(functions.col("t." + key).equalTo(functions.col("s." + key)));
        }
        for (Map.Entry<String, String> filter : partitionFilter.entrySet()) {
            condition = condition.and(functions.col("t." + filter.getKey()).equalTo(functions.lit(filter.getValue())));
        }
        return DeltaTable.forPath(spark, table.location(root).toString())
                .as("t")
                .merge(source.as("s"), condition);
    }
}
