package org.transferlake.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.transferlake.config.Errors;

/** Test accuracy against labels per class (log scale), one line per feature set and head, drawn by JFreeChart. */
final class LearningCurvePlot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 560;

    private LearningCurvePlot() {}

    /** Writes the curves of {@code cells} to {@code png}; "all labels" is plotted at {@code largest} per class. */
    static void write(Path png, String title, List<AccuracyBenchmark.Cell> cells, int largest) {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (AccuracyBenchmark.Cell cell : cells) {
            series.computeIfAbsent(cell.features() + " · " + cell.algorithm(), XYSeries::new)
                    .add(cell.perClass() == 0 ? largest : cell.perClass(), cell.accuracy());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        LogAxis labels = new LogAxis("labelled images per class");
        labels.setBase(10);
        labels.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis accuracy = new NumberAxis("test accuracy");
        accuracy.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        int index = 0;
        for (String name : series.keySet()) {
            if (name.startsWith(AccuracyBenchmark.RAW_PIXELS)) {
                renderer.setSeriesStroke(
                        index,
                        new BasicStroke(
                                2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {6f, 4f}, 0f));
                renderer.setSeriesPaint(index, Color.GRAY.darker());
            } else {
                renderer.setSeriesStroke(index, new BasicStroke(2f));
            }
            index++;
        }
        XYPlot plot = new XYPlot(data, labels, accuracy, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        try {
            if (png.toAbsolutePath().getParent() != null) {
                Files.createDirectories(png.toAbsolutePath().getParent());
            }
            ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw Errors.plotWriteFailed(png, e);
        }
    }
}
