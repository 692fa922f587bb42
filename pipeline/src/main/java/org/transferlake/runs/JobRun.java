package org.transferlake.runs;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.transferlake.config.Errors;
import org.transferlake.config.PipelineConfig;
import org.transferlake.config.TransferlakeException;
import org.transferlake.lake.Checkpoints;
import org.transferlake.lake.Lake;
import org.transferlake.lake.LakeConnection;
import org.transferlake.lake.Tables;

/** What every writing job shares: the lake lock, a {@code runs} row from start to end, named and timed steps. */
final class JobRun {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobRun.class);

    /**
     * The job's own work; it fills {@code counts} (and, for a job that runs others, {@code childRunIds})
     * as it goes, so a failed run still records them.
     */
    interface Body<T> {
        T run(String runId, Tables tables, Stages stages, Map<String, Long> counts, List<String> childRunIds);
    }

    private JobRun() {}

    static <T> T execute(SparkSession spark, PipelineConfig config, String job, int steps, Body<T> body) {
        URI root = config.lake().root();
        String runId = RunLog.newRunId(job);
        try (RunLock lock = RunLock.acquire(
                        Lake.fileSystem(spark, root),
                        root,
                        job,
                        runId,
                        Duration.ofMinutes(config.runs().lockExpiryMinutes()));
                Checkpoints checkpoints =
                        Checkpoints.forRun(spark, root, config.runs().checkpointDir(), runId)) {
            Tables tables = new Tables(spark, root, checkpoints);
            RunLog log = new RunLog(spark, tables);
            if (lock.owner().runId().equals(runId)) {
                List<String> abandoned = log.markAbandoned(runId);
                if (!abandoned.isEmpty()) {
                    LOG.warn("Runs recorded as running had died, marked abandoned: {}", abandoned);
                    checkpoints.deleteLeftBy(abandoned);
                }
            }
            RunLog.Run run = log.start(runId, job, config);
            Stages stages = new Stages(spark.sparkContext(), job, steps);
            Map<String, Long> counts = new LinkedHashMap<>();
            List<String> childRunIds = new ArrayList<>();
            try {
                T result = body.run(runId, tables, stages, counts, childRunIds);
                run.succeed(counts, stages.timings(), childRunIds);
                return result;
            } catch (Exception e) { // Spark's SparkException is checked in Java's eyes but thrown unchecked
                RuntimeException reported = lakeCause(e)
                        .<RuntimeException>map(cause -> Errors.lakeFailedDuringRun(
                                job,
                                runId,
                                LakeConnection.describeEndpoint(
                                        spark.sparkContext().hadoopConfiguration(), config.lake()),
                                cause,
                                e))
                        .or(() -> TransferlakeException.within(e).<RuntimeException>map(ours -> {
                            if (ours != e) {
                                // Ours goes to the reader; Spark's wrapper names the stage, task and executor.
                                LOG.warn("{} {} failed in a task; Spark reported:", job, runId, e);
                            }
                            return ours;
                        }))
                        .orElseGet(() ->
                                e instanceof RuntimeException runtime ? runtime : Errors.runFailed(job, runId, e));
                try {
                    run.fail(counts, stages.timings(), childRunIds, reported);
                } catch (Exception unrecorded) { // Delta throws IOExceptions unchecked, too
                    // The lake that failed the run may not take its runs row either: the run's own error matters more.
                    reported.addSuppressed(unrecorded);
                }
                throw reported;
            }
        }
    }

    /**
     * The cause of {@code e} that says the object store did not answer (after s3a's retries), if any: a
     * network failure, not a refusal (an access-denied or missing object is the store answering).
     */
    static Optional<Throwable> lakeCause(Throwable e) {
        return TransferlakeException.firstCause(
                e,
                cause -> cause instanceof java.net.ConnectException
                        || cause instanceof java.net.SocketTimeoutException
                        || cause instanceof java.net.UnknownHostException
                        || cause instanceof java.net.NoRouteToHostException);
    }
}
