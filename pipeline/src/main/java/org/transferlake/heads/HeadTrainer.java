package org.transferlake.heads;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.IndexToString;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;
import org.transferlake.config.Errors;
import org.transferlake.config.HeadsConfig;

/**
 * Trains heads on frozen embeddings: each head is one Spark ML {@code PipelineModel} (array → vector,
 * label index, standardization, classifier [, temperature scaling for the MLP], index → label) that
 * reads the features table as it is and adds {@code predicted_label} and {@code probability}.
 */
public final class HeadTrainer {
    /** Held-out split. {@code strategy} says where it came from. */
    public record Split(Dataset<Row> train, Dataset<Row> test, String strategy) {}

    /** One trained head, scored on the held-out split. */
    public record Trained(String algorithm, PipelineModel model, HeadMetrics metrics, Map<String, String> params) {}

    private HeadTrainer() {}

    /** The labeled rows of {@code features} that heads of {@code backboneId} learn from. */
    public static Dataset<Row> labeledFeatures(Dataset<Row> features, String backboneId) {
        return features.where(
                        col("backbone_id").equalTo(backboneId).and(col("label").isNotNull()))
                .select("path", "label", "split", "embedding", "dim");
    }

    /**
     * The data's own train/test split when it has both, else a seeded split stratified by label:
     * within each class, rows ordered by a hash of (path, seed) and the first {@code testFraction}
     * held out. The same rows and seed always give the same split.
     */
    public static Split split(Dataset<Row> labeled, HeadsConfig config) {
        List<String> splits = labeled.select("split")
                .distinct()
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        if (splits.contains("train") && splits.contains("test")) {
            return new Split(
                    labeled.where(col("split").isin("train", "val", "validation")),
                    labeled.where(col("split").equalTo("test")),
                    "given (train/test folders or labels table)");
        }
        Column order = xxhash64(col("path"), lit(config.seed()));
        Dataset<Row> ranked = labeled.withColumn(
                        "_rank", row_number().over(Window.partitionBy("label").orderBy(order)))
                .withColumn("_count", count(lit(1)).over(Window.partitionBy("label")));
        Column test =
                col("_rank").leq(col("_count").multiply(config.testFraction()).cast("int"));
        return new Split(
                ranked.where(org.apache.spark.sql.functions.not(test)).drop("_rank", "_count"),
                ranked.where(test).drop("_rank", "_count"),
                "stratified " + config.testFraction() + " held out, seed " + config.seed());
    }

    /** Refuses data a head cannot learn from, naming the class at fault. */
    public static void validate(Split split, HeadsConfig config, String backboneId) {
        Map<String, Long> perClass = new LinkedHashMap<>();
        split.train()
                .groupBy("label")
                .count()
                .orderBy("label")
                .collectAsList()
                .forEach(row -> perClass.put(row.getString(0), row.getLong(1)));
        if (perClass.size() < 2) {
            throw Errors.tooFewClasses(backboneId, perClass.keySet());
        }
        perClass.forEach((label, rows) -> {
            if (rows < config.minExamplesPerClass()) {
                throw Errors.tooFewExamples(label, rows, config.minExamplesPerClass());
            }
        });
        List<String> unseen =
                split
                        .test()
                        .select("label")
                        .distinct()
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList()
                        .stream()
                        .filter(label -> !perClass.containsKey(label))
                        .sorted()
                        .toList();
        if (!unseen.isEmpty()) {
            throw Errors.heldOutClassesUnseen(unseen);
        }
        if (split.test().isEmpty()) {
            throw Errors.emptyHeldOutSet();
        }
    }

    /**
     * Fits {@code algorithm} on the training split and scores it on the held-out split. Whatever a head
     * chooses (regularization, width, iterations, temperature) it chooses on a validation split of the
     * training data; the held-out split only scores.
     */
    public static Trained train(String algorithm, Split split, HeadsConfig config, int dimension) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("algorithm", algorithm);
        params.put("seed", String.valueOf(config.seed()));
        if (!HeadsConfig.ALGORITHMS.contains(algorithm)) {
            throw Errors.unknownHeadAlgorithm(algorithm);
        }
        PipelineModel standardized = new Pipeline()
                .setStages(new PipelineStage[] {
                    new ArrayToVector().setInputCol("embedding").setOutputCol("raw_features"),
                    new StringIndexer()
                            .setInputCol("label")
                            .setOutputCol("label_index")
                            .setStringOrderType("alphabetAsc"),
                    new StandardScaler()
                            .setInputCol("raw_features")
                            .setOutputCol("features")
                            .setWithMean(true)
                            .setWithStd(true)
                })
                .fit(split.train());
        List<String> labels = labels(standardized);
        // Every candidate fit reads these rows again: keep them instead of re-reading the table.
        Dataset<Row> prepared = standardized
                .transform(split.train())
                .select("features", "label_index")
                .persist(StorageLevel.MEMORY_AND_DISK());
        List<Transformer> classifier;
        try {
            classifier = switch (algorithm) {
                case "logistic_regression" -> List.of(logisticRegression(prepared, config, params));
                case "mlp" -> MlpHead.fit(prepared, config, dimension, labels.size(), params);
                default -> throw Errors.unknownHeadAlgorithm(algorithm);
            };
        } finally {
            prepared.unpersist();
        }
        List<PipelineStage> stages = new ArrayList<>(Arrays.asList(standardized.stages()));
        stages.addAll(classifier);
        stages.add(new IndexToString()
                .setInputCol("prediction")
                .setOutputCol("predicted_label")
                .setLabels(labels.toArray(String[]::new)));
        // Only fitted stages: fitting the pipeline assembles them without reading the data again.
        PipelineModel model =
                new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(split.train());
        return new Trained(algorithm, model, HeadMetrics.of(model.transform(split.test()), labels), params);
    }

    /** Multinomial logistic regression, its regularization picked on a validation split of the training data. */
    private static Transformer logisticRegression(
            Dataset<Row> prepared, HeadsConfig config, Map<String, String> params) {
        LogisticRegression lr = new LogisticRegression()
                .setFamily("multinomial")
                .setFeaturesCol("features")
                .setLabelCol("label_index")
                .setMaxIter(200)
                .setElasticNetParam(0.0);
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(
                        lr.regParam(),
                        config.regParams().stream()
                                .mapToDouble(Double::doubleValue)
                                .toArray())
                .build();
        params.put("reg_param_sweep", config.regParams().toString());
        TrainValidationSplitModel tuned = new TrainValidationSplit()
                .setEstimator(lr)
                .setEstimatorParamMaps(grid)
                .setTrainRatio(0.8)
                .setSeed(config.seed())
                .setEvaluator(new MulticlassClassificationEvaluator()
                        .setLabelCol("label_index")
                        .setMetricName("accuracy"))
                .fit(prepared);
        params.put("reg_param", String.valueOf(((LogisticRegressionModel) tuned.bestModel()).getRegParam()));
        params.put(
                "validation_accuracy",
                String.valueOf(Arrays.stream(tuned.validationMetrics()).max().orElse(0)));
        return tuned;
    }

    /** The class names a trained head predicts, in probability-vector order. */
    public static List<String> labels(PipelineModel model) {
        return Arrays.asList(((StringIndexerModel) model.stages()[1]).labelsArray()[0]);
    }
}
