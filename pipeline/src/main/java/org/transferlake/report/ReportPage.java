package org.transferlake.report;

import static org.transferlake.query.ResultFormat.escape;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.transferlake.config.Errors;
import org.transferlake.heads.HeadRecord;
import org.transferlake.query.ChartImages;
import org.transferlake.runs.RunLog;

/**
 * The report as one self-contained HTML file: the charts are PNGs inside it (data URIs) and every chart
 * has its numbers in a table beside it, so the file can be mailed, attached to a ticket or opened
 * offline. No script runs in it.
 */
public final class ReportPage {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 480;

    private static final String STYLE = "body{font-family:sans-serif;margin:2em auto;max-width:960px;color:#222}"
            + "h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}"
            + "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 8px;"
            + "font-size:.85em}th{background:#f4f4f4}td.n{text-align:right}img{max-width:100%}"
            + "code{background:#f4f4f4;padding:0 3px}.empty{color:#777;font-style:italic}";

    /** Oldest first; a run without a start (written by hand) before all. */
    static final java.util.Comparator<LakeReport.Run> BY_START = java.util.Comparator.comparing(
            LakeReport.Run::startedAt, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder()));

    private ReportPage() {}

    /** Writes the report of {@code contents} to {@code file}, creating its folder. */
    public static void write(LakeReport.Contents contents, Path file) {
        try {
            LearningCurve.createParent(file);
            Files.writeString(file, html(contents), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Errors.reportUnwritable(file, e);
        }
    }

    /** The report's HTML. */
    public static String html(LakeReport.Contents contents) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>transferlake report</title><style>")
                .append(STYLE)
                .append("</style></head><body>\n<h1>transferlake report</h1>\n<p>Lake <code>")
                .append(escape(contents.root().toString()))
                .append("</code>, backbone <code>")
                .append(escape(contents.backboneId()))
                .append("</code>, made ")
                .append(escape(contents.generatedAt().toString()))
                .append(".</p>\n");
        html.append(table(
                "table-rows",
                List.of("table", "rows"),
                contents.rows().entrySet().stream()
                        .map(entry -> List.of(entry.getKey(), Long.toString(entry.getValue())))
                        .toList()));
        champion(html, contents);
        learningCurves(html, contents);
        runs(html, contents.runs());
        quarantine(html, contents);
        projection(html, contents);
        return html.append("</body></html>\n").toString();
    }

    private static void champion(StringBuilder html, LakeReport.Contents contents) {
        html.append("<h2 id=\"champion\">Champion head</h2>\n");
        if (contents.champion().isEmpty()) {
            empty(html, "No champion for this backbone yet: run transferlake train (or nightly).");
            return;
        }
        HeadRecord head = contents.champion().get();
        html.append(String.format(
                Locale.ROOT,
                "<p><code>%s</code> (%s), trained on %d rows, held out %d: accuracy %.4f, macro F1 %.4f, log loss"
                        + " %.4f.</p>%n",
                escape(head.headId()),
                escape(java.util.Objects.toString(head.algorithm(), "")),
                head.trainRows(),
                head.testRows(),
                head.accuracy(),
                head.macroF1(),
                head.logLoss()));
        if (!ReportCharts.confusionMatchesLabels(head)) {
            empty(
                    html,
                    "The champion's confusion matrix does not match its labels (a row written by hand?): not drawn.");
            return;
        }
        figure(html, ReportCharts.confusion(head), "Held-out confusion matrix: rows are the true label.");
        List<String> header = new ArrayList<>(List.of("true \\ predicted"));
        header.addAll(head.labels());
        List<List<String>> cells = new ArrayList<>();
        for (int truth = 0; truth < head.labels().size(); truth++) {
            List<String> line = new ArrayList<>(List.of(head.labels().get(truth)));
            head.confusion().get(truth).forEach(count -> line.add(Long.toString(count)));
            cells.add(line);
        }
        html.append(table("confusion", header, cells));
        figure(html, ReportCharts.precisionRecall(head), "Held-out precision and recall per label.");
        html.append(table(
                "per-class",
                List.of("label", "precision", "recall", "support"),
                head.perClass().stream()
                        .map(m -> List.of(
                                java.util.Objects.toString(m.label(), ""),
                                decimal(m.precision()),
                                decimal(m.recall()),
                                Long.toString(m.support())))
                        .toList()));
    }

    private static void learningCurves(StringBuilder html, LakeReport.Contents contents) {
        html.append("<h2 id=\"learning-curves\">Learning curves</h2>\n");
        if (contents.learningCurvesProblem().isPresent()) {
            empty(html, contents.learningCurvesProblem().get());
            return;
        }
        if (contents.learningCurves().isEmpty()) {
            empty(
                    html,
                    "No results of transferlake bench accuracy at "
                            + contents.learningCurvesCsv().toAbsolutePath()
                            + ": run it to see test accuracy against labels per class, with raw pixels as the baseline.");
            return;
        }
        LearningCurve.Curves curves = contents.learningCurves().get();
        figure(html, LearningCurve.chart(curves), "From " + contents.learningCurvesCsv() + ".");
        html.append(table(
                "learning-curve",
                List.of("features", "head", "labels per class", "test accuracy"),
                curves.points().stream()
                        .map(p -> List.of(
                                p.features(),
                                p.algorithm(),
                                Integer.toString(p.labelsPerClass()),
                                decimal(p.accuracy())))
                        .toList()));
    }

    private static void runs(StringBuilder html, List<LakeReport.Run> runs) {
        html.append("<h2 id=\"throughput\">Throughput per step</h2>\n");
        List<LakeReport.Run> extracts = runs.stream()
                .filter(run -> run.job().equals("extract") && run.status().equals("succeeded"))
                .sorted(BY_START)
                .toList();
        if (extracts.isEmpty()) {
            empty(html, "No successful extract run in the last " + LakeReport.MAX_RUNS + " runs.");
        } else {
            figure(html, ReportCharts.stepSeconds(extracts), "Where each extract run's time went.");
            figure(
                    html,
                    ReportCharts.throughput(extracts),
                    "Images listed per second of listing; embedded or refused (empty files among them, which skip the"
                            + " decoder) per second of the embed step, as extract prints it; embedded per second of the"
                            + " whole run.");
            List<List<String>> rows = new ArrayList<>();
            for (LakeReport.Run run : extracts) {
                ReportCharts.Throughput rates = ReportCharts.throughput(run);
                rows.add(List.of(
                        run.runId(),
                        Long.toString(run.counts().getOrDefault("listed", 0L)),
                        Long.toString(run.counts().getOrDefault("embedded", 0L)),
                        Long.toString(run.counts().getOrDefault("quarantined", 0L)),
                        rates.listing().map(ReportPage::decimal).orElse(""),
                        rates.embedding().map(ReportPage::decimal).orElse(""),
                        rates.endToEnd().map(ReportPage::decimal).orElse(""),
                        RunLog.describe(run.timings())));
            }
            html.append(table(
                    "throughput",
                    List.of(
                            "run",
                            "listed",
                            "embedded",
                            "quarantined",
                            "listed/s",
                            "embed step img/s",
                            "run img/s",
                            "seconds per step"),
                    rows));
        }
        html.append("<h2 id=\"runs\">Run history</h2>\n");
        if (runs.isEmpty()) {
            empty(html, "No runs yet.");
            return;
        }
        figure(
                html,
                ReportCharts.runHistory(runs),
                "Wall-clock seconds of the last " + runs.size() + " runs; a run still running or abandoned has no end,"
                        + " and is only in the table.");
        html.append(table(
                "run-history",
                List.of("run", "job", "status", "started", "seconds", "counts", "error"),
                runs.stream()
                        .map(run -> List.of(
                                run.runId(),
                                run.job(),
                                run.status(),
                                run.startedAt() == null
                                        ? ""
                                        : run.startedAt().toInstant().toString(),
                                run.seconds().map(ReportPage::decimal).orElse(""),
                                counts(run.counts()),
                                run.error() == null ? "" : run.error()))
                        .toList()));
    }

    private static void quarantine(StringBuilder html, LakeReport.Contents contents) {
        html.append("<h2 id=\"quarantine\">Quarantine</h2>\n");
        if (contents.quarantineReasons().isEmpty()) {
            empty(html, "No file has been refused.");
            return;
        }
        figure(
                html,
                ReportCharts.quarantineReasons(contents.quarantineReasons()),
                "Refused files by reason and stage.");
        html.append(table(
                "quarantine-reasons",
                List.of("stage", "reason", "files"),
                contents.quarantineReasons().stream()
                        .map(r -> List.of(r.stage(), r.reason(), Long.toString(r.files())))
                        .toList()));
        html.append("<p>The latest refused files:</p>\n")
                .append(table(
                        "quarantine-latest",
                        List.of("path", "stage", "reason", "message", "at"),
                        contents.latestQuarantined().stream()
                                .map(q -> List.of(
                                        q.path(),
                                        q.stage(),
                                        q.reason() == null ? "" : q.reason(),
                                        q.message() == null ? "" : q.message(),
                                        q.at() == null ? "" : q.at().toInstant().toString()))
                                .toList()));
    }

    private static void projection(StringBuilder html, LakeReport.Contents contents) {
        html.append("<h2 id=\"embeddings\">Embeddings</h2>\n");
        if (contents.projection().isEmpty()) {
            empty(html, "Fewer than two embeddings of this backbone, or of fewer than two floats: nothing to project.");
            return;
        }
        LakeReport.Projection projection = contents.projection().get();
        figure(
                html,
                ReportCharts.projection(projection),
                "PCA of " + projection.points().size() + " embeddings (the same sample each time, by a hash of the"
                        + " path), coloured by label: labels that form clusters are ones a linear head separates.");
        Map<String, Long> perLabel = new java.util.TreeMap<>();
        projection.points().forEach(point -> perLabel.merge(point.label(), 1L, Long::sum));
        html.append(table(
                "projection",
                List.of("label", "points"),
                perLabel.entrySet().stream()
                        .map(entry -> List.of(entry.getKey(), Long.toString(entry.getValue())))
                        .toList()));
    }

    private static void figure(StringBuilder html, JFreeChart chart, String caption) {
        html.append("<figure><img alt=\"")
                .append(escape(
                        chart.getTitle() == null ? caption : chart.getTitle().getText()))
                .append("\" width=\"")
                .append(WIDTH)
                .append("\" height=\"")
                .append(HEIGHT)
                .append("\" src=\"data:image/png;base64,")
                .append(Base64.getEncoder().encodeToString(ChartImages.png(chart, WIDTH, HEIGHT)))
                .append("\"><figcaption>")
                .append(escape(caption))
                .append("</figcaption></figure>\n");
    }

    /** An HTML table with an id, numbers right-aligned. */
    private static String table(String id, List<String> header, List<List<String>> rows) {
        StringBuilder table = new StringBuilder("<table id=\"").append(id).append("\">\n<thead><tr>");
        header.forEach(name -> table.append("<th>").append(escape(name)).append("</th>"));
        table.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            table.append("<tr>");
            for (String value : row) {
                table.append(value.matches("-?[0-9.]+") ? "<td class=\"n\">" : "<td>")
                        .append(escape(value))
                        .append("</td>");
            }
            table.append("</tr>\n");
        }
        return table.append("</tbody>\n</table>\n").toString();
    }

    private static void empty(StringBuilder html, String text) {
        html.append("<p class=\"empty\">").append(escape(text)).append("</p>\n");
    }

    private static String decimal(double value) {
        return String.format(Locale.ROOT, "%.4f", value);
    }

    private static String counts(Map<String, Long> counts) {
        StringBuilder text = new StringBuilder();
        new java.util.TreeMap<>(counts)
                .forEach((name, value) -> text.append(text.length() == 0 ? "" : ", ")
                        .append(name)
                        .append(' ')
                        .append(value));
        return text.toString();
    }
}
