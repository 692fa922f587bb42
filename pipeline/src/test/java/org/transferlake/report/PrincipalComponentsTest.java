package org.transferlake.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.testing.SharedLake;

/** Our two components against Spark ML's PCA, the reference, on correlated data of 24 dimensions. */
@Tag("spark")
class PrincipalComponentsTest {
    @Test
    void theProjectionAndExplainedVarianceAreSparkMlsCentred() {
        SparkSession spark = SharedLake.get().spark();
        Random random = new Random(7);
        int d = 24;
        // Three hidden factors of decreasing spread, mixed into every dimension, plus a little noise.
        double[][] mixing = new double[3][d];
        for (double[] factor : mixing) {
            for (int j = 0; j < d; j++) {
                factor[j] = random.nextGaussian();
            }
        }
        double[] spread = {6, 3, 1};
        List<float[]> rows = new ArrayList<>();
        List<Row> sparkRows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            float[] row = new float[d];
            double[] hidden = {
                random.nextGaussian() * spread[0], random.nextGaussian() * spread[1], random.nextGaussian() * spread[2]
            };
            for (int j = 0; j < d; j++) {
                double value = 5 + 0.1 * random.nextGaussian();
                for (int f = 0; f < 3; f++) {
                    value += hidden[f] * mixing[f][j];
                }
                row[j] = (float) value;
            }
            rows.add(row);
            double[] asDoubles = new double[d];
            for (int j = 0; j < d; j++) {
                asDoubles[j] = row[j];
            }
            sparkRows.add(RowFactory.create(Vectors.dense(asDoubles)));
        }
        Dataset<Row> frame = spark.createDataFrame(sparkRows, new StructType().add("v", new VectorUDT()));
        PCAModel reference =
                new PCA().setInputCol("v").setOutputCol("p").setK(2).fit(frame);
        List<Row> referenceScores = reference.transform(frame).select("p").collectAsList();

        PrincipalComponents.Projected ours = PrincipalComponents.of(rows);

        assertThat(ours.explainedVariance()[0])
                .isCloseTo(reference.explainedVariance().apply(0), within(1e-6));
        assertThat(ours.explainedVariance()[1])
                .isCloseTo(reference.explainedVariance().apply(1), within(1e-6));
        assertThat(ours.iterations()).isLessThan(PrincipalComponents.MAX_ITERATIONS);
        for (int c = 0; c < 2; c++) {
            // Spark ML does not centre: its scores are ours plus a constant, up to the component's sign.
            double mean = 0;
            for (Row row : referenceScores) {
                mean += row.<Vector>getAs(0).apply(c) / rows.size();
            }
            // The component's sign, from all rows: a single row's score may be near zero.
            double agreement = 0;
            for (int i = 0; i < rows.size(); i++) {
                agreement += ours.scores()[i][c]
                        * (referenceScores.get(i).<Vector>getAs(0).apply(c) - mean);
            }
            double sign = Math.signum(agreement);
            for (int i = 0; i < rows.size(); i++) {
                double expected = referenceScores.get(i).<Vector>getAs(0).apply(c) - mean;
                assertThat(sign * ours.scores()[i][c])
                        .as("row %d, component %d", i, c)
                        .isCloseTo(expected, within(1e-3));
            }
        }
    }

    @Test
    void dataOnALineConvergesWithAllItsVarianceOnTheFirstComponent() {
        List<float[]> rows = new ArrayList<>();
        for (int t = -3; t <= 4; t++) {
            rows.add(new float[] {t, 2 * t, 0, -t});
        }

        PrincipalComponents.Projected line = PrincipalComponents.of(rows);

        assertThat(line.iterations())
                .as("rank one: the second vector has nothing to converge to")
                .isLessThan(10);
        assertThat(line.explainedVariance()[0]).isCloseTo(1.0, within(1e-12));
        assertThat(line.explainedVariance()[1]).isCloseTo(0.0, within(1e-12));
        // Centred on t = 0.5; the component is (1, 2, 0, -1) / √6.
        for (int i = 0; i < rows.size(); i++) {
            assertThat(Math.abs(line.scores()[i][0])).isCloseTo(Math.abs(i - 3 - 0.5) * Math.sqrt(6), within(1e-9));
            assertThat(line.scores()[i][1]).isCloseTo(0.0, within(1e-9));
        }
    }

    @Test
    void identicalRowsHaveNoVarianceToExplain() {
        PrincipalComponents.Projected same =
                PrincipalComponents.of(List.of(new float[] {1, 2, 3}, new float[] {1, 2, 3}));

        assertThat(same.iterations()).isZero();
        assertThat(same.explainedVariance()).containsExactly(0.0, 0.0);
        assertThat(same.scores()).isDeepEqualTo(new double[][] {{0, 0}, {0, 0}});
    }
}
