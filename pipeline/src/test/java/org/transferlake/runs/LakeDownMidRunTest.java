package org.transferlake.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.PipelineConfig;
import org.transferlake.config.TransferlakeException;
import org.transferlake.lake.EmbeddedS3Server;
import org.transferlake.lake.Lake;
import org.transferlake.lake.LakeTable;
import org.transferlake.testing.DemoImages;
import org.transferlake.testing.SharedLake;

/**
 * The object store stops mid-embedding (the embedded server is killed once the first images are
 * embedded): the run fails within seconds, naming the endpoint; no table gets a version of it; and
 * once the server is back on the same port, a re-run embeds everything.
 */
@Tag("spark")
class LakeDownMidRunTest {
    @Test
    void aLakeThatStopsAnsweringFailsTheRunCleanlyAndARerunCompletes() throws Exception {
        Lake lake = SharedLake.get();
        SparkSession spark = lake.spark();
        URI root = SharedLake.freshRoot(LakeDownMidRunTest.class);
        DemoImages.write(lake.fileSystem(), root, 2, 1, 3);
        PipelineConfig config = ConfigLoader.load(
                null,
                Map.of(
                        "lake.root",
                        root.toString(),
                        "lake.embedded.data-dir",
                        "target/test-lake",
                        "embed.batch-size",
                        "2",
                        // One image per task, so the server dies with most of the embedding still to do.
                        "embed.images-per-task",
                        "1",
                        "backbone.cache-dir",
                        Path.of("target/model-cache").toAbsolutePath().toString()),
                Map.of());
        EmbeddedS3Server server = lake.server().orElseThrow();
        String endpoint = server.endpoint();
        ServerKiller killer = new ServerKiller(server);
        spark.sparkContext().addSparkListener(killer);
        long failedAt;
        try {
            assertThatThrownBy(() -> ExtractRun.run(spark, config, null))
                    .isInstanceOf(TransferlakeException.class)
                    .hasMessageStartingWith("Cannot finish extract run extract-")
                    .hasMessageContaining(": the lake at " + endpoint + " stopped answering (")
                    .hasMessageEndingWith("No table got a partial version. Run it again once the object store is"
                            + " back: it resumes where this run stopped.");
            failedAt = System.nanoTime();
        } finally {
            spark.sparkContext().removeSparkListener(killer);
            // Later tests share this server: it comes back on the same port and data, whatever happened.
            if (killer.killedAt() == 0) {
                server.close();
            }
            EmbeddedS3Server.start(
                    Path.of("target/test-lake"),
                    URI.create(endpoint).getPort(),
                    lake.config().lake().bucket());
        }
        assertThat(killer.killedAt()).as("killed mid-embedding").isPositive();
        double secondsToFail = (failedAt - killer.killedAt()) / 1e9;
        assertThat(secondsToFail).as("bounded retries, not s3a's minutes").isLessThan(60);

        for (LakeTable table : List.of(LakeTable.FEATURES, LakeTable.QUARANTINE)) {
            String location = table.location(root).toString();
            assertThat(spark.read().format("delta").load(location).count())
                    .as(table + " rows")
                    .isZero();
            assertThat(DeltaTable.forPath(spark, location)
                            .history()
                            .select("operation")
                            .as(org.apache.spark.sql.Encoders.STRING())
                            .collectAsList())
                    .as(table + " versions")
                    .containsOnly("CREATE TABLE");
        }

        // The failed run could not delete its lock. What the next run does once the lock's heartbeat has been
        // silent for runs.lock-expiry-minutes (RunLockTest), here without waiting for it:
        assertThat(lake.fileSystem()
                        .delete(new org.apache.hadoop.fs.Path(root.resolve("_transferlake/run.lock")), false))
                .as("the failed run's lock is left")
                .isTrue();
        ExtractRun.Result rerun = ExtractRun.run(spark, config, null);

        assertThat(rerun.embedded()).isEqualTo(30);
        List<Row> runs = spark.read()
                .format("delta")
                .load(LakeTable.RUNS.location(root).toString())
                .orderBy("started_at")
                .select("status")
                .collectAsList();
        assertThat(runs.stream().map(row -> row.getString(0)).toList())
                .as("the dead run's row, then the re-run's")
                .containsExactly("abandoned", "succeeded");
        System.out.printf("lake down mid-run: failed %.1f s after the server stopped%n", secondsToFail);
    }

    /** Stops the server when the first embedding task succeeds. */
    private static final class ServerKiller extends SparkListener {
        private final EmbeddedS3Server server;
        private final Set<Integer> embedStages = ConcurrentHashMap.newKeySet();
        private final AtomicLong killedAt = new AtomicLong();

        ServerKiller(EmbeddedS3Server server) {
            this.server = server;
        }

        @Override
        public void onJobStart(SparkListenerJobStart job) {
            String description = job.properties().getProperty("spark.job.description", "");
            if (description.startsWith("extract") && description.endsWith(" embed")) {
                job.stageIds().foreach(id -> embedStages.add((Integer) id));
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd task) {
            if (embedStages.contains(task.stageId()) && killedAt.compareAndSet(0, -1)) {
                server.close();
                killedAt.set(System.nanoTime());
            }
        }

        long killedAt() {
            return Math.max(0, killedAt.get());
        }
    }
}
