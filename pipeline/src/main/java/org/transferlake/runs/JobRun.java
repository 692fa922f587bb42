package org.transferlake.runs;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.Lake;
import org.transferlake.lake.Tables;

/** What every writing job shares: the lake lock, a {@code runs} row from start to end, named and timed steps. */
final class JobRun {
    /** The job's own work; it fills {@code counts} as it goes, so a failed run still records them. */
    interface Body<T> {
        T run(String runId, Tables tables, Stages stages, Map<String, Long> counts);
    }

    private JobRun() {}

    static <T> T execute(SparkSession spark, PipelineConfig config, String job, int steps, Body<T> body) {
        URI root = config.lake().root();
        Tables tables = new Tables(spark, root);
        String runId = RunLog.newRunId(job);
        try (RunLock lock = RunLock.acquire(
                Lake.fileSystem(spark, root), root, job, runId, Duration.ofMinutes(config.lockStaleAfterMinutes()))) {
            RunLog.Run run = new RunLog(spark, tables).start(runId, job, config);
            Stages stages = new Stages(spark.sparkContext(), job, steps);
            Map<String, Long> counts = new LinkedHashMap<>();
            try {
                T result = body.run(runId, tables, stages, counts);
                run.succeed(counts, stages.timings());
                return result;
            } catch (RuntimeException e) {
                run.fail(counts, stages.timings(), e);
                throw e;
            }
        }
    }
}
