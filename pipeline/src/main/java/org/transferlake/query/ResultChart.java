package org.transferlake.query;

import java.util.Arrays;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
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

    /**
     * The PNG of {@code table} as {@code spec} says. Refuses a type other than bar or line, no value
     * columns, a column the result lacks, a value column that is not numeric, and a category that
     * repeats (its bars would overwrite each other).
     */
    public static byte[] png(ResultFormat.Collected table, Spec spec, String title) {
        if (!List.of("bar", "line").contains(spec.type()) || spec.y().isEmpty()) {
            throw Errors.chartSpecInvalid(spec.type(), spec.y());
        }
        List<String> names = Arrays.asList(table.names());
        int x = column(names, spec.x());
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String column : spec.y()) {
            int y = column(names, column);
            if (!(table.fields()[y].dataType() instanceof org.apache.spark.sql.types.NumericType)) {
                throw Errors.chartColumnNotNumeric(
                        column, table.fields()[y].dataType().simpleString());
            }
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (String[] row : table.rows()) {
                String category = row[x] == null ? "NULL" : row[x];
                if (!seen.add(category)) {
                    throw Errors.chartCategoryRepeats(spec.x(), category);
                }
                if (row[y] != null) {
                    data.addValue(Double.parseDouble(row[y]), column, category);
                }
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(
                title, spec.x(), String.join(", ", spec.y()), data, PlotOrientation.VERTICAL, true, false, false);
        if (spec.type().equals("line")) {
            chart.getCategoryPlot().setRenderer(new org.jfree.chart.renderer.category.LineAndShapeRenderer());
        }
        return ChartImages.png(chart, WIDTH, HEIGHT);
    }

    private static int column(List<String> names, String column) {
        int index = names.indexOf(column);
        if (index < 0) {
            throw Errors.chartColumnMissing(column, names);
        }
        return index;
    }
}
