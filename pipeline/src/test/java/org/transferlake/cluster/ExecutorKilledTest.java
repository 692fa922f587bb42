package org.transferlake.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.bench.ExecutorProbe;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.Lake;
import org.transferlake.runs.ExtractRun;
import org.transferlake.testing.DemoImages;

/**
 * Executor JVMs killed with SIGKILL during an extract: one right after it embedded its first images,
 * the other as the write step starts, when its block store holds embedded partitions. Spark retries
 * on the executors the worker starts in their place, and the run completes with every image embedded
 * exactly once, because on a cluster the run checkpoints into the lake: local checkpoints would lose
 * the second executor's partitions ("Checkpoint block … not found") and fail the run.
 */
@Tag("cluster")
class ExecutorKilledTest {
    private static final int IMAGES = 40;

    private static PipelineConfig config(String root, String checkpointDir) {
        return ConfigLoader.load(
                null,
                Map.of(
                        "spark.master",
                        "local-cluster[2,1,1536]",
                        "lake.root",
                        root,
                        "lake.embedded.data-dir",
                        "target/cluster-lake",
                        "embed.device",
                        "cpu",
                        "embed.batch-size",
                        "2",
                        "runs.checkpoint-dir",
                        checkpointDir,
                        "backbone.cache-dir",
                        Path.of("target/model-cache").toAbsolutePath().toString()),
                Map.of());
    }

    @Test
    void anExecutorKilledMidEmbeddingCostsRetriesNotRows() throws Exception {
        String root = "s3a://lake/tests/executor-killed-" + System.nanoTime() + "/";
        withClusterConf(() -> {
            try (Lake lake = Lake.open(config(root, "auto"))) {
                DemoImages.write(lake.fileSystem(), lake.root(), 2, 2, 5);
                Killer killer = Killer.install(lake);

                ExtractRun.Result result = ExtractRun.run(lake.spark(), lake.config(), null);

                assertThat(killer.killedAt())
                        .as("one executor killed mid-embedding, the other as the write starts")
                        .containsOnlyKeys("embed", "write features and quarantine");
                assertThat(killer.removedExecutors())
                        .containsAll(killer.killedAt().values());
                assertThat(result.embedded()).isEqualTo(IMAGES);
                List<Row> features = lake.spark()
                        .read()
                        .format("delta")
                        .load(URI.create(root).resolve("features").toString())
                        .groupBy("path")
                        .count()
                        .collectAsList();
                assertThat(features).as("one row per image").hasSize(IMAGES);
                assertThat(features.stream().map(row -> row.getLong(1)).collect(Collectors.toSet()))
                        .as("no image twice")
                        .isEqualTo(Set.of(1L));
                FileSystem fs = lake.fileSystem();
                org.apache.hadoop.fs.Path checkpoints =
                        new org.apache.hadoop.fs.Path(URI.create(root).resolve("_checkpoints/"));
                assertThat(fs.exists(checkpoints) ? fs.listStatus(checkpoints) : new Object[0])
                        .as("the run deleted its checkpoints")
                        .isEmpty();
            }
        });
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

    /** A test body that may throw. */
    private interface Body {
        void run() throws Exception;
    }

    private static void withClusterConf(Body body) throws Exception {
        Map<String, String> clusterConf = new HashMap<>();
        clusterConf.put("spark.executor.memory", "1g");
        // Small partitions: each executor runs many embedding tasks, so the kill lands mid-stage.
        clusterConf.put("spark.sql.files.maxPartitionBytes", "4k");
        clusterConf.put(
                "spark.local.dir", Path.of("target/spark-tmp").toAbsolutePath().toString());
        clusterConf.put(
                "spark.worker.dir",
                Path.of("target/spark-work").toAbsolutePath().toString());
        clusterConf.forEach(System::setProperty);
        try {
            body.run();
        } finally {
            clusterConf.keySet().forEach(System::clearProperty);
        }
    }
}
