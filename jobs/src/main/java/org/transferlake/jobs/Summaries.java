package org.transferlake.jobs;

import java.io.PrintWriter;
import java.util.Map;
import org.transferlake.lake.Lake;
import org.transferlake.lake.LakeTable;
import org.transferlake.runs.ExtractRun;
import org.transferlake.runs.MaintainRun;
import org.transferlake.runs.NightlyRun;
import org.transferlake.runs.Progress;
import org.transferlake.runs.RunLog;
import org.transferlake.runs.ScoreRun;
import org.transferlake.runs.TrainRun;
import org.transferlake.score.PredictionExport;
import org.transferlake.source.DemoData;

/** What commands print for people: short, aligned summaries. */
final class Summaries {
    /** Where {@code report} and the demo write the report. */
    static final String REPORT = "transferlake-report.html";

    private Summaries() {}

    /** Refuses, before any work, a report path that is a directory (exit code 2). */
    static void requireReportFile(java.nio.file.Path output) {
        if (java.nio.file.Files.isDirectory(output)) {
            throw new CommonOptions.InvalidConfigException(
                    org.transferlake.config.Errors.reportOutputIsADirectory(output));
        }
    }

    /** Writes the report of the lake to {@code output}; returns its absolute path. */
    static java.nio.file.Path report(Lake lake, java.nio.file.Path output, java.nio.file.Path accuracyResults) {
        String backboneId = org.transferlake.backbone.ModelStore.configuredBackboneId(
                lake.config(), lake.spark().sparkContext().hadoopConfiguration());
        org.transferlake.report.LakeReport.Contents contents = org.transferlake.report.LakeReport.gather(
                lake.spark(),
                new org.transferlake.lake.Tables(lake.spark(), lake.root()),
                lake.root(),
                backboneId,
                accuracyResults);
        org.transferlake.report.ReportPage.write(contents, output);
        return output.toAbsolutePath();
    }

    static DemoData.Result writeDemoData(Lake lake, PrintWriter out) {
        DemoData.Plan plan = DemoData.plan(lake.config().demo(), lake.fileSystem(), lake.root());
        DemoData.Result result = Progress.track(
                "demo images",
                plan.missing().size(),
                System.err,
                done -> DemoData.write(plan, lake.fileSystem(), lake.root(), done));
        out.printf(
                "Demo data: %d images planned, %d written, %d already present (source: %s)%n",
                result.planned(),
                result.written(),
                result.alreadyPresent(),
                result.fromPackage() ? "Debian package dataset-fashion-mnist" : "bundled 10k test split");
        return result;
    }

    static ExtractRun.Result extract(Lake lake, PrintWriter out) {
        ExtractRun.Result result = ExtractRun.run(lake.spark(), lake.config(), System.err);
        printExtract(lake, result, out);
        return result;
    }

    static void plan(Lake lake, int sample, PrintWriter out) {
        long start = System.nanoTime();
        ExtractRun.Plan plan = ExtractRun.plan(lake.spark(), lake.config(), sample);
        out.printf(
                "Plan with %s: %d images listed; %d new would be embedded, %d touched would be hashed (and embedded"
                        + " if their bytes changed); nothing written (%.1f s)%n",
                plan.backboneId(), plan.listed(), plan.newPaths(), plan.touched(), (System.nanoTime() - start) / 1e9);
        plan.sample().forEach(path -> out.println("  " + path));
        long more = plan.newPaths() + plan.touched() - plan.sample().size();
        if (more > 0) {
            out.printf("  … and %d more%n", more);
        }
    }

    private static void printExtract(Lake lake, ExtractRun.Result result, PrintWriter out) {
        out.printf("Extract %s with %s%n", result.runId(), result.backboneId());
        out.printf(
                "  listed %d = embedded %d + quarantined %d + unchanged %d%n",
                result.listed(), result.embedded(), result.quarantined(), result.unchanged());
        if (result.embedded() + result.quarantined() > 0) {
            out.printf("  embedding: %.1f images/s%n", result.imagesPerSecond());
        }
        out.printf("  stages (s): %s%n", RunLog.describe(result.timings()));
        out.println(
                "  tables: " + LakeTable.FEATURES.qualifiedName() + " at " + LakeTable.FEATURES.location(lake.root())
                        + ", " + LakeTable.QUARANTINE.qualifiedName() + ", " + LakeTable.RUNS.qualifiedName());
        out.flush();
    }

    static TrainRun.Result train(Lake lake, PrintWriter out) {
        TrainRun.Result result = TrainRun.run(lake.spark(), lake.config());
        printTrain(result, out);
        return result;
    }

    private static void printTrain(TrainRun.Result result, PrintWriter out) {
        out.printf(
                "Train %s on %s: %d training / %d held-out images (%s)%n",
                result.runId(), result.backboneId(), result.trainRows(), result.testRows(), result.splitStrategy());
        for (TrainRun.TrainedHead head : result.heads()) {
            out.printf(
                    java.util.Locale.ROOT,
                    "  %-42s %-20s test accuracy %.4f  macro-F1 %.4f  log-loss %.4f%n",
                    head.headId(),
                    head.algorithm(),
                    head.metrics().accuracy(),
                    head.metrics().macroF1(),
                    head.metrics().logLoss());
            out.println("    chosen on a validation split of the training images: " + choices(head.params()));
        }
        String previous = result.previousChampionAccuracy().isPresent()
                ? String.format(
                        java.util.Locale.ROOT,
                        " (previous champion on the same held-out set: %.4f)",
                        result.previousChampionAccuracy().getAsDouble())
                : "";
        out.printf("  decision: %s; champion %s%s%n", result.decision(), result.championId(), previous);
        out.flush();
    }

    /** What a head chose for itself, as recorded in its params. */
    private static String choices(java.util.Map<String, String> params) {
        if (params.containsKey("temperature")) {
            return String.format(
                    java.util.Locale.ROOT,
                    "layers %s, %s iterations, temperature %.3f, %s (validation log-loss %.4f, uncalibrated %.4f)",
                    params.get("layers"),
                    params.get("iterations"),
                    Double.parseDouble(params.get("temperature")),
                    params.get("calibration"),
                    Double.parseDouble(params.get("validation_log_loss")),
                    Double.parseDouble(params.get("validation_log_loss_uncalibrated")));
        }
        return "reg_param " + params.get("reg_param") + " of " + params.get("reg_param_sweep");
    }

    static ScoreRun.Result score(
            Lake lake, java.util.Optional<String> head, java.util.Optional<PredictionExport> export, PrintWriter out) {
        ScoreRun.Result result = ScoreRun.run(lake.spark(), lake.config(), head, export);
        printScore(lake, result, out);
        return result;
    }

    private static void printScore(Lake lake, ScoreRun.Result result, PrintWriter out) {
        out.printf(
                "Score %s with %s: %d scored, %d already scored%s%n",
                result.runId(),
                result.headId(),
                result.scored(),
                result.alreadyScored(),
                result.exported().map(uri -> "; exported to " + uri).orElse(""));
        out.println("  table: " + LakeTable.PREDICTIONS.qualifiedName() + " at "
                + LakeTable.PREDICTIONS.location(lake.root()));
        out.flush();
    }

    static NightlyRun.Result nightly(Lake lake, boolean forceTrain, PrintWriter out) {
        NightlyRun.Result result = NightlyRun.run(lake.spark(), lake.config(), forceTrain, System.err);
        out.printf("Nightly %s%n", result.runId());
        printExtract(lake, result.extract(), out);
        out.printf("%d new labelled rows since the last training%n", result.newLabels());
        result.train()
                .ifPresentOrElse(
                        train -> printTrain(train, out), () -> out.println("Train skipped: " + result.trainSkipped()));
        result.score()
                .ifPresentOrElse(
                        score -> printScore(lake, score, out),
                        () -> out.println("Score skipped: " + result.scoreSkipped()));
        result.maintain().ifPresent(maintain -> printMaintain(maintain, out));
        out.printf("Nightly stages (s): %s%n", RunLog.describe(result.timings()));
        out.flush();
        return result;
    }

    static MaintainRun.Result maintain(Lake lake, boolean force, PrintWriter out) {
        MaintainRun.Result result = MaintainRun.run(lake.spark(), lake.config(), force);
        printMaintain(result, out);
        return result;
    }

    private static void printMaintain(MaintainRun.Result result, PrintWriter out) {
        out.printf(
                "Maintain %s (OPTIMIZE, then VACUUM of files older than %d hours)%n",
                result.runId(), result.retentionHours());
        out.printf("  %-12s %18s %24s %12s%n", "table", "files in version", "data files stored", "MB");
        for (MaintainRun.TableResult table : result.tables()) {
            out.printf(
                    java.util.Locale.ROOT,
                    "  %-12s %8d -> %-7d %11d -> %-9d %12.1f%n",
                    table.table(),
                    table.filesBefore(),
                    table.filesAfter(),
                    table.storedBefore(),
                    table.storedAfter(),
                    table.bytesAfter() / 1e6);
        }
        out.flush();
    }

    static void printObjects(Lake lake, PrintWriter out) {
        Map<String, Map<String, Long>> counts = DemoData.countObjects(lake.fileSystem(), lake.root());
        out.println("Objects under " + lake.root().resolve(DemoData.IMAGES_PREFIX) + ":");
        counts.forEach((split, perClass) -> {
            long total = perClass.values().stream().mapToLong(Long::longValue).sum();
            out.printf("  %-5s %6d images in %d classes %s%n", split, total, perClass.size(), perClass);
        });
        out.flush();
    }
}
