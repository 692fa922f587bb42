package org.transferlake.runs;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;
import org.transferlake.testing.SharedLake;

/** The run after one whose driver died marks it abandoned and deletes the checkpoints it left in the lake. */
@Tag("spark")
class AbandonedRunTest {
    @Test
    void theNextRunMarksTheDeadOneAbandonedAndDeletesItsCheckpoints() throws Exception {
        SparkSession spark = SharedLake.get().spark();
        FileSystem fs = SharedLake.get().fileSystem();
        URI root = SharedLake.freshRoot(AbandonedRunTest.class);
        PipelineConfig config = SharedLake.get().config().withLakeRoot(root);
        Tables tables = new Tables(spark, root);
        // A cluster run that died mid-way: its row still says running, its checkpoints are still in the lake.
        new RunLog(spark, tables).start("extract-dead", "extract", config);
        Path left = new Path(root.resolve("_checkpoints/extract-dead/rdd-7/part-00000"));
        Path another = new Path(root.resolve("_checkpoints/extract-other/rdd-1/part-00000"));
        fs.create(left).close();
        fs.create(another).close();

        JobRun.execute(spark, config, "probe", 1, (runId, runTables, stages, counts, children) -> null);

        assertThat(tables.read(LakeTable.RUNS)
                        .where(col("run_id").equalTo("extract-dead"))
                        .select("status")
                        .first()
                        .getString(0))
                .isEqualTo("abandoned");
        assertThat(fs.exists(new Path(root.resolve("_checkpoints/extract-dead/"))))
                .isFalse();
        assertThat(fs.exists(another)).isTrue();
    }
}
