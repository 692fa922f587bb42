package org.transferlake.runs;

import static org.apache.spark.sql.functions.col;

import java.io.PrintStream;
import java.sql.Timestamp;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.transferlake.config.PipelineConfig;
import org.transferlake.heads.HeadRegistry;
import org.transferlake.heads.HeadTrainer;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;

/**
 * {@code transferlake nightly}: the night's work as one run under one lake lock. Extract what is new;
 * train (and promote if better) only when enough labelled features arrived since the backbone's last
 * training; score what the champion has not scored; optionally {@code maintain}. Each step is its
 * own run with its own {@code runs} row; the nightly's row lists them in {@code child_run_ids}. An
 * idle night embeds, trains and scores nothing.
 */
public final class NightlyRun {
    /**
     * What a night did. A skipped step is empty, with the reason in {@code trainSkipped} or
     * {@code scoreSkipped}.
     */
    public record Result(
            String runId,
            ExtractRun.Result extract,
            long newLabels,
            Optional<TrainRun.Result> train,
            String trainSkipped,
            Optional<ScoreRun.Result> score,
            String scoreSkipped,
            Optional<MaintainRun.Result> maintain,
            Map<String, Double> timings) {}

    private NightlyRun() {}

    /**
     * @param forceTrain train even when too few new labels arrived
     * @param progressOut where the extract's progress line goes (null: none)
     */
    public static Result run(SparkSession spark, PipelineConfig config, boolean forceTrain, PrintStream progressOut) {
        boolean maintain = config.runs().maintainNightly();
        return JobRun.execute(
                spark, config, "nightly", maintain ? 4 : 3, (runId, tables, stages, counts, childRunIds) -> {
                    ExtractRun.Result extract = stages.run("extract", () -> ExtractRun.run(spark, config, progressOut));
                    childRunIds.add(extract.runId());
                    counts.put("embedded", extract.embedded());
                    counts.put("quarantined", extract.quarantined());
                    counts.put("unchanged", extract.unchanged());

                    HeadRegistry registry = new HeadRegistry(spark, tables);
                    Optional<Timestamp> lastTrained = registry.lastTrainedAt(extract.backboneId());
                    long newLabels = newLabels(tables, extract.backboneId(), lastTrained);
                    counts.put("new_labels", newLabels);
                    int needed = config.runs().retrainMinNewLabels();
                    String trainSkipped = forceTrain || newLabels >= needed
                            ? null
                            : newLabels + " labelled rows since the last training "
                                    + lastTrained.map(Object::toString).orElse("(none yet)") + ", fewer than "
                                    + needed;
                    Optional<TrainRun.Result> train = trainSkipped != null
                            ? Optional.empty()
                            : Optional.of(stages.run("train", () -> TrainRun.run(spark, config)));
                    train.ifPresent(t -> {
                        childRunIds.add(t.runId());
                        counts.put("heads_trained", (long) t.heads().size());
                    });

                    boolean hasChampion =
                            registry.champion(extract.backboneId()).isPresent();
                    String scoreSkipped = hasChampion ? null : "no champion head for this backbone yet";
                    Optional<ScoreRun.Result> score = hasChampion
                            ? Optional.of(stages.run(
                                    "score", () -> ScoreRun.run(spark, config, Optional.empty(), Optional.empty())))
                            : Optional.empty();
                    score.ifPresent(s -> {
                        childRunIds.add(s.runId());
                        counts.put("scored", s.scored());
                    });

                    Optional<MaintainRun.Result> maintained = maintain
                            ? Optional.of(stages.run("maintain", () -> MaintainRun.run(spark, config, false)))
                            : Optional.empty();
                    maintained.ifPresent(m -> childRunIds.add(m.runId()));
                    return new Result(
                            runId,
                            extract,
                            newLabels,
                            train,
                            trainSkipped,
                            score,
                            scoreSkipped,
                            maintained,
                            stages.timings());
                });
    }

    /** Labelled rows of {@code backboneId} extracted after {@code since} (all of them when there is no training yet). */
    private static long newLabels(Tables tables, String backboneId, Optional<Timestamp> since) {
        Column after = since.map(t -> col("extracted_at").gt(t)).orElse(org.apache.spark.sql.functions.lit(true));
        return HeadTrainer.labeledFeatures(tables.read(LakeTable.FEATURES).where(after), backboneId)
                .count();
    }
}
