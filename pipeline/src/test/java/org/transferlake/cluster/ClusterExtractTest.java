package org.transferlake.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
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
 * Extract with executors in separate JVMs ({@code local-cluster[2,1,…]}), each with a faked GPU from
 * a discovery script, on one session (executor JVMs take most of a minute to start here):
 *
 * <ol>
 *   <li>the embeddings equal those of {@code local[2]}, each executor loads the model once, and tasks
 *       see their assigned GPU;
 *   <li>executor JVMs killed with SIGKILL during an extract, one right after it embedded its first
 *       images and the other as the write step starts (when its block store holds embedded
 *       partitions), cost retries, not rows: the run completes with every image embedded once,
 *       because on a cluster the run checkpoints into the lake. Local checkpoints would lose the
 *       second executor's partitions ("Checkpoint block … not found") and fail the run.
 * </ol>
 */
@Tag("cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterExtractTest {
    @TempDir
    static Path dir;

    private static final Map<String, String> CLUSTER_CONF = new HashMap<>();
    private static Map<String, float[]> local;
    private static Lake cluster;

    private static PipelineConfig config(String master, String root, int imagesPerTask) {
        return ConfigLoader.load(
                null,
                Map.of(
                        "embed.images-per-task",
                        String.valueOf(imagesPerTask),
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

    @BeforeAll
    static void localEmbeddingsThenTheCluster() throws Exception {
        String localRoot = "s3a://lake/tests/local-" + System.nanoTime() + "/";
        try (Lake lake = Lake.open(config("local[2]", localRoot, 2))) {
            writeDemoImages(lake);
            ExtractRun.run(lake.spark(), lake.config(), null);
            local = embeddings(lake, localRoot);
        }

        Path script = dir.resolve("fake-gpu.sh");
        Files.writeString(script, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"0\"]}'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        CLUSTER_CONF.put("spark.executor.memory", "1g");
        CLUSTER_CONF.put("spark.worker.resource.gpu.amount", "1");
        CLUSTER_CONF.put("spark.worker.resource.gpu.discoveryScript", script.toString());
        CLUSTER_CONF.put("spark.executor.resource.gpu.amount", "1");
        CLUSTER_CONF.put("spark.executor.resource.gpu.discoveryScript", script.toString());
        CLUSTER_CONF.put("spark.task.resource.gpu.amount", "1");
        CLUSTER_CONF.put(
                "spark.local.dir", Path.of("target/spark-tmp").toAbsolutePath().toString());
        CLUSTER_CONF.put(
                "spark.worker.dir",
                Path.of("target/spark-work").toAbsolutePath().toString());
        CLUSTER_CONF.forEach(System::setProperty);
        cluster =
                Lake.open(config("local-cluster[2,1,1536]", "s3a://lake/tests/cluster-" + System.nanoTime() + "/", 2));
    }

    @AfterAll
    static void stopTheCluster() {
        try {
            if (cluster != null) {
                cluster.close();
            }
        } finally {
            CLUSTER_CONF.keySet().forEach(System::clearProperty);
        }
    }

    @Test
    @Order(1)
    void clusterRunEqualsLocalRunWithOneModelLoadPerExecutor() {
        writeDemoImages(cluster);
        ExtractRun.Result result = ExtractRun.run(cluster.spark(), cluster.config(), null);
        assertThat(result.embedded()).isEqualTo(30);
        assertThat(cluster.spark().sparkContext().getExecutorMemoryStatus().size())
                .as("driver + 2 executors")
                .isEqualTo(3);
        Map<String, float[]> onCluster = embeddings(cluster, cluster.root().toString());
        // Many small tasks, so every executor JVM reports its own counter.
        Map<String, String> loadsPerExecutor =
                ExecutorProbe.ask(cluster.spark(), () -> String.valueOf(ExecutorModels.loadsInThisJvm()));
        Map<String, String> devices = ExecutorProbe.ask(
                cluster.spark(),
                () -> DeviceChoice.forCurrentTask(DeviceMode.AUTO).toString());

        assertThat(loadsPerExecutor)
                .as("30 images in 16 tasks over 2 executors: loads per executor")
                .isEqualTo(Map.of("0", "1", "1", "1"));
        assertThat(devices)
                .as("auto picks the GPU Spark assigned, on each executor")
                .isEqualTo(Map.of("0", "gpu(0)", "1", "gpu(0)"));
        assertThat(onCluster.keySet()).hasSize(30).isEqualTo(local.keySet());
        onCluster.forEach((path, embedding) -> {
            float[] expected = local.get(path);
            for (int i = 0; i < embedding.length; i++) {
                assertThat(embedding[i]).as(path).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-4f));
            }
        });
    }

    @Test
    @Order(2)
    void executorsKilledMidRunCostRetriesNotRows() throws Exception {
        String root = "s3a://lake/tests/executor-killed-" + System.nanoTime() + "/";
        // One image per task: each executor runs many embedding tasks, so the first kill lands mid-stage.
        PipelineConfig config = config("local-cluster[2,1,1536]", root, 1);
        FileSystem fs = cluster.fileSystem();
        DemoImages.write(fs, URI.create(root), 2, 1, 5);
        Killer killer = Killer.install(cluster);
        try {
            ExtractRun.Result result = ExtractRun.run(cluster.spark(), config, null);

            assertThat(killer.killedAt())
                    .as("one executor killed mid-embedding, the other as the write starts")
                    .containsOnlyKeys("embed", "write features and quarantine");
            assertThat(killer.removedExecutors()).containsAll(killer.killedAt().values());
            assertThat(result.embedded()).isEqualTo(30);
        } finally {
            cluster.spark().sparkContext().removeSparkListener(killer);
        }
        List<Row> features = cluster.spark()
                .read()
                .format("delta")
                .load(URI.create(root).resolve("features").toString())
                .groupBy("path")
                .count()
                .collectAsList();
        assertThat(features).as("one row per image").hasSize(30);
        assertThat(features.stream().map(row -> row.getLong(1)).collect(Collectors.toSet()))
                .as("no image twice")
                .isEqualTo(Set.of(1L));
        org.apache.hadoop.fs.Path checkpoints =
                new org.apache.hadoop.fs.Path(URI.create(root).resolve("_checkpoints/"));
        assertThat(fs.exists(checkpoints) ? fs.listStatus(checkpoints) : new Object[0])
                .as("the run deleted its checkpoints")
                .isEmpty();
    }

    /**
     * Kills, with SIGKILL, one of the run's first executors when the first embedding task succeeds, and
     * another when the write step starts.
     */
    private static final class Killer extends SparkListener {
        private static final String WRITE = "write features and quarantine";
        private final Map<String, String> pids;
        private final Set<Integer> embedStages = ConcurrentHashMap.newKeySet();
        private final Set<String> removed = ConcurrentHashMap.newKeySet();
        private final Map<String, String> killedAt = new ConcurrentHashMap<>();

        private Killer(Map<String, String> pids) {
            this.pids = new ConcurrentHashMap<>(pids);
        }

        static Killer install(Lake lake) {
            Killer killer = new Killer(ExecutorProbe.ask(
                    lake.spark(), () -> String.valueOf(ProcessHandle.current().pid())));
            assertThat(killer.pids).as("two executor JVMs").hasSize(2);
            lake.spark().sparkContext().addSparkListener(killer);
            return killer;
        }

        @Override
        public void onJobStart(SparkListenerJobStart job) {
            String description = job.properties().getProperty("spark.job.description", "");
            if (description.startsWith("extract") && description.endsWith(" embed")) {
                job.stageIds().foreach(id -> embedStages.add((Integer) id));
            }
            if (description.startsWith("extract") && description.endsWith(" " + WRITE)) {
                pids.keySet().stream().findFirst().ifPresent(executor -> kill(WRITE, executor));
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd task) {
            String executor = task.taskInfo().executorId();
            if (embedStages.contains(task.stageId()) && task.taskInfo().successful() && pids.containsKey(executor)) {
                kill("embed", executor);
            }
        }

        private synchronized void kill(String stage, String executor) {
            if (killedAt.containsKey(stage) || !pids.containsKey(executor)) {
                return;
            }
            ProcessHandle.of(Long.parseLong(pids.remove(executor))).ifPresent(ProcessHandle::destroyForcibly);
            killedAt.put(stage, executor);
        }

        @Override
        public void onExecutorRemoved(SparkListenerExecutorRemoved executor) {
            removed.add(executor.executorId());
        }

        /** Executor killed, by the stage it was killed in. */
        Map<String, String> killedAt() {
            return Map.copyOf(killedAt);
        }

        Set<String> removedExecutors() {
            return removed;
        }
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
