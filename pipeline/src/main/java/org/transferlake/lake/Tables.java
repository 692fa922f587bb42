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
import org.apache.spark.sql.types.StructType;

/** Reading and writing the lake's Delta tables: the only place that does. */
public final class Tables {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Tables.class);
    private final SparkSession spark;
    private final URI root;
    private final Checkpoints checkpoints;
    private final java.util.Set<LakeTable> ensured = java.util.EnumSet.noneOf(LakeTable.class);
    private final boolean registersNames;
    private boolean databaseCreated;

    /** Tables outside a run (one-off reads): what they keep is checkpointed locally. */
    public Tables(SparkSession spark, URI root) {
        this(spark, root, Checkpoints.local(spark));
    }

    public Tables(SparkSession spark, URI root, Checkpoints checkpoints) {
        this(spark, root, checkpoints, true);
    }

    private Tables(SparkSession spark, URI root, Checkpoints checkpoints, boolean registersNames) {
        this.spark = spark;
        this.root = root;
        this.checkpoints = checkpoints;
        this.registersNames = registersNames;
    }

    /** Tables a benchmark keeps beside the lake's: never registered, so the lake's names stay the lake's. */
    public static Tables unregistered(SparkSession spark, URI root) {
        return new Tables(spark, root, Checkpoints.local(spark), false);
    }

    /** {@code rows} computed now and kept for the rest of the run (see {@link Checkpoints}). */
    public Dataset<Row> keep(Dataset<Row> rows) {
        return checkpoints.keep(rows);
    }

    /**
     * Creates the table if missing (with its schema, comments and partitioning) and registers its name.
     * A table an older version created gains the columns this version declares (its comments, from
     * {@code maintain}: see {@link #addMissingComments}).
     */
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
                    .comment(table.comment())
                    .addColumns(table.schemaWithComments())
                    .partitionedBy(table.partitionColumns().toArray(String[]::new))
                    .execute();
        }
        register(table, false);
        ensured.add(table);
    }

    /**
     * Gives a table written by an older version the columns this version declares (they read as
     * null in older rows): an append of no rows with the declared schema, one metadata commit.
     */
    private void addMissingColumns(LakeTable table, String location) {
        StructType existing = spark.read().format("delta").load(location).schema();
        if (java.util.Set.of(existing.fieldNames())
                .containsAll(java.util.Arrays.asList(table.schema().fieldNames()))) {
            return;
        }
        spark.createDataFrame(java.util.List.of(), table.schemaWithComments())
                .write()
                .format("delta")
                .mode("append")
                .option("mergeSchema", "true")
                .save(location);
    }

    /**
     * Gives a table an older version created the comments this version declares, where it has none:
     * one metadata commit per comment, once; a comment someone set stays. For {@code maintain}, under
     * the lake lock: a metadata commit fails a concurrent writer's transaction.
     */
    public void addMissingComments(LakeTable table) {
        String location = table.location(root).toString();
        // One snapshot for both. Delta's public API has the schema but not the table comment, short of DESCRIBE
        // DETAIL, which also sums the table's files.
        org.apache.spark.sql.delta.actions.Metadata existing = org.apache.spark.sql.delta.DeltaLog.forTable(
                        spark, location)
                .update(false, scala.Option.empty(), scala.Option.empty())
                .metadata();
        // By path, not name: the name may be another lake's table (see register). Config validation refuses
        // backticks, quotes and backslashes in the root.
        String name = "delta.`" + location + "`";
        for (org.apache.spark.sql.types.StructField field :
                table.schemaWithComments().fields()) {
            boolean present =
                    java.util.Arrays.asList(existing.schema().fieldNames()).contains(field.name());
            if (present && existing.schema().apply(field.name()).getComment().isEmpty()) {
                spark.sql("ALTER TABLE " + name + " ALTER COLUMN `" + field.name() + "` COMMENT "
                        + sqlString(field.getComment().get()));
            }
        }
        if (existing.description() == null || existing.description().isEmpty()) {
            spark.sql("ALTER TABLE " + name + " SET TBLPROPERTIES ('comment' = " + sqlString(table.comment()) + ")");
        }
    }

    /** {@code value} as a Spark SQL string literal, for text that must be SQL (DDL, view definitions). */
    static String sqlString(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** Registers every existing table by name in the session catalog. */
    public void registerExisting() {
        for (LakeTable table : LakeTable.values()) {
            if (DeltaTable.isDeltaTable(spark, table.location(root).toString())) {
                register(table, false);
            }
        }
    }

    /** What registering did for one name. */
    public record Registration(String name, String location, Outcome outcome) {
        public enum Outcome {
            /** Registered now. */
            CREATED,
            /** Already registered, at this location. */
            PRESENT,
            /** A view, defined (again) for the configured backbone. */
            DEFINED,
            /** Not registered: the table, or a table the view reads, does not exist yet. */
            NOT_IN_LAKE,
            /** A view not defined: the configured backbone's id could not be computed. */
            NO_BACKBONE_ID
        }
    }

    /**
     * Registers every existing table in the session's catalog (a metastore, when the session has one)
     * and defines the views over them for {@code backboneId} (none without one). Idempotent; refuses a
     * name the catalog already has at another location, which would be another lake's table.
     */
    public java.util.List<Registration> registerAll(java.util.Optional<String> backboneId) {
        java.util.List<Registration> done = new java.util.ArrayList<>();
        java.util.Set<LakeTable> present = java.util.EnumSet.noneOf(LakeTable.class);
        for (LakeTable table : LakeTable.values()) {
            String location = table.location(root).toString();
            if (!DeltaTable.isDeltaTable(spark, location)) {
                done.add(new Registration(table.qualifiedName(), location, Registration.Outcome.NOT_IN_LAKE));
                continue;
            }
            present.add(table);
            done.add(new Registration(
                    table.qualifiedName(),
                    location,
                    register(table, true) ? Registration.Outcome.CREATED : Registration.Outcome.PRESENT));
        }
        for (LakeView view : LakeView.values()) {
            if (!present.containsAll(view.tables()) || backboneId.isEmpty()) {
                done.add(new Registration(
                        view.qualifiedName(),
                        "",
                        backboneId.isEmpty() ? Registration.Outcome.NO_BACKBONE_ID : Registration.Outcome.NOT_IN_LAKE));
                continue;
            }
            spark.sql("CREATE OR REPLACE VIEW " + view.qualifiedName() + " COMMENT " + sqlString(view.comment())
                    + " AS " + view.query(backboneId.get()));
            done.add(new Registration(view.qualifiedName(), "", Registration.Outcome.DEFINED));
        }
        return done;
    }

    /**
     * Registers the table's name at its location; false when it already was. A name the catalog has at
     * another location (a shared metastore's other lake) is refused when {@code strict} (the
     * {@code register} command), else left as it is: a job reads its tables by path.
     */
    private boolean register(LakeTable table, boolean strict) {
        if (!registersNames) {
            return false;
        }
        if (!databaseCreated) {
            // The root is the one value in SQL text here; config validation refuses quotes and backslashes in it.
            spark.sql("CREATE DATABASE IF NOT EXISTS " + LakeTable.DATABASE + " LOCATION '" + root + "'");
            databaseCreated = true;
        }
        String location = table.location(root).toString();
        if (spark.catalog().tableExists(table.qualifiedName())) {
            org.apache.spark.sql.catalyst.catalog.CatalogTable entry = catalogEntry(table);
            boolean view = entry.tableType().equals(org.apache.spark.sql.catalyst.catalog.CatalogTableType.VIEW());
            if (view
                    || !new org.apache.hadoop.fs.Path(entry.location())
                            .equals(new org.apache.hadoop.fs.Path(location))) {
                String where = view ? "as a view" : "at " + entry.location();
                if (strict) {
                    throw org.transferlake.config.Errors.tableRegisteredElsewhere(
                            table.qualifiedName(), where, location);
                }
                // INFO, not WARN: benchmarks and tests keep tables beside the lake's own, on purpose.
                LOG.info("{} stays registered {}, not at {}", table.qualifiedName(), where, location);
            }
            return false;
        }
        // Through the catalog, not SQL text: the location is data.
        spark.catalog().createTable(table.qualifiedName(), "delta", Map.of("path", location));
        return true;
    }

    private org.apache.spark.sql.catalyst.catalog.CatalogTable catalogEntry(LakeTable table) {
        try {
            return spark.sessionState()
                    .catalog()
                    .getTableMetadata(new org.apache.spark.sql.catalyst.TableIdentifier(
                            table.tableName(), scala.Option.apply(LakeTable.DATABASE)));
        } catch (org.apache.spark.sql.AnalysisException e) {
            throw new IllegalStateException(table.qualifiedName() + " was in the catalog a moment ago", e);
        }
    }

    /** The current table (empty when it does not exist yet). */
    public Dataset<Row> read(LakeTable table) {
        ensure(table);
        return spark.read().format("delta").load(table.location(root).toString());
    }

    /**
     * The current table, if it exists, for read-only commands: nothing is created or migrated. A column
     * this version declares and a table written by an older one lacks reads as null, as it would after
     * the migration.
     */
    public java.util.Optional<Dataset<Row>> readExisting(LakeTable table) {
        if (!exists(table)) {
            return java.util.Optional.empty();
        }
        Dataset<Row> rows =
                spark.read().format("delta").load(table.location(root).toString());
        java.util.Set<String> present = java.util.Set.of(rows.columns());
        for (org.apache.spark.sql.types.StructField field : table.schema().fields()) {
            if (!present.contains(field.name())) {
                rows = rows.withColumn(
                        field.name(), org.apache.spark.sql.functions.lit(null).cast(field.dataType()));
            }
        }
        return java.util.Optional.of(rows);
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
