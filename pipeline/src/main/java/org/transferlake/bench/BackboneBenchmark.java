package org.transferlake.bench;

import ai.djl.Device;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.transferlake.backbone.Backbone;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.Errors;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.LakeConnection;

/**
 * {@code transferlake bench backbone}: images/s of the configured backbone per batch size, with
 * oneDNN on and off, and each process's peak RSS. Each setting runs in a fresh child JVM, since
 * TensorFlow reads {@code TF_ENABLE_ONEDNN_OPTS} once at start; ratios are against batch 1 with
 * oneDNN off, measured in the same run.
 */
public final class BackboneBenchmark {
    private static final Pattern RESULT = Pattern.compile("batch=(\\d+) images_per_second=([0-9.]+)");
    private static final Pattern PEAK = Pattern.compile("peak_rss_mb=(\\d+)");

    /** One child's measurements. */
    record Run(String onednn, Map<Integer, Double> imagesPerSecond, long peakRssMb) {}

    private BackboneBenchmark() {}

    /** Runs both settings and prints the table to {@code out}. */
    public static void run(PipelineConfig config, List<Integer> batchSizes, int imagesPerBatchSize, PrintWriter out) {
        List<Run> runs = new ArrayList<>();
        for (String onednn : List.of("0", "1")) {
            out.printf("Measuring with TF_ENABLE_ONEDNN_OPTS=%s ...%n", onednn);
            out.flush();
            runs.add(child(config, onednn, batchSizes, imagesPerBatchSize));
        }
        double baseline = runs.get(0).imagesPerSecond().get(batchSizes.get(0));
        out.printf(
                "%nBackbone %s, %d images per batch size, %d cores; "
                        + "ratio = images/s ÷ (batch %d, oneDNN off) = %.1f img/s%n",
                config.backbone().name(),
                imagesPerBatchSize,
                Runtime.getRuntime().availableProcessors(),
                batchSizes.get(0),
                baseline);
        out.printf("%-7s %18s %8s %18s %8s%n", "batch", "oneDNN off img/s", "ratio", "oneDNN on img/s", "ratio");
        for (int batch : batchSizes) {
            double off = runs.get(0).imagesPerSecond().get(batch);
            double on = runs.get(1).imagesPerSecond().get(batch);
            out.printf(Locale.ROOT, "%-7d %18.1f %8.2f %18.1f %8.2f%n", batch, off, off / baseline, on, on / baseline);
        }
        out.printf(
                "peak RSS (whole process): oneDNN off %d MB, on %d MB%n",
                runs.get(0).peakRssMb(), runs.get(1).peakRssMb());
        out.flush();
    }

    private static Run child(PipelineConfig config, String onednn, List<Integer> batchSizes, int images) {
        List<String> command = new ArrayList<>();
        command.add(String.valueOf(images));
        command.add(batchSizes.stream()
                .map(String::valueOf)
                .reduce((a, b) -> a + "," + b)
                .orElseThrow());
        // Secrets are masked in the effective config: the child reads them from the inherited environment.
        config.effective().forEach((key, value) -> {
            if (key.startsWith("backbone.")
                    || (key.startsWith("lake.") && !ConfigLoader.SECRET_ENVIRONMENT.containsKey(key))) {
                command.add(key + "=" + value);
            }
        });
        try {
            Path log = Files.createTempFile("transferlake-bench-", ".log");
            ProcessBuilder builder = JavaCommand.onThisClasspath(
                            "2g", List.of(), Map.of(), BackboneBenchmark.class.getName(), command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("TF_ENABLE_ONEDNN_OPTS", onednn);
            builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
            Process process = builder.start();
            if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw Errors.benchmarkProcessFailed(log);
            }
            String output = Files.readString(log);
            Files.delete(log);
            Map<Integer, Double> perBatch = new LinkedHashMap<>();
            Matcher result = RESULT.matcher(output);
            while (result.find()) {
                perBatch.put(Integer.parseInt(result.group(1)), Double.parseDouble(result.group(2)));
            }
            Matcher peak = PEAK.matcher(output);
            return new Run(onednn, perBatch, peak.find() ? Long.parseLong(peak.group(1)) : -1);
        } catch (IOException e) {
            throw Errors.benchmarkLogFailed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Errors.interrupted("benchmark the backbone", e);
        }
    }

    /** The measuring child: {@code <images> <batch,sizes> backbone.key=value...}. */
    public static void main(String[] args) throws IOException {
        int images = Integer.parseInt(args[0]);
        Map<String, String> overrides = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            overrides.put(pair[0], pair[1]);
        }
        PipelineConfig config = ConfigLoader.load(null, overrides, System.getenv());
        // An external lake's s3a settings, so a backbone at an s3a:// URI there is read as jobs read it.
        Configuration hadoop = LakeConnection.external(config.lake()).hadoopConfiguration();
        int maxBatch = Arrays.stream(args[1].split(","))
                .mapToInt(Integer::parseInt)
                .max()
                .orElse(1);
        try (Backbone backbone = Backbone.open(config.backbone(), config.modelCacheDir(), hadoop, Device.cpu());
                Backbone.Embedder embedder = backbone.newEmbedder(1)) {
            // The backbone call alone: random tensors, no decoding or resizing.
            float[] batch = new float[maxBatch * backbone.imageSize()];
            Random random = new Random(1);
            for (int i = 0; i < batch.length; i++) {
                batch[i] = random.nextFloat();
            }
            embedder.embed(batch, maxBatch);
            for (String size : args[1].split(",")) {
                int batchSize = Integer.parseInt(size);
                embedder.embed(batch, batchSize);
                int rounds = Math.max(1, images / batchSize);
                long start = System.nanoTime();
                for (int r = 0; r < rounds; r++) {
                    embedder.embed(batch, batchSize);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(
                        Locale.ROOT, "batch=%d images_per_second=%.2f%n", batchSize, rounds * batchSize / seconds);
            }
        }
        System.out.println("peak_rss_mb=" + peakRssMb());
    }

    /** Peak resident memory (VmHWM) of this process in MB, from /proc; -1 where there is none. */
    public static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
