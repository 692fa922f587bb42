package org.transferlake.heads;

import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.transferlake.config.HeadsConfig;

/**
 * The multilayer-perceptron head. Trained to its last iteration it fits the training images exactly and
 * says so with probability ~1 on held-out images it gets wrong (held-out log-loss 4.6 on the demo where
 * logistic regression gives 0.7). So, on a validation split of the training data: each width is trained
 * in steps, checked at every configured iteration count, and the best check by accuracy is kept (early
 * stopping); then its logits are divided by a temperature fitted on the same validation split.
 *
 * <p>The kept model is the one trained on the training part, not refitted on all training images: a
 * refit would cost another full training and leave no images it has not seen to calibrate on.
 */
final class MlpHead {
    private static final double VALIDATION_FRACTION = 0.2;

    private record Check(
            int hiddenUnits, int iterations, double accuracy, MultilayerPerceptronClassificationModel model) {}

    private MlpHead() {}

    /**
     * The classifier stages of an MLP head over {@code prepared} ({@code features}, {@code label_index}):
     * the chosen perceptron and its temperature. Records the choices and the validation log-loss before
     * and after calibration in {@code params}.
     */
    static List<Transformer> fit(
            Dataset<Row> prepared, HeadsConfig config, int dimension, int classes, Map<String, String> params) {
        Dataset<Row>[] parts =
                prepared.randomSplit(new double[] {1 - VALIDATION_FRACTION, VALIDATION_FRACTION}, config.seed());
        Dataset<Row> validation = parts[1];
        long validationRows = validation.count();
        // Too few images to hold any out: nothing can be chosen, so the first width, trained to the end.
        boolean canChoose = validationRows > 0;
        Dataset<Row> training = canChoose ? parts[0] : prepared;
        List<Integer> widths =
                canChoose ? config.mlpHiddenUnits() : config.mlpHiddenUnits().subList(0, 1);
        List<Integer> checks = canChoose
                ? config.mlpIterations()
                : config.mlpIterations()
                        .subList(
                                config.mlpIterations().size() - 1,
                                config.mlpIterations().size());
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
                .setLabelCol("label_index")
                .setMetricName("accuracy");
        Check best = null;
        for (int hiddenUnits : widths) {
            MultilayerPerceptronClassificationModel model = null;
            int trained = 0;
            for (int iterations : checks) {
                MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
                        .setLayers(new int[] {dimension, hiddenUnits, classes})
                        .setMaxIter(iterations - trained)
                        .setSeed(config.seed())
                        .setFeaturesCol("features")
                        .setLabelCol("label_index")
                        .setProbabilityCol("uncalibrated_probability");
                if (model != null) {
                    mlp.setInitialWeights(model.weights());
                }
                model = mlp.fit(training);
                trained = iterations;
                double score = canChoose ? accuracy.evaluate(model.transform(validation)) : Double.NaN;
                // Strictly better only: a tie keeps the earlier check (the width listed first, fewer iterations).
                if (best == null || score > best.accuracy()) {
                    best = new Check(hiddenUnits, iterations, score, model);
                }
            }
        }
        TemperatureScaling.Fit calibration =
                TemperatureScaling.fit(best.model().transform(validation), "rawPrediction", "label_index");
        params.put("hidden_units_sweep", config.mlpHiddenUnits().toString());
        params.put("iterations_sweep", config.mlpIterations().toString());
        params.put("layers", List.of(dimension, best.hiddenUnits(), classes).toString());
        params.put("iterations", String.valueOf(best.iterations()));
        params.put("validation_rows", String.valueOf(validationRows));
        params.put("validation_accuracy", String.valueOf(best.accuracy()));
        params.put("calibration", calibration.calibration());
        params.put("temperature", String.valueOf(calibration.temperature()));
        params.put("validation_log_loss_uncalibrated", String.valueOf(calibration.logLossBefore()));
        params.put("validation_log_loss", String.valueOf(calibration.logLossAfter()));
        return List.of(best.model(), new TemperatureScaling().setTemperature(calibration.temperature()));
    }
}
