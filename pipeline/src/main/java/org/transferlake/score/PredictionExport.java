package org.transferlake.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_json;

import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.transferlake.config.Errors;

/**
 * Where and how a head's predictions are exported for tools outside the lake.
 *
 * @param uri any Hadoop URI; overwritten
 */
public record PredictionExport(String uri, Format format) {
    /** The file formats an export can take. */
    public enum Format {
        CSV,
        PARQUET,
        JSON;

        /** The format named {@code name} (lower case, as {@code --format} takes it), or a message listing them. */
        public static Format of(String name) {
            return Arrays.stream(values())
                    .filter(format -> format.sparkName().equals(name))
                    .findFirst()
                    .orElseThrow(() -> Errors.unknownExportFormat(
                            name, Arrays.stream(values()).map(Format::sparkName).toList()));
        }

        String sparkName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Writes {@code predictions} (rows of the predictions table) to {@link #uri}. */
    public void write(Dataset<Row> predictions) {
        // CSV has no nested types: top_k goes as a JSON string there.
        Dataset<Row> rows = format == Format.CSV ? predictions.withColumn("top_k", to_json(col("top_k"))) : predictions;
        rows.write()
                .mode("overwrite")
                .format(format.sparkName())
                .option("header", "true")
                .save(uri);
    }
}
