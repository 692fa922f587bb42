package org.transferlake.heads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.testing.SharedLake;

@Tag("spark")
class TemperatureScalingTest {
    private static final StructType LOGITS =
            new StructType().add("rawPrediction", SQLDataTypes.VectorType()).add("label_index", DataTypes.DoubleType);
    private static SparkSession spark;

    @BeforeAll
    static void session() {
        spark = SharedLake.get().spark();
    }

    /**
     * Labels drawn from softmax(z / 2.5) while the "model" reports softmax(z): an over-confident model whose
     * true temperature is known. Fitting must find it, and lower the log-loss.
     */
    @Test
    void recoversTheTemperatureThatGeneratedTheLabels() {
        Random random = new Random(7);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            double[] logits = new double[4];
            for (int c = 0; c < logits.length; c++) {
                logits[c] = random.nextGaussian() * 4;
            }
            double[] truth = TemperatureScaling.softmax(logits, 2.5);
            double u = random.nextDouble();
            int label = 0;
            for (double cumulative = truth[0]; cumulative < u && label < 3; cumulative += truth[++label]) {}
            rows.add(RowFactory.create(Vectors.dense(logits), (double) label));
        }
        Dataset<Row> heldOut = spark.createDataFrame(rows, LOGITS);

        TemperatureScaling.Fit fit = TemperatureScaling.fit(heldOut, "rawPrediction", "label_index");

        assertThat(fit.temperature()).isCloseTo(2.5, within(0.25));
        assertThat(fit.logLossAfter()).isLessThan(fit.logLossBefore());
        double byHand = rows.stream()
                        .mapToDouble(row -> TemperatureScaling.logLoss(
                                ((Vector) row.get(0)).toArray(), (int) row.getDouble(1), 1.0))
                        .sum()
                / rows.size();
        assertThat(fit.logLossBefore()).isCloseTo(byHand, within(1e-9));
    }

    /**
     * The stage assumes Spark's MLP writes pre-softmax logits as {@code rawPrediction}: at temperature 1 it
     * must give exactly the MLP's own probabilities, and at any temperature the same predicted class.
     */
    @Test
    void atTemperatureOneItGivesTheMlpsOwnProbabilities() {
        Random random = new Random(3);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            int label = i % 3;
            rows.add(RowFactory.create(
                    Vectors.dense(label + random.nextGaussian(), -label + random.nextGaussian()), (double) label));
        }
        Dataset<Row> data = spark.createDataFrame(
                rows,
                new StructType().add("features", SQLDataTypes.VectorType()).add("label_index", DataTypes.DoubleType));
        MultilayerPerceptronClassificationModel mlp = new MultilayerPerceptronClassifier()
                .setLayers(new int[] {2, 5, 3})
                .setMaxIter(50)
                .setSeed(1)
                .setLabelCol("label_index")
                .fit(data);
        Dataset<Row> scored = mlp.transform(data);

        List<Row> same = new TemperatureScaling()
                .setProbabilityCol("calibrated")
                .transform(scored)
                .select("probability", "calibrated")
                .collectAsList();
        assertThat(same).hasSize(90).allSatisfy(row -> {
            double[] own = ((Vector) row.get(0)).toArray();
            double[] ours = ((Vector) row.get(1)).toArray();
            for (int c = 0; c < own.length; c++) {
                assertThat(ours[c]).isCloseTo(own[c], within(1e-9));
            }
        });
        List<Row> hotter = new TemperatureScaling()
                .setTemperature(3)
                .setProbabilityCol("calibrated")
                .transform(scored)
                .select("probability", "calibrated")
                .collectAsList();
        assertThat(hotter).allSatisfy(row -> {
            Vector own = (Vector) row.get(0);
            Vector ours = (Vector) row.get(1);
            assertThat(ours.argmax()).isEqualTo(own.argmax());
            assertThat(ours.apply(ours.argmax())).isLessThanOrEqualTo(own.apply(own.argmax()));
        });
    }

    /** Every row right: the loss keeps falling as T falls, so a fit would only make the head surer. */
    @Test
    void keepsTemperatureOneWhenThereIsNothingToCalibrateAgainst() {
        List<Row> allRight = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            allRight.add(RowFactory.create(Vectors.dense(i % 2 == 0 ? 2.0 : -2.0, 0.0), (double) (i % 2 == 0 ? 0 : 1)));
        }

        TemperatureScaling.Fit right =
                TemperatureScaling.fit(spark.createDataFrame(allRight, LOGITS), "rawPrediction", "label_index");
        TemperatureScaling.Fit none =
                TemperatureScaling.fit(spark.createDataFrame(List.of(), LOGITS), "rawPrediction", "label_index");

        assertThat(right.temperature()).isEqualTo(1.0);
        assertThat(right.calibration()).isEqualTo("skipped: every held-out row is predicted right");
        assertThat(right.logLossAfter()).isEqualTo(right.logLossBefore());
        assertThat(none.temperature()).isEqualTo(1.0);
        assertThat(none.calibration()).isEqualTo("skipped: no held-out rows");
    }

    @Test
    void worksInsideASavedAndReloadedPipelineModel(@TempDir Path dir) throws Exception {
        Dataset<Row> logits = spark.createDataFrame(
                List.of(
                        RowFactory.create(Vectors.dense(1.0, 3.0), 1.0),
                        RowFactory.create(Vectors.dense(0.5, -1.0), 0.0)),
                LOGITS);
        PipelineModel model = new Pipeline()
                .setStages(new PipelineStage[] {
                    new TemperatureScaling().setTemperature(2).setProbabilityCol("calibrated")
                })
                .fit(logits);
        model.write().overwrite().save(dir.resolve("model").toString());

        PipelineModel loaded = PipelineModel.load(dir.resolve("model").toString());
        Dataset<Row> out = loaded.transform(logits);

        assertThat(out.schema().fieldNames()).containsExactly("rawPrediction", "label_index", "calibrated");
        assertThat(out.schema()).isEqualTo(loaded.transformSchema(logits.schema()));
        double[] p = ((Vector) out.collectAsList().get(0).get(2)).toArray();
        double expected = 1 / (1 + Math.exp(-(3.0 - 1.0) / 2));
        assertThat(p[1]).isCloseTo(expected, within(1e-12));
    }

    @Test
    void replacesAnExistingProbabilityColumnWhereItStands() {
        StructType schema = new StructType()
                .add("probability", SQLDataTypes.VectorType())
                .add("rawPrediction", SQLDataTypes.VectorType());

        assertThat(new TemperatureScaling().transformSchema(schema).fieldNames())
                .containsExactly("probability", "rawPrediction");
    }

    @Test
    void savesAndLoadsItsTemperature(@TempDir Path dir) throws Exception {
        TemperatureScaling stage = new TemperatureScaling().setTemperature(1.75);
        stage.save(dir.resolve("stage").toString());

        TemperatureScaling loaded = TemperatureScaling.load(dir.resolve("stage").toString());

        assertThat(loaded.getTemperature()).isEqualTo(1.75);
        assertThat(loaded.uid()).isEqualTo(stage.uid());
    }

    @Test
    void refusesAFrameWithoutLogits() {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType());

        assertThatThrownBy(() -> new TemperatureScaling().transformSchema(schema))
                .hasMessage("Cannot calibrate probabilities: the input has no vector column rawPrediction (columns:"
                        + " features). Put TemperatureScaling after a classifier that writes raw predictions"
                        + " (logits).");
    }
}
