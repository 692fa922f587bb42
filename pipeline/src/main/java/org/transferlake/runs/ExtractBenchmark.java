package org.transferlake.runs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sha2;

import ai.djl.Device;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.transferlake.backbone.Backbone;
import org.transferlake.backbone.BackboneBenchmark;
import org.transferlake.config.BackboneSpec;
import org.transferlake.config.PipelineConfig;
import org.transferlake.config.TransferlakeException;
import org.transferlake.image.ImageDecoder;
import org.transferlake.image.ImageRejectedException;
import org.transferlake.image.Resizer;
import org.transferlake.image.RgbImage;
import org.transferlake.source.ImageListing;

/**
 * {@code transferlake bench extract}: on the same images, cores and run, (a) a plain DJL loop over
 * decoded images in memory — the limit of this hardware — (b) our pipeline from s3a objects to the
 * Delta table, (c) the naive way, a model loaded per task and one image per call (what the DJL Spark
 * extension does), and (d) an incremental re-run with nothing new. Tables go under a fresh prefix.
 */
public final class ExtractBenchmark {
  /** The numbers, images per second unless named otherwise. */
  public record Report(long images, double plainLoop, double pipelineEndToEnd, double pipelineEmbedStage, double naive,
      double readAndHash, double firstRunSeconds, double rerunSeconds, long peakRssMb) {}

  private ExtractBenchmark() {}

  public static Report run(SparkSession spark, PipelineConfig config, PrintWriter out) {
    URI benchRoot = config.lake().resolve("bench/extract-" + System.currentTimeMillis() + "/");
    List<String> roots = config.extract().roots().stream().map(URI::toString).toList();
    PipelineConfig benchConfig = config.withLakeRoot(benchRoot);

    out.println("Reading the images once into memory for the plain loop ...");
    out.flush();
    List<byte[]> bytes = ImageListing.readContent(spark, roots, config.extract().extensions())
        .select(col("content")).as(Encoders.BINARY()).collectAsList();
    if (bytes.isEmpty()) {
      throw TransferlakeException.cannot("benchmark extract", "there are no images under " + roots, "Run 'transferlake demo-data' first.");
    }
    out.printf("(a) plain DJL loop over %d decoded images ...%n", bytes.size());
    out.flush();
    double plain = plainLoop(config, bytes);

    out.println("(e) reading and hashing the objects alone ...");
    out.flush();
    long readStart = System.nanoTime();
    long read = ImageListing.readContent(spark, roots, config.extract().extensions()).select(sha2(col("content"), 256)).count();
    double readAndHash = read / ((System.nanoTime() - readStart) / 1e9);

    out.println("(c) naive: model loaded per task, one image per call ...");
    out.flush();
    double naive = naive(spark, config, roots);

    out.println("(b) our pipeline, s3a objects to Delta ...");
    out.flush();
    long start = System.nanoTime();
    ExtractRun.Result first = ExtractRun.run(spark, benchConfig, null);
    double firstSeconds = (System.nanoTime() - start) / 1e9;
    out.println("(d) incremental re-run, nothing new ...");
    out.flush();
    start = System.nanoTime();
    ExtractRun.run(spark, benchConfig, null);
    double rerunSeconds = (System.nanoTime() - start) / 1e9;

    Report report = new Report(first.embedded() + first.quarantined(), plain, first.listed() / firstSeconds,
        first.imagesPerSecond(), naive, readAndHash, firstSeconds, rerunSeconds, BackboneBenchmark.peakRssMb());
    print(report, config, out);
    return report;
  }

  private static void print(Report r, PipelineConfig config, PrintWriter out) {
    out.printf(Locale.ROOT, "%nbench extract: %d images, %s, batch %d, %d cores, Spark %s%n", r.images(),
        config.backbone().name(), config.embed().batchSize(), Runtime.getRuntime().availableProcessors(), config.spark().master());
    out.printf(Locale.ROOT, "%-58s %10s %8s%n", "", "images/s", "ratio");
    out.printf(Locale.ROOT, "%-58s %10.1f %8s%n", "(a) plain DJL loop, decoded images in memory (baseline)", r.plainLoop(), "1.00");
    out.printf(Locale.ROOT, "%-58s %10.1f %8.2f%n", "(b) pipeline, embed stage only", r.pipelineEmbedStage(), r.pipelineEmbedStage() / r.plainLoop());
    out.printf(Locale.ROOT, "%-58s %10.1f %8.2f%n", "(b) pipeline end to end: list, read, embed, MERGE, runs", r.pipelineEndToEnd(), r.pipelineEndToEnd() / r.plainLoop());
    out.printf(Locale.ROOT, "%-58s %10.1f %8.2f%n", "(c) naive: model per task, batch 1", r.naive(), r.naive() / r.plainLoop());
    out.printf(Locale.ROOT, "%-58s %10.1f %8.2f%n", "(e) for reference: read + SHA-256 of the objects over s3a only", r.readAndHash(), r.readAndHash() / r.plainLoop());
    out.printf(Locale.ROOT, "(b) end to end / (c) naive: %.2f%n", r.pipelineEndToEnd() / r.naive());
    out.printf(Locale.ROOT, "(d) re-run with nothing new: %.1f s = %.0f%% of the first run (%.1f s)%n", r.rerunSeconds(),
        100 * r.rerunSeconds() / r.firstRunSeconds(), r.firstRunSeconds());
    out.printf(Locale.ROOT, "peak RSS of this process (driver + local executor): %d MB%n", r.peakRssMb());
    out.flush();
  }

  private static double plainLoop(PipelineConfig config, List<byte[]> images) {
    BackboneSpec spec = config.backbone();
    try (Backbone backbone = Backbone.open(spec, config.modelCacheDir(), new org.apache.hadoop.conf.Configuration(), Device.cpu());
        Backbone.Embedder embedder = backbone.newEmbedder()) {
      List<RgbImage> decoded = new ArrayList<>();
      for (byte[] image : images) {
        try {
          decoded.add(Resizer.resize(ImageDecoder.decode(image, config.embed().maxPixels()), spec.inputWidth(), spec.inputHeight()));
        } catch (ImageRejectedException skipped) {
          // the pipeline quarantines these; the loop has nothing to embed for them
        }
      }
      int batch = config.embed().batchSize();
      float[] inputs = new float[batch * backbone.imageSize()];
      embedder.embed(inputs, batch); // warm-up
      long start = System.nanoTime();
      for (int i = 0; i < decoded.size(); i += batch) {
        int count = Math.min(batch, decoded.size() - i);
        for (int j = 0; j < count; j++) {
          backbone.prepare(decoded.get(i + j), inputs, j);
        }
        embedder.embed(inputs, count);
      }
      return decoded.size() / ((System.nanoTime() - start) / 1e9);
    }
  }

  private static double naive(SparkSession spark, PipelineConfig config, List<String> roots) {
    BackboneSpec spec = config.backbone();
    String cacheDir = config.modelCacheDir().toString();
    long maxPixels = config.embed().maxPixels();
    long start = System.nanoTime();
    long count = ImageListing.readContent(spark, roots, config.extract().extensions()).select("content")
        .mapPartitions((MapPartitionsFunction<Row, Integer>) rows -> naivePartition(rows, spec, cacheDir, maxPixels), Encoders.INT())
        .count();
    return count / ((System.nanoTime() - start) / 1e9);
  }

  /** A fresh model for this task, one image per call: the pattern the pipeline replaces. */
  private static Iterator<Integer> naivePartition(Iterator<Row> rows, BackboneSpec spec, String cacheDir, long maxPixels) {
    List<Integer> dims = new ArrayList<>();
    try (Backbone backbone = Backbone.open(spec, Path.of(cacheDir), SparkHadoopUtil.get().newConfiguration(SparkEnv.get().conf()), Device.cpu());
        Backbone.Embedder embedder = backbone.newEmbedder()) {
      float[] input = new float[backbone.imageSize()];
      while (rows.hasNext()) {
        byte[] bytes = rows.next().getAs(0);
        try {
          backbone.prepare(ImageDecoder.decode(bytes, maxPixels), input, 0);
          dims.add(embedder.embed(input, 1)[0].length);
        } catch (ImageRejectedException e) {
          dims.add(0);
        }
      }
    }
    return dims.iterator();
  }

}
