package org.transferlake.runs;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.transferlake.config.PipelineConfig;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;

/** Writes one row per job run to the {@code runs} table: running, then succeeded or failed. */
public final class RunLog {
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final SparkSession spark;
  private final Tables tables;

  public RunLog(SparkSession spark, Tables tables) {
    this.spark = spark;
    this.tables = tables;
  }

  /** A new run id: {@code <job>-<UTC time>-<4 hex>}, sortable by start time. */
  public static String newRunId(String job) {
    return job + "-" + ID_TIME.format(Instant.now()) + "-" + String.format("%04x", ThreadLocalRandom.current().nextInt(1 << 16));
  }

  /** Records the start of a run. */
  public Run start(String runId, String job, PipelineConfig config) {
    Run run = new Run(runId, job, Timestamp.from(Instant.now()), config.effective());
    write(run, null, "running", Map.of(), Map.of(), null);
    return run;
  }

  private void write(Run run, Timestamp ended, String status, Map<String, Long> counts, Map<String, Double> timings, String error) {
    Row row = RowFactory.create(run.runId(), run.job(), run.startedAt(), ended, status, counts, timings, run.config(), error);
    tables.upsert(LakeTable.RUNS, spark.createDataFrame(List.of(row), LakeTable.RUNS.schema()), Map.of());
  }

  /** A run in progress. */
  public final class Run {
    private final String runId;
    private final String job;
    private final Timestamp startedAt;
    private final Map<String, String> config;

    private Run(String runId, String job, Timestamp startedAt, Map<String, String> config) {
      this.runId = runId;
      this.job = job;
      this.startedAt = startedAt;
      this.config = config;
    }

    public String runId() {
      return runId;
    }

    String job() {
      return job;
    }

    Timestamp startedAt() {
      return startedAt;
    }

    Map<String, String> config() {
      return config;
    }

    public void succeed(Map<String, Long> counts, Map<String, Double> timings) {
      write(this, Timestamp.from(Instant.now()), "succeeded", counts, timings, null);
    }

    public void fail(Map<String, Long> counts, Map<String, Double> timings, Throwable error) {
      write(this, Timestamp.from(Instant.now()), "failed", counts, timings, String.valueOf(error.getMessage()));
    }
  }
}
