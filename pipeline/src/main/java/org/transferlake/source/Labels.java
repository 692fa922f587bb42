package org.transferlake.source;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.transferlake.config.Errors;

/** Where labels and splits come from: the folder layout, or a table of {@code path, label[, split]}. */
public final class Labels {
    private Labels() {}

    /**
     * Adds {@code label} (the parent folder's name) and {@code split} (the grandparent's, when it is
     * train, test, val or validation; else null), as in ImageFolder layouts.
     */
    public static Dataset<Row> fromLayout(Dataset<Row> listed) {
        Column parts = split(col("path"), "/");
        Column grandparent = lower(element_at(parts, -3));
        return listed.withColumn("label", element_at(parts, -2))
                .withColumn(
                        "split",
                        when(grandparent.isin("train", "test", "val", "validation"), grandparent)
                                .otherwise(lit(null).cast(DataTypes.StringType)));
    }

    /**
     * Adds {@code label} and {@code split} from a CSV file (with a header) or a Delta table, joined on
     * {@code path}; images without a row get null labels.
     */
    public static Dataset<Row> fromTable(Dataset<Row> listed, SparkSession spark, String location) {
        Dataset<Row> labels;
        try {
            labels = location.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")
                    ? spark.read().option("header", "true").csv(location)
                    : spark.read().format("delta").load(location);
        } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes but thrown unchecked
            throw Errors.labelsUnreadable(location, e);
        }
        java.util.List<String> columns = java.util.Arrays.asList(labels.columns());
        if (!columns.contains("path") || !columns.contains("label")) {
            throw Errors.labelsLackPathOrLabel(location, columns);
        }
        Column splitColumn = columns.contains("split")
                ? col("split").cast(DataTypes.StringType)
                : lit(null).cast(DataTypes.StringType);
        Dataset<Row> keyed = labels.select(
                        col("path"), col("label").cast(DataTypes.StringType).as("label"), splitColumn.as("split"))
                .dropDuplicates("path");
        return listed.join(keyed, listed.col("path").equalTo(keyed.col("path")), "left")
                .drop(keyed.col("path"));
    }
}
