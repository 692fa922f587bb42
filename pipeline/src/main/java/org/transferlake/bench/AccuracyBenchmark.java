package org.transferlake.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import ai.djl.Device;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.transferlake.backbone.Backbone;
import org.transferlake.config.Errors;
import org.transferlake.config.PipelineConfig;
import org.transferlake.heads.HeadTrainer;
import org.transferlake.image.ImageDecoder;
import org.transferlake.image.ImageRejectedException;
import org.transferlake.image.Resizer;
import org.transferlake.image.RgbImage;
import org.transferlake.query.ChartImages;
import org.transferlake.report.LearningCurve;
import org.transferlake.runs.Progress;
import org.transferlake.source.FashionMnist;
import org.transferlake.source.ImageListing;
import org.transferlake.source.Labels;

/**
 * {@code transferlake bench accuracy}: "does this backbone help on my data?" Test accuracy of our heads
 * on frozen embeddings of one or more backbone variants, side by side with the same heads on raw
 * pixels, on the same splits, at label budgets per class (nested: the 10 images of a class are among its
 * 100). The data is Fashion-MNIST (the Debian package's 60k/10k, else the bundled 10k split divided 8k/2k)
 * or any image set laid out as {@code <split>/<label>/<file>} under a root (a test split is held out per
 * class when it has none). Prints the table and throughput per variant, and writes the learning curves as
 * a PNG.
 */
public final class AccuracyBenchmark {
    private static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType)
            .add("label", DataTypes.StringType)
            .add("split", DataTypes.StringType)
            .add("embedding", DataTypes.createArrayType(DataTypes.FloatType, false))
            .add("dim", DataTypes.IntegerType)
            .add("rank", DataTypes.IntegerType);

    /**
     * Vectors are written to Parquet in chunks of at most this many floats (64 MB), so the driver never
     * holds a feature set, however wide (a feature map flattened with pooling none is 100k+ floats).
     */
    private static final int CHUNK_FLOATS = 16 << 20;

    /** The raw-pixel baseline's name in the table and the plot. */
    public static final String RAW_PIXELS = LearningCurve.RAW_PIXELS;

    /** Raw pixels of a photo set: resized to this square, RGB. */
    private static final int RAW_SIZE = 32;

    /** A backbone configuration to measure, named for the table. */
    public record Variant(String name, PipelineConfig config) {}

    /** One labelled image: its key (unique), class and a way to decode it. */
    record Sample(String key, String label, ImageSource image) {}

    @FunctionalInterface
    interface ImageSource {
        RgbImage decode() throws ImageRejectedException, IOException;
    }

    /** Train and test images, and how their raw pixels become a baseline vector. */
    record ImageSet(String description, List<Sample> train, List<Sample> test, boolean grey) {}

    /** Test accuracy of one head on one feature set at one budget ({@code perClass} 0 = all). */
    public record Cell(int perClass, String algorithm, String features, double accuracy) {}

    /** Everything one run measured. */
    public record Result(List<Cell> cells, Map<String, Double> imagesPerSecond, Path plot, Path csv) {}

    private AccuracyBenchmark() {}

    /**
     * @param images a root of {@code <split>/<label>/<file>} images, or null for Fashion-MNIST
     * @param budgets labels per class; 0 means all
     * @param testPerClass at most this many test images per class (seeded), 0 = all of them
     * @param plot where the learning-curve PNG goes
     */
    public static Result run(
            SparkSession spark,
            PipelineConfig base,
            List<Variant> variants,
            URI images,
            List<Integer> budgets,
            int testPerClass,
            Path plot,
            PrintWriter out) {
        if (budgets.isEmpty() || budgets.stream().anyMatch(b -> b < 0) || testPerClass < 0) {
            throw Errors.badBenchBudgets(budgets, testPerClass);
        }
        java.util.Set<String> names = new java.util.HashSet<>(List.of(RAW_PIXELS));
        for (Variant variant : variants) {
            if (!names.add(variant.name())) {
                throw Errors.duplicateBenchVariant(variant.name());
            }
        }
        ImageSet set = images == null ? fashionMnist(base) : folder(spark, base, images);
        Map<String, List<Sample>> byClass = byClass(set.train(), base.heads().seed());
        List<Sample> test = new ArrayList<>();
        byClass(set.test(), base.heads().seed())
                .values()
                .forEach(pool ->
                        test.addAll(testPerClass == 0 ? pool : pool.subList(0, Math.min(testPerClass, pool.size()))));
        int largest = byClass.values().stream().mapToInt(List::size).max().orElse(0);
        // Smallest first, "all" (0) last.
        List<Integer> perClassBudgets = budgets.stream()
                .distinct()
                .sorted(java.util.Comparator.comparingInt(b -> b == 0 ? Integer.MAX_VALUE : b))
                .toList();
        int maxBudget = perClassBudgets.contains(0) ? largest : perClassBudgets.get(perClassBudgets.size() - 1);
        List<Sample> train = new ArrayList<>();
        byClass.values().forEach(pool -> train.addAll(pool.subList(0, Math.min(maxBudget, pool.size()))));
        out.printf(
                "%s: %d classes, embedding %d train + %d test images per variant%n",
                set.description(), byClass.size(), train.size(), test.size());
        out.flush();

        Map<Sample, Integer> ranks = new java.util.HashMap<>();
        byClass.values().forEach(pool -> {
            for (int i = 0; i < pool.size(); i++) {
                ranks.put(pool.get(i), i);
            }
        });
        Map<String, Double> imagesPerSecond = new LinkedHashMap<>();
        List<Cell> cells = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        Path work = temporaryDirectory();
        try {
            for (Variant variant : variants) {
                Path features = work.resolve("variant-" + columns.size());
                embed(spark, variant, train, test, ranks, features, imagesPerSecond);
                cells.addAll(heads(out, spark, base, variant.name(), features, perClassBudgets));
                columns.add(variant.name());
            }
            Path raw = work.resolve("raw");
            rawPixels(spark, train, test, ranks, set.grey(), raw);
            cells.addAll(heads(out, spark, base, RAW_PIXELS, raw, perClassBudgets));
            columns.add(RAW_PIXELS);
        } finally {
            org.apache.hadoop.fs.FileUtil.fullyDelete(work.toFile());
        }
        printTable(out, cells, columns, base.heads().algorithms(), perClassBudgets, largest);
        imagesPerSecond.forEach((name, rate) -> out.printf(Locale.ROOT, "  %-24s %8.1f img/s%n", name, rate));
        LearningCurve.Curves curves = new LearningCurve.Curves(
                set.description(),
                cells.stream()
                        .map(cell -> new LearningCurve.Point(
                                cell.features(),
                                cell.algorithm(),
                                cell.perClass() == 0 ? largest : cell.perClass(),
                                cell.accuracy()))
                        .toList());
        Path csv = csvBeside(plot);
        LearningCurve.writeCsv(csv, curves);
        writePlot(plot, curves);
        out.printf("Learning curves: %s (numbers in %s, which report draws)%n", plot.toAbsolutePath(), csv);
        out.flush();
        return new Result(List.copyOf(cells), imagesPerSecond, plot, csv);
    }

    /** Where the curves' numbers go: beside the PNG, named like it. */
    public static Path csvBeside(Path plot) {
        String name = plot.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return plot.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".csv");
    }

    private static void writePlot(Path plot, LearningCurve.Curves curves) {
        try {
            java.nio.file.Files.write(plot, ChartImages.png(LearningCurve.chart(curves), 900, 560));
        } catch (java.io.IOException e) {
            throw Errors.plotWriteFailed(plot, e);
        }
    }

    /** The train images of each class in a seeded random order: a budget of b takes the first b. */
    static Map<String, List<Sample>> byClass(List<Sample> train, long seed) {
        Map<String, List<Sample>> byClass = new TreeMap<>();
        train.forEach(sample -> byClass.computeIfAbsent(sample.label(), label -> new ArrayList<>())
                .add(sample));
        Random random = new Random(seed);
        byClass.values().forEach(pool -> Collections.shuffle(pool, random));
        return byClass;
    }

    private static List<Cell> heads(
            PrintWriter out,
            SparkSession spark,
            PipelineConfig base,
            String name,
            Path features,
            List<Integer> budgets) {
        List<Cell> cells = new ArrayList<>();
        Dataset<Row> all = spark.read().schema(SCHEMA).parquet(features.toUri().toString());
        Dataset<Row> test = all.where(col("split").equalTo("test"));
        int dimension = all.select("dim").head().getInt(0);
        try {
            for (int budget : budgets) {
                Column inBudget = budget == 0 ? lit(true) : col("rank").lt(budget);
                Dataset<Row> train = all.where(col("split").equalTo("train").and(inBudget));
                HeadTrainer.Split split = new HeadTrainer.Split(train, test, "benchmark");
                // A class with no decodable image at this budget is refused by name, as train refuses it.
                HeadTrainer.validate(split, base.heads(), name);
                for (String algorithm : base.heads().algorithms()) {
                    spark.sparkContext()
                            .setJobDescription(
                                    "bench accuracy: " + algorithm + " on " + name + ", " + budget + " per class");
                    double accuracy = HeadTrainer.train(algorithm, split, base.heads(), dimension)
                            .metrics()
                            .accuracy();
                    cells.add(new Cell(budget, algorithm, name, accuracy));
                    out.printf(
                            Locale.ROOT,
                            "  %s, %s, %s per class: %.4f%n",
                            name,
                            algorithm,
                            budget == 0 ? "all" : budget,
                            accuracy);
                    out.flush();
                }
            }
        } finally {
            spark.sparkContext().setJobDescription(null);
        }
        return cells;
    }

    private static void printTable(
            PrintWriter out,
            List<Cell> cells,
            List<String> columns,
            List<String> algorithms,
            List<Integer> budgets,
            int largest) {
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%n%-14s %-20s", "labels/class", "head"));
        columns.forEach(column -> header.append(String.format(Locale.ROOT, " %24s", column)));
        out.println(header);
        for (int budget : budgets) {
            for (String algorithm : algorithms) {
                StringBuilder line = new StringBuilder(String.format(
                        Locale.ROOT, "%-14s %-20s", budget == 0 ? "all (" + largest + ")" : budget, algorithm));
                for (String column : columns) {
                    double accuracy = cells.stream()
                            .filter(c -> c.perClass() == budget
                                    && c.algorithm().equals(algorithm)
                                    && c.features().equals(column))
                            .mapToDouble(Cell::accuracy)
                            .findFirst()
                            .orElse(Double.NaN);
                    line.append(String.format(Locale.ROOT, " %24.4f", accuracy));
                }
                out.println(line);
            }
        }
    }

    private static ImageSet fashionMnist(PipelineConfig config) {
        FashionMnist.Dataset data = FashionMnist.load(config.demo().datasetDir());
        List<Sample> train = new ArrayList<>();
        List<Sample> test = new ArrayList<>();
        for (int i = 0; i < data.train().count(); i++) {
            train.add(fashionSample(data.train(), i));
        }
        if (data.fromPackage()) {
            for (int i = 0; i < data.test().count(); i++) {
                test.add(fashionSample(data.test(), i));
            }
            return new ImageSet("Fashion-MNIST (the Debian package, 60k/10k)", train, test, true);
        }
        List<Sample> heldOut = holdOut(train, 0.2, config.heads().seed());
        return new ImageSet("Fashion-MNIST (the bundled 10k split, 8k/2k)", train, heldOut, true);
    }

    private static Sample fashionSample(FashionMnist.Split split, int index) {
        String label = FashionMnist.CLASS_NAMES.get(split.label(index));
        return new Sample(split.name() + "/" + label + "/" + index, label, () -> {
            byte[] grey = split.image(index);
            byte[] rgb = new byte[grey.length * 3];
            for (int p = 0; p < grey.length; p++) {
                rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = grey[p];
            }
            return new RgbImage(split.cols(), split.rows(), rgb);
        });
    }

    /** Images under {@code root}, labelled by their folders as extract labels them (or by extract.labels). */
    private static ImageSet folder(SparkSession spark, PipelineConfig config, URI root) {
        Dataset<Row> listed =
                ImageListing.listMetadata(spark, List.of(root), config.extract().extensions());
        Dataset<Row> labelled = config.extract().labels().isEmpty()
                ? Labels.fromLayout(listed)
                : Labels.fromTable(listed, spark, config.extract().labels());
        List<Row> rows = labelled.where("label IS NOT NULL")
                .select("path", "label", "split")
                .orderBy("path")
                .collectAsList();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        long maxPixels = config.embed().maxPixels();
        List<Sample> train = new ArrayList<>();
        List<Sample> test = new ArrayList<>();
        for (Row row : rows) {
            String path = row.getString(0);
            Sample sample = new Sample(path, row.getString(1), () -> {
                org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path);
                FileSystem fs = file.getFileSystem(hadoop);
                try (InputStream in = fs.open(file)) {
                    return ImageDecoder.decode(in.readAllBytes(), maxPixels);
                }
            });
            ("test".equals(row.getString(2)) ? test : train).add(sample);
        }
        if (train.isEmpty()) {
            throw Errors.noLabelledBenchImages(root);
        }
        String description = "images under " + root;
        if (test.isEmpty()) {
            test = holdOut(train, config.heads().testFraction(), config.heads().seed());
            description += " (" + config.heads().testFraction() + " of each class held out, seed "
                    + config.heads().seed() + ")";
        }
        return new ImageSet(description, train, test, false);
    }

    /** Moves the first {@code fraction} of each class, in a seeded random order, out of {@code samples}. */
    private static List<Sample> holdOut(List<Sample> samples, double fraction, long seed) {
        List<Sample> heldOut = new ArrayList<>();
        byClass(samples, seed)
                .values()
                .forEach(pool -> heldOut.addAll(pool.subList(0, (int) (pool.size() * fraction))));
        java.util.Set<Sample> moved = new java.util.HashSet<>(heldOut);
        samples.removeIf(moved::contains);
        return heldOut;
    }

    /** Grey images as their pixels /255; colour images resized to 32×32 RGB, /255; written to {@code into}. */
    private static void rawPixels(
            SparkSession spark,
            List<Sample> train,
            List<Sample> test,
            Map<Sample, Integer> ranks,
            boolean grey,
            Path into) {
        try (FeatureFile file = new FeatureFile(spark, into, ranks)) {
            for (Sample sample : concat(train, test)) {
                RgbImage image = decodeOrNull(sample);
                if (image == null) {
                    continue;
                }
                RgbImage pixels = grey ? image : Resizer.resize(image, RAW_SIZE, RAW_SIZE);
                byte[] rgb = pixels.rgb();
                int channels = grey ? 1 : 3;
                float[] vector = new float[rgb.length / 3 * channels];
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = (rgb[grey ? 3 * i : i] & 0xFF) / 255f;
                }
                file.add(sample, vector);
            }
        }
    }

    private static List<Sample> concat(List<Sample> train, List<Sample> test) {
        List<Sample> all = new ArrayList<>(train);
        all.addAll(test);
        return all;
    }

    /** The image, or null when the decoder rejects it (the benchmark skips what extract would quarantine). */
    private static RgbImage decodeOrNull(Sample sample) {
        try {
            return sample.image().decode();
        } catch (ImageRejectedException e) {
            return null;
        } catch (IOException e) {
            throw Errors.benchImageUnreadable(sample.key(), e);
        }
    }

    /**
     * Embeds every image with the variant's backbone into {@code into}; its rate (decode + embed, after
     * loading the model) goes into {@code rates}.
     */
    private static void embed(
            SparkSession spark,
            Variant variant,
            List<Sample> train,
            List<Sample> test,
            Map<Sample, Integer> ranks,
            Path into,
            Map<String, Double> rates) {
        PipelineConfig config = variant.config();
        List<Sample> all = concat(train, test);
        int batch = config.embed().batchSize();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        try (Backbone backbone = Backbone.open(config.backbone(), config.modelCacheDir(), hadoop, Device.cpu());
                Backbone.Embedder embedder = backbone.newEmbedder(batch);
                FeatureFile file = new FeatureFile(spark, into, ranks)) {
            long start = System.nanoTime();
            Progress.track("embedding with " + variant.name(), all.size(), System.err, done -> {
                List<Sample> pending = new ArrayList<>();
                for (int i = 0; i < all.size(); i++) {
                    RgbImage image = decodeOrNull(all.get(i));
                    if (image != null) {
                        embedder.add(image);
                        pending.add(all.get(i));
                    }
                    if (embedder.size() > 0 && (embedder.isFull() || i == all.size() - 1)) {
                        float[][] vectors = embedder.flush();
                        for (int j = 0; j < pending.size(); j++) {
                            file.add(pending.get(j), vectors[j]);
                        }
                        pending.clear();
                    }
                    done.accept(1);
                }
                return null;
            });
            file.flush();
            rates.put(variant.name(), file.rows() / ((System.nanoTime() - start) / 1e9));
            if (file.rows() == 0) {
                throw Errors.noBenchImagesDecoded(variant.name());
            }
        }
    }

    /** Feature rows appended to a Parquet directory a chunk at a time; train rows carry their rank in class. */
    private static final class FeatureFile implements AutoCloseable {
        private final SparkSession spark;
        private final String uri;
        private final Map<Sample, Integer> ranks;
        private final List<Row> chunk = new ArrayList<>();
        private long chunkFloats;
        private long rows;

        FeatureFile(SparkSession spark, Path directory, Map<Sample, Integer> ranks) {
            this.spark = spark;
            this.uri = directory.toUri().toString();
            this.ranks = ranks;
        }

        void add(Sample sample, float[] vector) {
            Integer rank = ranks.get(sample);
            chunk.add(RowFactory.create(
                    sample.key(), sample.label(), rank == null ? "test" : "train", vector, vector.length, rank));
            chunkFloats += vector.length;
            if (chunkFloats >= CHUNK_FLOATS) {
                flush();
            }
        }

        void flush() {
            if (!chunk.isEmpty()) {
                spark.createDataFrame(chunk, SCHEMA).write().mode("append").parquet(uri);
                rows += chunk.size();
                chunk.clear();
                chunkFloats = 0;
            }
        }

        long rows() {
            return rows;
        }

        @Override
        public void close() {
            flush();
        }
    }

    private static Path temporaryDirectory() {
        try {
            return java.nio.file.Files.createTempDirectory("transferlake-bench-accuracy-");
        } catch (IOException e) {
            throw Errors.benchWorkDirectoryFailed(e);
        }
    }
}
