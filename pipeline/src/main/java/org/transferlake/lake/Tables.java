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
    private final java.util.Set<LakeTable> ensured = java.util.EnumSet.noneOf(LakeTable.class);
    private boolean databaseCreated;

    public Tables(SparkSession spark, URI root) {
        this.spark = spark;
        this.root = root;
    }

    /** Creates the table if missing (with its schema and partitioning) and registers its name. */
    public synchronized void ensure(LakeTable table) {
        if (ensured.contains(table)) {
            return;
        }
        String location = table.location(root).toString();
        DeltaTable.createIfNotExists(spark)
                .location(location)
                .addColumns(table.schema())
                .partitionedBy(table.partitionColumns().toArray(String[]::new))
                .execute();
        register(table);
        ensured.add(table);
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
            spark.sql("CREATE DATABASE IF NOT EXISTS " + LakeTable.DATABASE + " LOCATION '" + root + "'");
            databaseCreated = true;
        }
        spark.sql("CREATE TABLE IF NOT EXISTS " + table.qualifiedName() + " USING delta LOCATION '"
                + table.location(root) + "'");
    }

    /** The current table (empty when it does not exist yet). */
    public Dataset<Row> read(LakeTable table) {
        ensure(table);
        return spark.read().format("delta").load(table.location(root).toString());
    }

    /**
     * {@code columns} of the table's rows that pass {@code filter}, read now and kept on the
     * executors: later writes in the same run do not change what this DataFrame returns, even if
     * Spark recomputes a plan that uses it, and it costs no further Delta log reads. Meant for key
     * columns (one small row per image), not for embeddings.
     */
    public Dataset<Row> pinned(LakeTable table, Column filter, String... columns) {
        return read(table)
                .where(filter)
                .select(columns[0], java.util.Arrays.copyOfRange(columns, 1, columns.length))
                .localCheckpoint(true);
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
