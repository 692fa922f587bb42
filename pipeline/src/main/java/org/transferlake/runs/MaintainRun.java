package org.transferlake.runs;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.transferlake.config.Errors;
import org.transferlake.config.PipelineConfig;
import org.transferlake.config.RunsConfig;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;

/**
 * {@code transferlake maintain}: Delta OPTIMIZE of every table (the runs table gains a small file on
 * every run, features one per extract), then VACUUM of the files no version younger than
 * {@code maintain.vacuum-retention-hours} needs. Readers see the same rows before and after.
 */
public final class MaintainRun {
    /** One table before and after: files in its current version, and data files stored under it. */
    public record TableResult(
            String table, long filesBefore, long filesAfter, long storedBefore, long storedAfter, long bytesAfter) {}

    public record Result(String runId, int retentionHours, List<TableResult> tables) {}

    private MaintainRun() {}

    /** @param force allow a retention below Delta's 7-day floor */
    public static Result run(SparkSession spark, PipelineConfig config, boolean force) {
        int retentionHours = config.runs().vacuumRetentionHours();
        if (retentionHours < RunsConfig.MIN_SAFE_VACUUM_RETENTION_HOURS && !force) {
            throw Errors.vacuumRetentionBelowFloor(retentionHours, RunsConfig.MIN_SAFE_VACUUM_RETENTION_HOURS);
        }
        int tables = LakeTable.values().length;
        return JobRun.execute(spark, config, "maintain", 3 * tables, (runId, lake, stages, counts, childRunIds) -> {
            List<TableResult> results = new ArrayList<>();
            for (LakeTable table : LakeTable.values()) {
                if (!lake.exists(table)) {
                    continue;
                }
                results.add(maintain(lake, table, retentionHours, force, stages));
            }
            results.forEach(r -> {
                counts.put(r.table() + ".files_before", r.filesBefore());
                counts.put(r.table() + ".files_after", r.filesAfter());
                counts.put(r.table() + ".stored_files_before", r.storedBefore());
                counts.put(r.table() + ".stored_files_after", r.storedAfter());
            });
            return new Result(runId, retentionHours, List.copyOf(results));
        });
    }

    private static TableResult maintain(
            Tables lake, LakeTable table, int retentionHours, boolean force, Stages stages) {
        // Under the lock, as every metadata commit should be: a table from an older version gains its comments.
        stages.run("comment " + table.tableName(), () -> lake.addMissingComments(table));
        Tables.Size before = lake.size(table);
        long storedBefore = lake.storedFiles(table);
        stages.run("optimize " + table.tableName(), () -> lake.optimize(table));
        stages.run(
                "vacuum " + table.tableName(),
                () -> lake.vacuum(table, retentionHours, retentionHours < RunsConfig.MIN_SAFE_VACUUM_RETENTION_HOURS));
        Tables.Size after = lake.size(table);
        return new TableResult(
                table.tableName(), before.files(), after.files(), storedBefore, lake.storedFiles(table), after.bytes());
    }
}
