package org.transferlake.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.testing.SharedLake;

/** Held-out metrics against a hand count, on predictions with mistakes in them. */
@Tag("spark")
class HeadMetricsTest {
    private static final StructType SCHEMA = new StructType()
            .add("label", DataTypes.StringType)
            .add("predicted_label", DataTypes.StringType)
            .add("probability", SQLDataTypes.VectorType());

    @Test
    void metricsMatchAHandCount() {
        Dataset<Row> predictions = SharedLake.get()
                .spark()
                .createDataFrame(
                        List.of(
                                RowFactory.create("a", "a", Vectors.dense(0.8, 0.1, 0.1)),
                                RowFactory.create("a", "b", Vectors.dense(0.3, 0.6, 0.1)),
                                RowFactory.create("b", "b", Vectors.dense(0.1, 0.7, 0.2)),
                                RowFactory.create("c", "b", Vectors.dense(0.1, 0.5, 0.4)),
                                RowFactory.create("c", "c", Vectors.dense(0.1, 0.1, 0.8))),
                        SCHEMA);

        HeadMetrics metrics = HeadMetrics.of(predictions, List.of("a", "b", "c"));

        assertThat(metrics.rows()).isEqualTo(5);
        assertThat(metrics.accuracy()).isEqualTo(0.6);
        assertThat(metrics.confusion())
                .as("rows: truth, columns: predicted")
                .isDeepEqualTo(new long[][] {{1, 1, 0}, {0, 1, 0}, {0, 1, 1}});
        assertThat(metrics.precision()).containsExactly(new double[] {1.0, 1.0 / 3, 1.0}, within(1e-12));
        assertThat(metrics.recall()).containsExactly(new double[] {0.5, 1.0, 0.5}, within(1e-12));
        assertThat(metrics.support()).containsExactly(2, 1, 2);
        // F1 per class: 2/3, 1/2, 2/3.
        assertThat(metrics.macroF1()).isCloseTo((2.0 / 3 + 0.5 + 2.0 / 3) / 3, within(1e-12));
        double logLoss = -(Math.log(0.8) + Math.log(0.3) + Math.log(0.7) + Math.log(0.4) + Math.log(0.8)) / 5;
        assertThat(metrics.logLoss()).isCloseTo(logLoss, within(1e-12)).isCloseTo(0.5846, within(1e-4));
    }
}
