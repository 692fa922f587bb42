package org.transferlake.lake;

import java.net.URI;
import java.util.List;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The Delta tables under the warehouse root: name, schema, MERGE key and partitioning. */
public enum LakeTable {
    /** One embedding per image and backbone. */
    FEATURES(
            "features",
            "One embedding per image and backbone: what heads train on and similarity compares",
            "path STRING NOT NULL COMMENT 'The image file, a full URI',"
                    + " backbone_id STRING NOT NULL COMMENT 'Model digest plus how it is applied: one id, one"
                    + " feature space',"
                    + " content_sha256 STRING NOT NULL COMMENT 'SHA-256 of the bytes embedded, lower-case hex',"
                    + " size BIGINT COMMENT 'File size in bytes when listed',"
                    + " modification_time TIMESTAMP COMMENT 'File modification time when listed',"
                    + " width INT COMMENT 'Decoded width in pixels, before resizing',"
                    + " height INT COMMENT 'Decoded height in pixels, before resizing',"
                    + " label STRING COMMENT 'Class label from the folder layout or a labels table; null if none',"
                    + " split STRING COMMENT 'train or test, from the layout; null if none',"
                    + " embedding ARRAY<FLOAT> COMMENT 'The backbone output for this image (dim floats)',"
                    + " dim INT COMMENT 'Number of floats in embedding',"
                    + " run_id STRING COMMENT 'The extract run that wrote this row (see runs)',"
                    + " extracted_at TIMESTAMP COMMENT 'When this row was written'",
            List.of("path", "backbone_id"),
            List.of("backbone_id")),
    /** Every refused input, with why: nothing bad is dropped silently. */
    QUARANTINE(
            "quarantine",
            "Every input a stage refused, with why: nothing bad is dropped silently",
            "path STRING NOT NULL COMMENT 'The refused file, a full URI',"
                    + " content_sha256 STRING NOT NULL COMMENT 'SHA-256 of the bytes refused, lower-case hex',"
                    + " stage STRING NOT NULL COMMENT 'The stage that refused it, e.g. embed',"
                    + " size BIGINT COMMENT 'File size in bytes when listed',"
                    + " modification_time TIMESTAMP COMMENT 'File modification time when listed',"
                    + " reason STRING COMMENT 'Reason code: EMPTY, UNSUPPORTED_FORMAT, CORRUPT, TRUNCATED or TOO_LARGE',"
                    + " message STRING COMMENT 'What exactly was wrong, for a person',"
                    + " run_id STRING COMMENT 'The run that refused it (see runs)',"
                    + " at TIMESTAMP COMMENT 'When it was refused'",
            List.of("path", "content_sha256", "stage"),
            List.of()),
    /** Every trained head, its held-out metrics, where its model is, and its status. */
    HEADS(
            "heads",
            "Every trained head: held-out metrics, model location, and status (one champion per backbone)",
            "head_id STRING NOT NULL COMMENT 'Head id, unique',"
                    + " backbone_id STRING COMMENT 'The feature space it was trained on (see features)',"
                    + " algorithm STRING COMMENT 'logistic_regression or mlp',"
                    + " params MAP<STRING, STRING> COMMENT 'Training parameters',"
                    + " train_rows BIGINT COMMENT 'Rows it was trained on',"
                    + " test_rows BIGINT COMMENT 'Held-out rows it was evaluated on',"
                    + " accuracy DOUBLE COMMENT 'Held-out accuracy, 0 to 1',"
                    + " macro_f1 DOUBLE COMMENT 'Held-out F1 averaged over classes, 0 to 1',"
                    + " log_loss DOUBLE COMMENT 'Held-out log loss of the calibrated probabilities',"
                    + " per_class ARRAY<STRUCT<label: STRING, precision: DOUBLE, recall: DOUBLE, support: BIGINT>>"
                    + " COMMENT 'Held-out precision, recall and support per label',"
                    + " labels ARRAY<STRING> COMMENT 'Labels in the order of the confusion matrix',"
                    + " confusion ARRAY<ARRAY<BIGINT>> COMMENT 'Held-out confusion matrix: row = true, column ="
                    + " predicted label',"
                    + " model_uri STRING COMMENT 'Where the trained model is stored',"
                    + " status STRING COMMENT 'candidate, champion or retired',"
                    + " created_at TIMESTAMP COMMENT 'When it was trained',"
                    + " promoted_at TIMESTAMP COMMENT 'When it last became champion; null if never',"
                    + " run_id STRING COMMENT 'The train run that made it (see runs)'",
            List.of("head_id"),
            List.of()),
    /** One prediction per image and head. */
    PREDICTIONS(
            "predictions",
            "One prediction per image and head; latest_predictions holds the champion's current ones",
            "path STRING NOT NULL COMMENT 'The image file, a full URI',"
                    + " head_id STRING NOT NULL COMMENT 'The head that predicted (see heads)',"
                    + " content_sha256 STRING COMMENT 'SHA-256 of the bytes whose embedding was scored',"
                    + " label STRING COMMENT 'The most probable label',"
                    + " probability DOUBLE COMMENT 'Its calibrated probability, 0 to 1',"
                    + " top_k ARRAY<STRUCT<label: STRING, probability: DOUBLE>> COMMENT 'The most probable labels,"
                    + " best first',"
                    + " run_id STRING COMMENT 'The score run that wrote this row (see runs)',"
                    + " scored_at TIMESTAMP COMMENT 'When this row was written'",
            List.of("path", "head_id"),
            List.of()),
    /** One row per job run: counts, timings, status, effective config. */
    RUNS(
            "runs",
            "One row per job run: status, counts, step timings and the effective config (secrets masked)",
            "run_id STRING NOT NULL COMMENT 'Run id: job, UTC start time, random suffix',"
                    + " job STRING COMMENT 'extract, train, score, nightly or maintain',"
                    + " started_at TIMESTAMP COMMENT 'When the run started',"
                    + " ended_at TIMESTAMP COMMENT 'When it ended; null while running',"
                    + " status STRING COMMENT 'running, succeeded, failed or abandoned',"
                    + " counts MAP<STRING, BIGINT> COMMENT 'What it did, e.g. listed, embedded, quarantined',"
                    + " timings_seconds MAP<STRING, DOUBLE> COMMENT 'Seconds per step, by step name',"
                    + " config MAP<STRING, STRING> COMMENT 'The effective config, secrets masked',"
                    + " error STRING COMMENT 'Why it failed; null if it did not',"
                    + " child_run_ids ARRAY<STRING> COMMENT 'Runs a nightly run started, in order'",
            List.of("run_id"),
            List.of());

    /** The database the tables are registered in, so {@code SELECT … FROM transferlake.features} works. */
    public static final String DATABASE = "transferlake";

    private final String tableName;
    private final String comment;
    private final StructType schemaWithComments;
    private final StructType schema;
    private final List<String> keys;
    private final List<String> partitionColumns;

    LakeTable(String tableName, String comment, String ddl, List<String> keys, List<String> partitionColumns) {
        this.tableName = tableName;
        this.comment = comment;
        this.schemaWithComments = StructType.fromDDL(ddl);
        // Rows are built and compared without comments: those are the table's metadata, not the data's.
        this.schema = new StructType(java.util.Arrays.stream(schemaWithComments.fields())
                .map(field -> new StructField(field.name(), field.dataType(), field.nullable(), Metadata.empty()))
                .toArray(StructField[]::new));
        this.keys = keys;
        this.partitionColumns = partitionColumns;
    }

    /** The table's name without its database: {@code features}. */
    public String tableName() {
        return tableName;
    }

    public String qualifiedName() {
        return DATABASE + "." + tableName;
    }

    /** The columns, without their comments: what rows of the table are built with. */
    public StructType schema() {
        return schema;
    }

    /** The columns with their comments, as the table declares them (see {@code DESCRIBE}). */
    public StructType schemaWithComments() {
        return schemaWithComments;
    }

    /** What the table holds, in a sentence: its table comment. */
    public String comment() {
        return comment;
    }

    /** The columns a MERGE matches on. */
    public List<String> keys() {
        return keys;
    }

    public List<String> partitionColumns() {
        return partitionColumns;
    }

    /** Where the table lives under {@code root}. */
    public URI location(URI root) {
        return root.resolve(tableName);
    }
}
