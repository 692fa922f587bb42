package org.transferlake.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.transferlake.config.Errors;
import org.transferlake.query.ResultFormat;

/**
 * Test accuracy against labels per class, one curve per feature set and head: what {@code bench
 * accuracy} measures, kept as a CSV beside its PNG so that {@code report} can draw it again.
 */
public final class LearningCurve {
    /** The feature set {@code bench accuracy} always compares against: the image's own pixels. */
    public static final String RAW_PIXELS = "raw pixels";

    static final StructType CSV_SCHEMA = StructType.fromDDL(
            "image_set STRING, features STRING, algorithm STRING, labels_per_class INT, accuracy DOUBLE");

    private LearningCurve() {}

    /** One measurement: a head trained on {@code labelsPerClass} labels of each class. */
    public record Point(String features, String algorithm, int labelsPerClass, double accuracy) {}

    /** The curves measured on one image set. */
    public record Curves(String imageSet, List<Point> points) {}

    /** Writes {@code curves} to {@code csv}, a header line first. */
    public static void writeCsv(Path csv, Curves curves) {
        List<String> lines = new ArrayList<>(List.of(String.join(",", CSV_SCHEMA.fieldNames())));
        for (Point point : curves.points()) {
            lines.add(ResultFormat.csvLine(new String[] {
                curves.imageSet(),
                point.features(),
                point.algorithm(),
                Integer.toString(point.labelsPerClass()),
                String.format(Locale.ROOT, "%.6f", point.accuracy())
            }));
        }
        try {
            createParent(csv);
            Files.write(csv, lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Errors.plotWriteFailed(csv, e);
        }
    }

    /** The curves {@link #writeCsv} wrote to {@code csv}; refuses a file with no measurement. */
    public static Curves readCsv(SparkSession spark, Path csv) {
        if (!Files.isRegularFile(csv)) {
            throw Errors.learningCurveUnreadable(csv, "there is no such file");
        }
        List<Row> rows;
        try {
            rows = spark.read()
                    .schema(CSV_SCHEMA)
                    .option("header", true)
                    .option("escape", "\"")
                    .option("mode", "FAILFAST")
                    .csv(csv.toAbsolutePath().toUri().toString())
                    .collectAsList();
        } catch (Exception e) {
            // Spark throws its checked SparkException undeclared, from Scala.
            if (!(e instanceof org.apache.spark.SparkException)) {
                throw e;
            }
            throw Errors.learningCurveUnreadable(csv, "a line is not " + CSV_SCHEMA.simpleString());
        }
        if (rows.isEmpty()) {
            throw Errors.learningCurveUnreadable(csv, "it holds no measurement");
        }
        if (rows.stream().anyMatch(Row::anyNull)) {
            throw Errors.learningCurveUnreadable(csv, "a line has an empty field");
        }
        List<Point> points = rows.stream()
                .map(row -> new Point(row.getString(1), row.getString(2), row.getInt(3), row.getDouble(4)))
                .toList();
        return new Curves(rows.get(0).getString(0), points);
    }

    /** The curves on a log axis of labels per class; the raw-pixel baseline dashed grey. */
    public static JFreeChart chart(Curves curves) {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (Point point : curves.points()) {
            series.computeIfAbsent(point.features() + " · " + point.algorithm(), XYSeries::new)
                    .add(point.labelsPerClass(), point.accuracy());
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
            if (name.startsWith(RAW_PIXELS)) {
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
        return new JFreeChart(curves.imageSet(), JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }

    static void createParent(Path file) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
    }
}
