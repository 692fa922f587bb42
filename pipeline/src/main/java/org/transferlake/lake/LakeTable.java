package org.transferlake.lake;

import java.net.URI;
import java.util.List;
import org.apache.spark.sql.types.StructType;

/** The Delta tables under the warehouse root: name, schema, MERGE key and partitioning. */
public enum LakeTable {
    /** One embedding per image and backbone. */
    FEATURES(
            "features",
            "path STRING NOT NULL, backbone_id STRING NOT NULL, content_sha256 STRING NOT NULL, size BIGINT, "
                    + "modification_time TIMESTAMP, width INT, height INT, label STRING, split STRING, "
                    + "embedding ARRAY<FLOAT>, dim INT, run_id STRING, extracted_at TIMESTAMP",
            List.of("path", "backbone_id"),
            List.of("backbone_id")),
    /** Every refused input, with why: nothing bad is dropped silently. */
    QUARANTINE(
            "quarantine",
            "path STRING NOT NULL, content_sha256 STRING NOT NULL, stage STRING NOT NULL, size BIGINT, "
                    + "modification_time TIMESTAMP, reason STRING, message STRING, run_id STRING, at TIMESTAMP",
            List.of("path", "content_sha256", "stage"),
            List.of()),
    /** Every trained head, its held-out metrics, where its model is, and its status. */
    HEADS(
            "heads",
            "head_id STRING NOT NULL, backbone_id STRING, algorithm STRING, params MAP<STRING, STRING>, "
                    + "train_rows BIGINT, test_rows BIGINT, accuracy DOUBLE, macro_f1 DOUBLE, log_loss DOUBLE, "
                    + "per_class ARRAY<STRUCT<label: STRING, precision: DOUBLE, recall: DOUBLE, support: BIGINT>>, "
                    + "labels ARRAY<STRING>, confusion ARRAY<ARRAY<BIGINT>>, model_uri STRING, status STRING, "
                    + "created_at TIMESTAMP, promoted_at TIMESTAMP, run_id STRING",
            List.of("head_id"),
            List.of()),
    /** One prediction per image and head. */
    PREDICTIONS(
            "predictions",
            "path STRING NOT NULL, head_id STRING NOT NULL, content_sha256 STRING, label STRING, probability DOUBLE, "
                    + "top_k ARRAY<STRUCT<label: STRING, probability: DOUBLE>>, run_id STRING, scored_at TIMESTAMP",
            List.of("path", "head_id"),
            List.of()),
    /** One row per job run: counts, timings, status, effective config. */
    RUNS(
            "runs",
            "run_id STRING NOT NULL, job STRING, started_at TIMESTAMP, ended_at TIMESTAMP, status STRING, "
                    + "counts MAP<STRING, BIGINT>, timings_seconds MAP<STRING, DOUBLE>, config MAP<STRING, STRING>, "
                    + "error STRING, child_run_ids ARRAY<STRING>",
            List.of("run_id"),
            List.of());

    /** The database the tables are registered in, so {@code SELECT … FROM transferlake.features} works. */
    public static final String DATABASE = "transferlake";

    private final String tableName;
    private final StructType schema;
    private final List<String> keys;
    private final List<String> partitionColumns;

    LakeTable(String tableName, String ddl, List<String> keys, List<String> partitionColumns) {
        this.tableName = tableName;
        this.schema = StructType.fromDDL(ddl);
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

    public StructType schema() {
        return schema;
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
