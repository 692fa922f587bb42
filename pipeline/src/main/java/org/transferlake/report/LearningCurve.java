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
import org.apache.spark.sql.Encoders;
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
            // One line per measurement: the reader takes lines, so a line break in a name becomes a space.
            lines.add(ResultFormat.csvLine(new String[] {
                oneLine(curves.imageSet()),
                oneLine(point.features()),
                oneLine(point.algorithm()),
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

    /**
     * The curves {@link #writeCsv} wrote to {@code csv}, a file on the driver; refuses a file with another
     * header, a malformed line or no measurement.
     */
    public static Curves readCsv(SparkSession spark, Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Errors.learningCurveUnreadable(csv, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        List<Row> rows;
        try {
            // Parsed by Spark's CSV reader from the lines, not from the path: executors cannot see a driver's file.
            rows = spark.read()
                    .schema(CSV_SCHEMA)
                    .option("header", true)
                    .option("enforceSchema", false)
                    .option("escape", "\"")
                    .option("mode", "FAILFAST")
                    .csv(spark.createDataset(lines, Encoders.STRING()))
                    .collectAsList();
        } catch (Exception e) {
            // Spark throws its checked SparkException undeclared, from Scala; a header mismatch is an
            // IllegalArgumentException.
            if (!(e instanceof org.apache.spark.SparkException) && !(e instanceof IllegalArgumentException)) {
                throw e;
            }
            throw Errors.learningCurveUnreadable(
                    csv,
                    "its lines are not " + String.join(",", CSV_SCHEMA.fieldNames()) + " (" + CSV_SCHEMA.simpleString()
                            + ")",
                    e);
        }
        if (rows.isEmpty()) {
            throw Errors.learningCurveUnreadable(csv, "it holds no measurement", null);
        }
        if (rows.stream().anyMatch(Row::anyNull)) {
            throw Errors.learningCurveUnreadable(csv, "a line has an empty field", null);
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

    private static String oneLine(String text) {
        return text.replaceAll("[\\r\\n]+", " ");
    }

    static void createParent(Path file) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
    }
}
