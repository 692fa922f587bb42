package org.transferlake.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.bench.ExecutorProbe;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.DeviceMode;
import org.transferlake.config.PipelineConfig;
import org.transferlake.embed.DeviceChoice;
import org.transferlake.embed.ExecutorModels;
import org.transferlake.lake.Lake;
import org.transferlake.runs.ExtractRun;
import org.transferlake.testing.DemoImages;

/**
 * Executors in separate JVMs ({@code local-cluster[2,1,…]}), each with a faked GPU from a
 * discovery script: extract gives the same embeddings as {@code local[2]}, each executor loads the
 * model once, and tasks see their assigned GPU.
 */
@Tag("cluster")
class ClusterExtractTest {
    @TempDir
    Path dir;

    private static PipelineConfig config(String master, String root) {
        return ConfigLoader.load(
                null,
                Map.of(
                        "spark.master",
                        master,
                        "lake.root",
                        root,
                        "lake.embedded.data-dir",
                        "target/cluster-lake",
                        "embed.device",
                        "cpu",
                        "embed.batch-size",
                        "4",
                        "backbone.cache-dir",
                        Path.of("target/model-cache").toAbsolutePath().toString()),
                Map.of());
    }

    @Test
    void clusterRunEqualsLocalRunWithOneModelLoadPerExecutor() throws Exception {
        Path script = dir.resolve("fake-gpu.sh");
        Files.writeString(script, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"0\"]}'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> clusterConf = new HashMap<>();
        clusterConf.put("spark.executor.memory", "1g");
        clusterConf.put("spark.sql.files.maxPartitionBytes", "8m");
        clusterConf.put("spark.worker.resource.gpu.amount", "1");
        clusterConf.put("spark.worker.resource.gpu.discoveryScript", script.toString());
        clusterConf.put("spark.executor.resource.gpu.amount", "1");
        clusterConf.put("spark.executor.resource.gpu.discoveryScript", script.toString());
        clusterConf.put("spark.task.resource.gpu.amount", "1");
        clusterConf.put(
                "spark.local.dir", Path.of("target/spark-tmp").toAbsolutePath().toString());
        clusterConf.put(
                "spark.worker.dir",
                Path.of("target/spark-work").toAbsolutePath().toString());

        Map<String, float[]> onCluster;
        Map<String, String> loadsPerExecutor;
        Map<String, String> devices;
        String clusterRoot = "s3a://lake/tests/cluster-" + System.nanoTime() + "/";
        clusterConf.forEach(System::setProperty);
        try (Lake lake = Lake.open(config("local-cluster[2,1,1536]", clusterRoot))) {
            writeDemoImages(lake);
            ExtractRun.Result result = ExtractRun.run(lake.spark(), lake.config(), null);
            assertThat(result.embedded()).isEqualTo(30);
            assertThat(lake.spark().sparkContext().getExecutorMemoryStatus().size())
                    .as("driver + 2 executors")
                    .isEqualTo(3);
            onCluster = embeddings(lake, clusterRoot);
            // Many small tasks, so every executor JVM reports its own counter.
            loadsPerExecutor = ExecutorProbe.ask(lake.spark(), () -> String.valueOf(ExecutorModels.loadsInThisJvm()));
            devices = ExecutorProbe.ask(
                    lake.spark(),
                    () -> DeviceChoice.forCurrentTask(DeviceMode.AUTO).toString());
        } finally {
            clusterConf.keySet().forEach(System::clearProperty);
        }

        assertThat(loadsPerExecutor)
                .as("30 images in 15 tasks over 2 executors: loads per executor")
                .isEqualTo(Map.of("0", "1", "1", "1"));
        assertThat(devices)
                .as("auto picks the GPU Spark assigned, on each executor")
                .isEqualTo(Map.of("0", "gpu(0)", "1", "gpu(0)"));

        String localRoot = "s3a://lake/tests/local-" + System.nanoTime() + "/";
        Map<String, float[]> local;
        try (Lake lake = Lake.open(config("local[2]", localRoot))) {
            writeDemoImages(lake);
            ExtractRun.run(lake.spark(), lake.config(), null);
            local = embeddings(lake, localRoot);
        }
        assertThat(onCluster.keySet()).hasSize(30).isEqualTo(local.keySet());
        onCluster.forEach((path, embedding) -> {
            float[] expected = local.get(path);
            for (int i = 0; i < embedding.length; i++) {
                assertThat(embedding[i]).as(path).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-4f));
            }
        });
    }

    private static void writeDemoImages(Lake lake) {
        DemoImages.write(lake.fileSystem(), lake.root(), 2, 1, 11);
    }

    /** Embeddings by path relative to the root. */
    private static Map<String, float[]> embeddings(Lake lake, String root) {
        Map<String, float[]> out = new TreeMap<>();
        for (Row row : lake.spark()
                .read()
                .format("delta")
                .load(URI.create(root).resolve("features").toString())
                .select("path", "embedding")
                .collectAsList()) {
            List<Float> values = row.getList(1);
            float[] embedding = new float[values.size()];
            for (int i = 0; i < embedding.length; i++) {
                embedding[i] = values.get(i);
            }
            out.put(row.getString(0).substring(root.length()), embedding);
        }
        return out;
    }
}
