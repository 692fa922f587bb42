package org.transferlake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.testing.SharedLake;

/** Reliable checkpoints in a directory of the run's own, removed at its end or by the run after a dead one. */
@Tag("spark")
class CheckpointsTest {
    private final SparkSession spark = SharedLake.get().spark();
    private final FileSystem fs = SharedLake.get().fileSystem();

    @Test
    void aRunKeepsRowsInItsOwnDirectoryAndDeletesItAtItsEnd() throws Exception {
        URI root = SharedLake.freshRoot(CheckpointsTest.class);
        URI configured = root.resolve("checkpoints");
        Path mine = new Path(root.resolve("checkpoints/extract-1/"));

        try (Checkpoints checkpoints = Checkpoints.forRun(spark, root, configured.toString(), "extract-1")) {
            Dataset<Row> kept = checkpoints.keep(spark.range(100).toDF());
            String directory = spark.sparkContext().getCheckpointDir().get();
            checkpoints.keep(spark.range(10).toDF());

            assertThat(kept.count()).isEqualTo(100);
            assertThat(fs.listStatus(mine)).isNotEmpty();
            // A second keep does not move the context's directory (Spark's own subdirectory under ours).
            assertThat(spark.sparkContext().getCheckpointDir().get())
                    .isEqualTo(directory)
                    .startsWith(fs.makeQualified(mine) + "/");
        }
        assertThat(fs.exists(mine)).isFalse();
    }

    @Test
    void theRunAfterADeadOneDeletesWhatTheDeadOneLeftAndNothingElse() throws Exception {
        URI root = SharedLake.freshRoot(CheckpointsTest.class);
        Path dead = new Path(root.resolve("_checkpoints/extract-dead/rdd-3/part-00000"));
        Path other = new Path(root.resolve("_checkpoints/extract-other/rdd-1/part-00000"));
        fs.create(dead).close();
        fs.create(other).close();

        try (Checkpoints checkpoints =
                Checkpoints.forRun(spark, root, root.resolve("_checkpoints/").toString(), "extract-now")) {
            checkpoints.deleteLeftBy(List.of("extract-dead", "extract-never-checkpointed"));
        }

        assertThat(fs.exists(dead.getParent().getParent())).isFalse();
        assertThat(fs.exists(other)).isTrue();
    }
}
