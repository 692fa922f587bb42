package org.transferlake.bench;

import ai.djl.Device;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.transferlake.backbone.Backbone;
import org.transferlake.config.PipelineConfig;
import org.transferlake.heads.HeadTrainer;
import org.transferlake.image.RgbImage;
import org.transferlake.runs.Progress;
import org.transferlake.source.FashionMnist;

/**
 * {@code transferlake bench accuracy}: Fashion-MNIST test accuracy of our heads on frozen
 * embeddings against the same heads on raw pixels, on the same splits, at label budgets per class.
 * With the Debian package: train on its 60k train split, report on its 10k test split; without it,
 * the bundled 10k split is divided 8k/2k (seeded, stratified).
 */
public final class AccuracyBenchmark {
    private static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("split", DataTypes.StringType)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false))
            .add("dim", DataTypes.IntegerType);

    /** One cell of the table. */
    public record Cell(String budget, String algorithm, double frozen, double raw) {}

    private AccuracyBenchmark() {}

    /**
     * @param budgets labels per class; 0 means all
     */
    public static List<Cell> run(SparkSession spark, PipelineConfig config, List<Integer> budgets, PrintWriter out) {
        FashionMnist.Dataset data = FashionMnist.load(config.demo().datasetDir());
        int perClassTrain = data.fromPackage() ? 6000 : 800;
        List<List<Integer>> trainByClass = new ArrayList<>();
        List<Integer> testIndices = new ArrayList<>();
        Random random = new Random(config.heads().seed());
        for (int label = 0; label < 10; label++) {
            List<Integer> pool = new ArrayList<>();
            for (int i = 0; i < data.train().count(); i++) {
                if (data.train().label(i) == label) {
                    pool.add(i);
                }
            }
            Collections.shuffle(pool, random);
            trainByClass.add(pool.subList(0, Math.min(perClassTrain, pool.size())));
            if (!data.fromPackage()) {
                testIndices.addAll(pool.subList(perClassTrain, pool.size()));
            }
        }
        if (data.fromPackage()) {
            for (int i = 0; i < data.test().count(); i++) {
                testIndices.add(i);
            }
        }
        int maxBudget =
                budgets.stream().mapToInt(b -> b == 0 ? perClassTrain : b).max().orElse(perClassTrain);
        List<Integer> trainIndices = new ArrayList<>();
        trainByClass.forEach(pool -> trainIndices.addAll(pool.subList(0, Math.min(maxBudget, pool.size()))));
        out.printf(
                "Fashion-MNIST from %s: embedding %d train + %d test images with %s ...%n",
                data.fromPackage() ? "the Debian package" : "the bundled 10k split",
                trainIndices.size(),
                testIndices.size(),
                config.backbone().name());
        out.flush();

        Map<String, float[]> frozen = new LinkedHashMap<>();
        Map<String, float[]> raw = new LinkedHashMap<>();
        embed(spark, config, data.train(), "train", trainIndices, frozen, raw);
        embed(spark, config, data.test(), data.fromPackage() ? "test" : "train", testIndices, frozen, raw);

        List<Cell> cells = new ArrayList<>();
        out.printf("%n%-10s %-20s %10s %10s %8s%n", "labels", "head", "frozen", "raw pixels", "gain");
        for (int budget : budgets) {
            int perClass = budget == 0 ? perClassTrain : budget;
            List<String> train = new ArrayList<>();
            for (int label = 0; label < 10; label++) {
                for (int index : trainByClass
                        .get(label)
                        .subList(0, Math.min(perClass, trainByClass.get(label).size()))) {
                    train.add(key(data.train(), "train", index));
                }
            }
            List<String> test = testIndices.stream()
                    .map(i -> key(
                            data.fromPackage() ? data.test() : data.train(), data.fromPackage() ? "test" : "train", i))
                    .toList();
            HeadTrainer.Split frozenSplit = split(spark, frozen, train, test);
            HeadTrainer.Split rawSplit = split(spark, raw, train, test);
            try {
                for (String algorithm : config.heads().algorithms()) {
                    double f = HeadTrainer.train(
                                    algorithm,
                                    frozenSplit,
                                    config.heads(),
                                    frozen.values().iterator().next().length)
                            .metrics()
                            .accuracy();
                    double r = HeadTrainer.train(algorithm, rawSplit, config.heads(), 784)
                            .metrics()
                            .accuracy();
                    Cell cell =
                            new Cell(budget == 0 ? "all (" + perClass + ")" : String.valueOf(budget), algorithm, f, r);
                    cells.add(cell);
                    out.printf(
                            Locale.ROOT, "%-10s %-20s %10.4f %10.4f %+8.4f%n", cell.budget(), algorithm, f, r, f - r);
                    out.flush();
                }
            } finally {
                List.of(frozenSplit.train(), frozenSplit.test(), rawSplit.train(), rawSplit.test())
                        .forEach(Dataset::unpersist);
            }
        }
        return cells;
    }

    private static String key(FashionMnist.Split split, String name, int index) {
        return name + "/" + FashionMnist.CLASS_NAMES.get(split.label(index)) + "/" + index;
    }

    /** Embeds with the configured backbone (grey → RGB, resized as the pipeline does) and keeps raw pixels /255. */
    private static void embed(
            SparkSession spark,
            PipelineConfig config,
            FashionMnist.Split split,
            String name,
            List<Integer> indices,
            Map<String, float[]> frozen,
            Map<String, float[]> raw) {
        int batch = config.embed().batchSize();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        try (Backbone backbone = Backbone.open(config.backbone(), config.modelCacheDir(), hadoop, Device.cpu());
                Backbone.Embedder embedder = backbone.newEmbedder(batch)) {
            Progress.track("embedding " + name, indices.size(), System.err, done -> {
                for (int start = 0; start < indices.size(); start += batch) {
                    List<Integer> chunk = indices.subList(start, Math.min(indices.size(), start + batch));
                    for (int index : chunk) {
                        byte[] grey = split.image(index);
                        byte[] rgb = new byte[grey.length * 3];
                        float[] pixels = new float[grey.length];
                        for (int p = 0; p < grey.length; p++) {
                            rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = grey[p];
                            pixels[p] = (grey[p] & 0xFF) / 255f;
                        }
                        raw.put(key(split, name, index), pixels);
                        embedder.add(new RgbImage(split.cols(), split.rows(), rgb));
                    }
                    float[][] embeddings = embedder.flush();
                    for (int j = 0; j < chunk.size(); j++) {
                        frozen.put(key(split, name, chunk.get(j)), embeddings[j]);
                    }
                    done.accept(chunk.size());
                }
                return null;
            });
        }
    }

    private static HeadTrainer.Split split(
            SparkSession spark, Map<String, float[]> vectors, List<String> train, List<String> test) {
        return new HeadTrainer.Split(
                frame(spark, vectors, train, "train"), frame(spark, vectors, test, "test"), "benchmark");
    }

    private static Dataset<Row> frame(
            SparkSession spark, Map<String, float[]> vectors, List<String> keys, String split) {
        List<Row> rows = new ArrayList<>(keys.size());
        for (String key : keys) {
            float[] vector = vectors.get(key);
            rows.add(RowFactory.create(key, key.split("/")[1], split, vector, vector.length));
        }
        return spark.createDataFrame(rows, SCHEMA)
                .repartition(spark.sparkContext().defaultParallelism())
                .persist(StorageLevel.MEMORY_AND_DISK());
    }
}
