package org.transferlake.report;

import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.category.LineAndShapeRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.time.Millisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.transferlake.heads.HeadRecord;
import org.transferlake.runs.ExtractRun;

/** The report's charts, drawn by JFreeChart from {@link LakeReport.Contents}. */
final class ReportCharts {
    private ReportCharts() {}

    /** Whether the confusion matrix is square, one row and column per label, with no null count. */
    static boolean confusionMatchesLabels(HeadRecord head) {
        int n = head.labels().size();
        return head.confusion().size() == n
                && head.confusion().stream()
                        .allMatch(row -> row.size() == n && row.stream().allMatch(java.util.Objects::nonNull));
    }

    /** The champion's held-out confusion matrix: true label down, predicted across, counts in the cells. */
    static JFreeChart confusion(HeadRecord head) {
        List<String> labels = head.labels();
        int n = labels.size();
        double[][] xyz = new double[3][n * n];
        long max = 1;
        for (int truth = 0; truth < n; truth++) {
            for (int predicted = 0; predicted < n; predicted++) {
                int cell = truth * n + predicted;
                long value = head.confusion().get(truth).get(predicted);
                xyz[0][cell] = predicted;
                // The first label on top, as a confusion matrix is read.
                xyz[1][cell] = n - 1 - truth;
                xyz[2][cell] = value;
                max = Math.max(max, value);
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("held-out images", xyz);
        LookupPaintScale scale = new LookupPaintScale(0, max + 1.0, Color.WHITE);
        Color full = new Color(0x08, 0x45, 0x94);
        for (int step = 0; step <= 20; step++) {
            double share = step / 20.0;
            scale.add(share * max, blend(Color.WHITE, full, share));
        }
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(scale);
        SymbolAxis predicted = new SymbolAxis("predicted label", labels.toArray(String[]::new));
        predicted.setVerticalTickLabels(n > 6);
        List<String> reversed = new ArrayList<>(labels);
        java.util.Collections.reverse(reversed);
        SymbolAxis truth = new SymbolAxis("true label", reversed.toArray(String[]::new));
        XYPlot plot = new XYPlot(data, predicted, truth, renderer);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        Font font = new Font(Font.SANS_SERIF, Font.PLAIN, n > 12 ? 9 : 12);
        for (int cell = 0; cell < n * n; cell++) {
            XYTextAnnotation count =
                    new XYTextAnnotation(Long.toString((long) xyz[2][cell]), xyz[0][cell], xyz[1][cell]);
            count.setFont(font);
            count.setPaint(xyz[2][cell] > max / 2.0 ? Color.WHITE : Color.BLACK);
            plot.addAnnotation(count);
        }
        JFreeChart chart =
                new JFreeChart("Confusion matrix of " + head.headId(), JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        NumberAxis legendAxis = new NumberAxis("images");
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 4, 40, 4);
        chart.addSubtitle(legend);
        return chart;
    }

    private static Color blend(Color from, Color to, double share) {
        return new Color(
                (int) Math.round(from.getRed() + share * (to.getRed() - from.getRed())),
                (int) Math.round(from.getGreen() + share * (to.getGreen() - from.getGreen())),
                (int) Math.round(from.getBlue() + share * (to.getBlue() - from.getBlue())));
    }

    /** Held-out precision and recall per label, side by side. */
    static JFreeChart precisionRecall(HeadRecord head) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (HeadRecord.ClassMetrics metrics : head.perClass()) {
            String label = java.util.Objects.toString(metrics.label(), "(none)");
            data.addValue(metrics.precision(), "precision", label);
            data.addValue(metrics.recall(), "recall", label);
        }
        JFreeChart chart = ChartFactory.createBarChart(
                "Precision and recall per label",
                "label",
                "held out, 0 to 1",
                data,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        ((NumberAxis) chart.getCategoryPlot().getRangeAxis()).setRange(0, 1.05);
        slantIfMany(chart, head.perClass().size());
        return chart;
    }

    /** Seconds per step of each extract run, stacked: where a run's time goes. */
    static JFreeChart stepSeconds(List<LakeReport.Run> extractRuns) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (LakeReport.Run run : extractRuns) {
            run.timings().forEach((step, seconds) -> data.addValue(seconds, step, runLabel(run)));
        }
        JFreeChart chart = ChartFactory.createStackedBarChart(
                "Seconds per step, extract runs", "run", "seconds", data, PlotOrientation.VERTICAL, true, false, false);
        slantIfMany(chart, extractRuns.size());
        return chart;
    }

    /** Images per second of each extract run: {@link #throughput}'s three measures. */
    static JFreeChart throughput(List<LakeReport.Run> extractRuns) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (LakeReport.Run run : extractRuns) {
            Throughput rates = throughput(run);
            rates.listing().ifPresent(rate -> data.addValue(rate, "listed per second", runLabel(run)));
            rates.embedding()
                    .ifPresent(rate -> data.addValue(rate, "embedded or refused per second of embed", runLabel(run)));
            rates.endToEnd().ifPresent(rate -> data.addValue(rate, "embedded per second of the run", runLabel(run)));
        }
        JFreeChart chart = ChartFactory.createLineChart(
                "Throughput, extract runs",
                "run",
                "images per second",
                data,
                PlotOrientation.VERTICAL,
                true,
                false,
                false);
        ((LineAndShapeRenderer) chart.getCategoryPlot().getRenderer()).setDefaultShapesVisible(true);
        // Listing runs at hundreds of files a second, embedding at tens: a log axis shows both.
        org.jfree.chart.axis.LogAxis perSecond = new org.jfree.chart.axis.LogAxis("images per second (log scale)");
        perSecond.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        perSecond.setNumberFormatOverride(new java.text.DecimalFormat("#,##0.#"));
        chart.getCategoryPlot().setRangeAxis(perSecond);
        slantIfMany(chart, extractRuns.size());
        return chart;
    }

    /**
     * An extract run's images per second: listed per second of listing; embedded or refused per second of
     * the embed step ({@link ExtractRun#embedRate}, as extract prints it); embedded per second of the whole
     * run. Empty where nothing was done: a log axis cannot show a zero.
     */
    record Throughput(Optional<Double> listing, Optional<Double> embedding, Optional<Double> endToEnd) {}

    static Throughput throughput(LakeReport.Run run) {
        long listed = run.counts().getOrDefault("listed", 0L);
        long embedded = run.counts().getOrDefault("embedded", 0L);
        long refused = run.counts().getOrDefault("quarantined", 0L);
        return new Throughput(
                rate(listed, run.timings().get(ExtractRun.LIST_STEP)),
                ExtractRun.embedRate(embedded, refused, run.timings()),
                run.seconds().flatMap(seconds -> rate(embedded, seconds)));
    }

    /** Items per second; empty where nothing was done (an idle run). */
    private static Optional<Double> rate(long items, Double seconds) {
        return seconds == null || seconds <= 0 || items == 0 ? Optional.empty() : Optional.of(items / seconds);
    }

    /**
     * Every run's wall-clock seconds over time, one series per job, runs that failed apart. A run with no
     * end (running, or abandoned by a driver that died) has no duration: it is only in the table.
     */
    static JFreeChart runHistory(List<LakeReport.Run> runs) {
        Map<String, TimeSeries> series = new LinkedHashMap<>();
        runs.stream()
                .sorted(ReportPage.BY_START)
                .forEach(run -> run.seconds().ifPresent(seconds -> {
                    String name = run.status().equals("succeeded") ? run.job() : run.job() + " (" + run.status() + ")";
                    series.computeIfAbsent(name, TimeSeries::new)
                            .addOrUpdate(new Millisecond(run.startedAt()), seconds);
                }));
        TimeSeriesCollection data = new TimeSeriesCollection();
        series.values().forEach(data::addSeries);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        DateAxis time = new DateAxis("started (UTC)");
        time.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
        XYPlot plot = new XYPlot(data, time, new NumberAxis("seconds"), renderer);
        return new JFreeChart("Run durations", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }

    /** Refused files per reason, one bar per stage that refused them. */
    static JFreeChart quarantineReasons(List<LakeReport.ReasonCount> reasons) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        reasons.forEach(reason -> data.addValue(reason.files(), reason.stage(), reason.reason()));
        return ChartFactory.createBarChart(
                "Quarantined files by reason", "reason", "files", data, PlotOrientation.VERTICAL, true, false, false);
    }

    /** The embeddings on their first two principal components, one colour per label. */
    static JFreeChart projection(LakeReport.Projection projection) {
        Map<String, XYSeries> byLabel = new java.util.TreeMap<>();
        for (LakeReport.Point point : projection.points()) {
            byLabel.computeIfAbsent(point.label(), label -> new XYSeries(label, false, true))
                    .add(point.x(), point.y());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        byLabel.values().forEach(data::addSeries);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        java.awt.Shape dot = new java.awt.geom.Ellipse2D.Double(-2.5, -2.5, 5, 5);
        for (int i = 0; i < byLabel.size(); i++) {
            renderer.setSeriesShape(i, dot);
        }
        double[] explained = projection.explainedVariance();
        NumberAxis first = new NumberAxis(String.format(Locale.ROOT, "PC 1 (%.1f%% of variance)", 100 * explained[0]));
        NumberAxis second = new NumberAxis(String.format(Locale.ROOT, "PC 2 (%.1f%% of variance)", 100 * explained[1]));
        first.setAutoRangeIncludesZero(false);
        second.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, first, second, renderer);
        return new JFreeChart(
                "Embeddings on their first two principal components ("
                        + projection.points().size() + " of " + projection.embeddings() + ")",
                JFreeChart.DEFAULT_TITLE_FONT,
                plot,
                true);
    }

    /** How a run is named on a category axis: its id, unique where two runs start in the same second. */
    static String runLabel(LakeReport.Run run) {
        return run.runId();
    }

    private static void slantIfMany(JFreeChart chart, int categories) {
        if (categories > 6) {
            chart.getCategoryPlot().getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
    }
}
