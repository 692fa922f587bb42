package org.transferlake.runs;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.sql.Dataset;
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

  /** Step timings as one line: {@code name 1.2, other 3.4} (seconds). */
  public static String describe(Map<String, Double> timings) {
    StringBuilder text = new StringBuilder();
    timings.forEach((name, seconds) -> text.append(text.length() == 0 ? "" : ", ").append(name).append(' ')
        .append(String.format(java.util.Locale.ROOT, "%.1f", seconds)));
    return text.toString();
  }

  /** Records the start of a run. */
  public Run start(String runId, String job, PipelineConfig config) {
    Run run = new Run(runId, job, Timestamp.from(Instant.now()), config.effective());
    // A new run id is in no row yet: a plain append, cheaper than a MERGE.
    tables.append(LakeTable.RUNS, row(run, null, "running", Map.of(), Map.of(), null));
    return run;
  }

  private void finish(Run run, String status, Map<String, Long> counts, Map<String, Double> timings, String error) {
    tables.upsert(LakeTable.RUNS, row(run, Timestamp.from(Instant.now()), status, counts, timings, error), Map.of());
  }

  private Dataset<Row> row(Run run, Timestamp ended, String status, Map<String, Long> counts, Map<String, Double> timings, String error) {
    Row row = RowFactory.create(run.runId(), run.job(), run.startedAt(), ended, status, counts, timings, run.config(), error);
    return spark.createDataFrame(List.of(row), LakeTable.RUNS.schema());
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
      finish(this, "succeeded", counts, timings, null);
    }

    public void fail(Map<String, Long> counts, Map<String, Double> timings, Throwable error) {
      finish(this, "failed", counts, timings, String.valueOf(error.getMessage()));
    }
  }
}
