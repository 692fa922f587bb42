package org.transferlake.runs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.transferlake.config.Errors;
import org.transferlake.config.PipelineConfig;
import org.transferlake.config.TransferlakeException;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;

/** Writes one row per job run to the {@code runs} table: running, then succeeded or failed. */
public final class RunLog {
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final SparkSession spark;
    private final Tables tables;

    public RunLog(SparkSession spark, Tables tables) {
        this.spark = spark;
        this.tables = tables;
    }

    /** A new run id: {@code <job>-<UTC time>-<4 hex>}, sortable by start time. */
    public static String newRunId(String job) {
        return job + "-" + ID_TIME.format(Instant.now()) + "-"
                + String.format("%04x", ThreadLocalRandom.current().nextInt(1 << 16));
    }

    /** Step timings as one line: {@code name 1.2, other 3.4} (seconds). */
    public static String describe(Map<String, Double> timings) {
        StringBuilder text = new StringBuilder();
        timings.forEach((name, seconds) -> text.append(text.length() == 0 ? "" : ", ")
                .append(name)
                .append(' ')
                .append(String.format(java.util.Locale.ROOT, "%.1f", seconds)));
        return text.toString();
    }

    /**
     * Marks {@code abandoned} every run still {@code running}: called by a run that has just taken the
     * lake lock, when no other run can be alive (every writer holds the lock), so those rows are from
     * runs that died (a killed driver, a lost machine) and would otherwise read as running forever.
     * Returns their run ids.
     */
    public List<String> markAbandoned(String byRunId) {
        Column running = col("status").equalTo("running");
        // Rows of dead runs: a handful at most, so collected.
        List<String> dead = tables.read(LakeTable.RUNS)
                .where(running)
                .select("run_id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
        if (!dead.isEmpty()) {
            tables.update(
                    LakeTable.RUNS,
                    running,
                    Map.of(
                            "status", lit("abandoned"),
                            "error", lit(Errors.runAbandoned(byRunId).getMessage())));
        }
        return dead;
    }

    /** Records the start of a run. */
    public Run start(String runId, String job, PipelineConfig config) {
        // A new run id is in no row yet: a plain append, cheaper than a MERGE.
        Row row = RowFactory.create(
                runId,
                job,
                Timestamp.from(Instant.now()),
                null,
                "running",
                Map.of(),
                Map.of(),
                config.effective(),
                null,
                null);
        tables.append(LakeTable.RUNS, spark.createDataFrame(List.of(row), LakeTable.RUNS.schema()));
        return new Run(runId, job);
    }

    private void finish(
            Run run,
            String status,
            Map<String, Long> counts,
            Map<String, Double> timings,
            List<String> childRunIds,
            String error) {
        // An UPDATE on the run id literal: Delta skips, by file statistics, every file but the one holding the running
        // row.
        tables.update(
                LakeTable.RUNS,
                col("run_id").equalTo(run.runId()),
                Map.of(
                        "ended_at",
                        lit(Timestamp.from(Instant.now())),
                        "status",
                        lit(status),
                        "counts",
                        mapLiteral(counts, "map<string,bigint>"),
                        "timings_seconds",
                        mapLiteral(timings, "map<string,double>"),
                        "error",
                        lit(error).cast("string"),
                        "child_run_ids",
                        childRunIds.isEmpty()
                                ? lit(null).cast("array<string>")
                                : functions.array(
                                        childRunIds.stream().map(functions::lit).toArray(Column[]::new))));
    }

    private static Column mapLiteral(Map<String, ?> values, String type) {
        List<Column> keysAndValues = new ArrayList<>();
        values.forEach((key, value) -> {
            keysAndValues.add(lit(key));
            keysAndValues.add(lit(value));
        });
        return functions.map(keysAndValues.toArray(Column[]::new)).cast(type);
    }

    /** A run in progress. */
    public final class Run {
        private final String runId;
        private final String job;

        private Run(String runId, String job) {
            this.runId = runId;
            this.job = job;
        }

        public String runId() {
            return runId;
        }

        public void succeed(Map<String, Long> counts, Map<String, Double> timings, List<String> childRunIds) {
            finish(this, "succeeded", counts, timings, childRunIds, null);
        }

        /**
         * Records the failure: a {@link TransferlakeException}'s message as it is, anything else (a bug, or
         * Spark or Delta failing) as {@link Errors#unexpected}.
         */
        public void fail(
                Map<String, Long> counts, Map<String, Double> timings, List<String> childRunIds, Throwable error) {
            String message = error instanceof TransferlakeException
                    ? error.getMessage()
                    : Errors.unexpected(job, runId, error).getMessage();
            finish(this, "failed", counts, timings, childRunIds, message);
        }
    }
}
