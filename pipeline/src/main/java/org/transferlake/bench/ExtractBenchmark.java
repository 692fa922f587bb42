package org.transferlake.bench;

import static org.apache.spark.sql.functions.col;

import ai.djl.Device;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.transferlake.backbone.Backbone;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.DemoConfig;
import org.transferlake.config.Errors;
import org.transferlake.config.PipelineConfig;
import org.transferlake.embed.ExecutorModels;
import org.transferlake.image.ImageDecoder;
import org.transferlake.image.ImageRejectedException;
import org.transferlake.image.RgbImage;
import org.transferlake.lake.Lake;
import org.transferlake.runs.ExtractRun;
import org.transferlake.runs.Progress;
import org.transferlake.runs.RunLog;
import org.transferlake.source.DemoData;
import org.transferlake.source.ImageBytes;
import org.transferlake.source.ImageListing;

/**
 * {@code transferlake bench extract}: on the same images, cores and run, (a) a plain DJL loop over
 * decoded images in memory — the limit of this hardware — (b) our pipeline from s3a objects to the
 * Delta table, (c) the naive way, a model loaded per task and one image per call (what the DJL Spark
 * extension does), and (d) an incremental re-run with nothing new. A warm-up extract of other images
 * into the same tables comes before (b). For reference it also measures the work (b) does besides
 * the loop on the same cores: (e) reading and hashing the objects, (f) decoding them. The images are
 * Fashion-MNIST PNGs kept under {@code <lake.root>bench/}; tables go under a fresh prefix each run.
 */
public final class ExtractBenchmark {
    /** The numbers, images per second unless named otherwise; peak RSS in MB by executor id. */
    public record Report(
            long images,
            double plainLoop,
            double decode,
            double readAndHash,
            double pipelineEndToEnd,
            double pipelineEmbedStage,
            double naive,
            long naiveModelLoads,
            double naiveLoadSeconds,
            double firstRunSeconds,
            double rerunSeconds,
            Map<String, Double> firstRunSteps,
            Map<String, Double> rerunSteps,
            Map<String, String> peakRssMb,
            Map<String, String> pipelineModelLoads) {}

    private static final int WARM_UP_IMAGES = 100;

    private ExtractBenchmark() {}

    /**
     * Runs the benchmark and prints its table.
     *
     * @param images how many images, a multiple of 10 (as many of each class)
     */
    public static Report run(SparkSession spark, PipelineConfig config, int images, PrintWriter out) {
        requireImageCount(images);
        URI roots = benchImages(spark, config, "images-" + images, images, out);
        URI warmUpRoots = benchImages(spark, config, "warm-up", WARM_UP_IMAGES, out);
        PipelineConfig benchConfig = config.withImageRoots(List.of(roots))
                .withLakeRoot(config.lake().resolve("bench/extract-" + System.currentTimeMillis() + "/"));
        List<String> rootList = List.of(roots.toString());

        out.println("Reading the images once into memory for the plain loop ...");
        out.flush();
        List<byte[]> bytes = ImageListing.readContent(
                        spark, rootList, config.extract().extensions())
                .select(col("content"))
                .as(Encoders.BINARY())
                .collectAsList();
        out.printf("(f) decoding %d images, (a) plain DJL loop over them ...%n", bytes.size());
        out.flush();
        double[] plainAndDecode = plainLoop(config, spark.sparkContext().hadoopConfiguration(), bytes);

        out.println("(e) reading and hashing the objects alone ...");
        out.flush();
        long readStart = System.nanoTime();
        // As the pipeline reads them: in tasks, hashed while streaming, read ahead.
        long read = ImageBytes.readHashed(
                        ImageListing.listMetadata(
                                spark, List.of(roots), config.extract().extensions()),
                        ImageBytes.readAhead(config.embed().batchSize()))
                .select("content_sha256")
                .count();
        double readAndHash = read / ((System.nanoTime() - readStart) / 1e9);

        // Like (a)'s warm-up batch: JIT and first-use costs out of (b), and (b) then writes to existing
        // tables, as a nightly run does.
        out.printf("Warm-up: extract of %d other images into the same tables ...%n", WARM_UP_IMAGES);
        out.flush();
        ExtractRun.run(spark, benchConfig.withImageRoots(List.of(warmUpRoots)), null);
        out.println("(b) our pipeline, s3a objects to Delta ...");
        out.flush();
        long start = System.nanoTime();
        ExtractRun.Result first = ExtractRun.run(spark, benchConfig, null);
        double firstSeconds = (System.nanoTime() - start) / 1e9;
        out.println("(d) incremental re-run, nothing new ...");
        out.flush();
        start = System.nanoTime();
        ExtractRun.Result rerun = ExtractRun.run(spark, benchConfig, null);
        double rerunSeconds = (System.nanoTime() - start) / 1e9;
        // Before (c): its per-task models must not count towards the pipeline's peak.
        Map<String, String> peakRss = ExecutorProbe.ask(spark, () -> String.valueOf(BackboneBenchmark.peakRssMb()));
        Map<String, String> modelLoads =
                ExecutorProbe.ask(spark, () -> String.valueOf(ExecutorModels.loadsInThisJvm()));

        out.println("(c) naive: model loaded per task, one image per call ...");
        out.flush();
        Naive naive = naive(spark, config, rootList);

        Report report = new Report(
                first.embedded() + first.quarantined(),
                plainAndDecode[0],
                plainAndDecode[1],
                readAndHash,
                first.listed() / firstSeconds,
                first.imagesPerSecond(),
                naive.imagesPerSecond(),
                naive.loads(),
                naive.loadSeconds(),
                firstSeconds,
                rerunSeconds,
                first.timings(),
                rerun.timings(),
                peakRss,
                modelLoads);
        print(report, config, spark, out);
        return report;
    }

    /** Refuses an image count not split evenly over the 10 classes; callers check it before Spark starts. */
    public static void requireImageCount(int images) {
        if (images < 10 || images % 10 != 0) {
            throw Errors.benchImageCountNotTens(images);
        }
    }

    /** {@code count} Fashion-MNIST PNGs under {@code <lake.root>bench/<name>/}, written once; returns their root. */
    private static URI benchImages(SparkSession spark, PipelineConfig config, String name, int count, PrintWriter out) {
        URI root = config.lake().resolve("bench/" + name + "/");
        FileSystem fs = Lake.fileSystem(spark, config.lake().root());
        DemoData.Plan plan = DemoData.plan(
                new DemoConfig(
                        config.demo().datasetDir(), count / 10, 0, config.demo().seed()),
                fs,
                root);
        DemoData.Result written = Progress.track(
                "bench images", plan.missing().size(), System.err, done -> DemoData.write(plan, fs, root, done));
        out.printf("%d Fashion-MNIST images under %s (%d written now)%n", count, root, written.written());
        return root.resolve(DemoData.IMAGES_PREFIX);
    }

    private static void print(Report r, PipelineConfig config, SparkSession spark, PrintWriter out) {
        int cores = spark.sparkContext().defaultParallelism();
        out.printf(
                Locale.ROOT,
                "%nbench extract: %d images, %s, batch %d, Spark %s (%d task slots) on %d cores%n",
                r.images(),
                config.backbone().name(),
                config.embed().batchSize(),
                spark.sparkContext().master(),
                cores,
                Runtime.getRuntime().availableProcessors());
        String row = "%-62s %10.1f %8.2f%n";
        out.printf(Locale.ROOT, "%-62s %10s %8s%n", "", "images/s", "ratio");
        out.printf(
                Locale.ROOT,
                "%-62s %10.1f %8s%n",
                "(a) plain DJL loop over decoded images: resize, predict (baseline)",
                r.plainLoop(),
                "1.00");
        out.printf(
                Locale.ROOT,
                row,
                "(b) pipeline end to end: list, read, embed, write, runs",
                r.pipelineEndToEnd(),
                r.pipelineEndToEnd() / r.plainLoop());
        out.printf(
                Locale.ROOT,
                row,
                "(b) pipeline, embed stage: read, hash, decode, embed",
                r.pipelineEmbedStage(),
                r.pipelineEmbedStage() / r.plainLoop());
        out.printf(Locale.ROOT, row, "(c) naive: model per task, batch 1", r.naive(), r.naive() / r.plainLoop());
        out.printf(
                Locale.ROOT,
                "    (c) loaded the model %d times, %.2f s each on average (%.1f s of task time)%n",
                r.naiveModelLoads(),
                r.naiveLoadSeconds() / Math.max(1, r.naiveModelLoads()),
                r.naiveLoadSeconds());
        out.printf(
                Locale.ROOT,
                "(b) end to end / (c) naive: %.2f; embed stage / (c): %.2f%n",
                r.pipelineEndToEnd() / r.naive(),
                r.pipelineEmbedStage() / r.naive());
        out.printf(
                Locale.ROOT,
                "(d) re-run with nothing new: %.1f s = %.0f%% of the first run (%.1f s)%n",
                r.rerunSeconds(),
                100 * r.rerunSeconds() / r.firstRunSeconds(),
                r.firstRunSeconds());
        out.printf(
                Locale.ROOT,
                "    steps of the first run (s): %s; outside them (lock, runs row): %.1f%n",
                RunLog.describe(r.firstRunSteps()),
                r.firstRunSeconds()
                        - r.firstRunSteps().values().stream()
                                .mapToDouble(Double::doubleValue)
                                .sum());
        out.printf(
                Locale.ROOT,
                "    steps of the re-run (s): %s; outside them: %.1f%n",
                RunLog.describe(r.rerunSteps()),
                r.rerunSeconds()
                        - r.rerunSteps().values().stream()
                                .mapToDouble(Double::doubleValue)
                                .sum());
        out.println("What (b) does besides the loop, on the same cores:");
        out.printf(
                Locale.ROOT,
                row,
                "(e) read + SHA-256 of the objects over s3a, all task slots",
                r.readAndHash(),
                r.readAndHash() / r.plainLoop());
        out.printf(Locale.ROOT, row, "(f) decode, one thread", r.decode(), r.decode() / r.plainLoop());
        // Inference already keeps every core busy, so (e) and (f) can only add to its time here.
        double bound = 1 / (1 / r.plainLoop() + 1 / r.readAndHash() + 1 / (cores * r.decode()));
        out.printf(
                Locale.ROOT,
                row,
                "(b) bound when (e) and (f) share the cores with inference",
                bound,
                bound / r.plainLoop());
        String localMode = spark.sparkContext().isLocal() ? " (local mode: the driver's JVM is the executor)" : "";
        out.printf(Locale.ROOT, "peak RSS per executor JVM (MB): %s%s%n", byExecutor(r.peakRssMb()), localMode);
        out.printf(
                Locale.ROOT,
                "pipeline model loads per executor JVM (warm-up, (b) and (d) together): %s%n",
                byExecutor(r.pipelineModelLoads()));
        out.flush();
    }

    private static String byExecutor(Map<String, String> answers) {
        return answers.entrySet().stream()
                .map(answer -> answer.getKey() + "=" + answer.getValue())
                .collect(Collectors.joining(", "));
    }

    /** (a) images/s of resize + preprocess + embed over images decoded beforehand; (f) of that decoding, one thread. */
    private static double[] plainLoop(PipelineConfig config, Configuration hadoop, List<byte[]> images) {
        BackboneSpec spec = config.backbone();
        int batch = config.embed().batchSize();
        try (Backbone backbone = Backbone.open(spec, config.modelCacheDir(), hadoop, Device.cpu());
                Backbone.Embedder embedder = backbone.newEmbedder(batch)) {
            List<RgbImage> decoded = new ArrayList<>();
            long decodeStart = System.nanoTime();
            for (byte[] image : images) {
                try {
                    decoded.add(ImageDecoder.decode(image, config.embed().maxPixels()));
                } catch (ImageRejectedException skipped) {
                    // the pipeline quarantines these; the loop has nothing to embed for them
                }
            }
            double decodeRate = images.size() / ((System.nanoTime() - decodeStart) / 1e9);
            decoded.stream().limit(batch).forEach(embedder::add);
            embedder.flush(); // warm-up
            long start = System.nanoTime();
            for (RgbImage image : decoded) {
                embedder.add(image);
                if (embedder.isFull()) {
                    embedder.flush();
                }
            }
            embedder.flush();
            return new double[] {decoded.size() / ((System.nanoTime() - start) / 1e9), decodeRate};
        }
    }

    /** (c): images/s, and the model loads it made with their total seconds. */
    private record Naive(double imagesPerSecond, long loads, double loadSeconds) {}

    private static Naive naive(SparkSession spark, PipelineConfig config, List<String> roots) {
        BackboneSpec spec = config.backbone();
        String cacheDir = config.modelCacheDir().toString();
        long maxPixels = config.embed().maxPixels();
        LongAccumulator loadNanos = spark.sparkContext().longAccumulator("bench: naive model load ns");
        LongAccumulator loads = spark.sparkContext().longAccumulator("bench: naive model loads");
        long start = System.nanoTime();
        long count = ImageListing.readContent(spark, roots, config.extract().extensions())
                .select("content")
                .mapPartitions(
                        (MapPartitionsFunction<Row, Integer>)
                                rows -> naivePartition(rows, spec, cacheDir, maxPixels, loads, loadNanos),
                        Encoders.INT())
                .count();
        return new Naive(count / ((System.nanoTime() - start) / 1e9), loads.value(), loadNanos.value() / 1e9);
    }

    /** A fresh model for this task, one image per call: the pattern the pipeline replaces. */
    private static Iterator<Integer> naivePartition(
            Iterator<Row> rows,
            BackboneSpec spec,
            String cacheDir,
            long maxPixels,
            LongAccumulator loads,
            LongAccumulator loadNanos) {
        List<Integer> dims = new ArrayList<>();
        long loadStart = System.nanoTime();
        try (Backbone backbone =
                        Backbone.open(spec, Path.of(cacheDir), ImageBytes.executorConfiguration(), Device.cpu());
                Backbone.Embedder embedder = backbone.newEmbedder(1)) {
            loads.add(1);
            loadNanos.add(System.nanoTime() - loadStart);
            while (rows.hasNext()) {
                byte[] bytes = rows.next().getAs(0);
                try {
                    embedder.add(ImageDecoder.decode(bytes, maxPixels));
                    dims.add(embedder.flush()[0].length);
                } catch (ImageRejectedException e) {
                    dims.add(0);
                }
            }
        }
        return dims.iterator();
    }
}
