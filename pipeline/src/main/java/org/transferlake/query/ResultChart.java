package org.transferlake.query;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;
import org.transferlake.config.Errors;

/**
 * A query result drawn by JFreeChart as a PNG: one category per row ({@code x}), one bar or line per
 * numeric column named in {@code y}.
 */
public final class ResultChart {
    private static final int WIDTH = 720;
    private static final int HEIGHT = 400;

    private ResultChart() {}

    /** What to draw: {@code bar} or {@code line}, the category column and the value columns. */
    public record Spec(String type, String x, List<String> y) {}

    /** The PNG of {@code table} as {@code spec} says; refuses columns the result does not have. */
    public static byte[] png(ResultFormat.Collected table, Spec spec, String title) {
        List<String> names = Arrays.asList(table.names());
        int x = names.indexOf(spec.x());
        if (x < 0) {
            throw Errors.chartColumnMissing(spec.x(), names);
        }
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String column : spec.y()) {
            int y = names.indexOf(column);
            if (y < 0) {
                throw Errors.chartColumnMissing(column, names);
            }
            for (String[] row : table.rows()) {
                if (row[y] != null) {
                    data.addValue(Double.parseDouble(row[y]), column, row[x] == null ? "NULL" : row[x]);
                }
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(
                title, spec.x(), String.join(", ", spec.y()), data, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        if (spec.type().equals("line")) {
            plot.setRenderer(new org.jfree.chart.renderer.category.LineAndShapeRenderer());
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        chart.setBackgroundPaint(Color.WHITE);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(png, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException("Writing a PNG to memory failed", e);
        }
        return png.toByteArray();
    }
}
