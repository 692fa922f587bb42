package org.transferlake.heads;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.transferlake.config.Errors;

/**
 * Calibrates a classifier's probabilities: {@code softmax(rawPrediction / temperature)} (Guo et al., "On
 * Calibration of Modern Neural Networks", 2017). One scalar fitted on held-out data by log-loss; the
 * predicted class does not change, only how sure the head says it is.
 */
public final class TemperatureScaling extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    /** Temperatures tried: log-spaced, then refined around the best. */
    private static final double MIN_TEMPERATURE = 0.05;

    private static final double MAX_TEMPERATURE = 50;
    private static final int GRID_POINTS = 41;

    /**
     * What fitting found, on the data it was fitted on. {@code calibration} says whether a temperature was
     * fitted, or why it stayed 1: with no held-out rows, or when the model gets every one right, the
     * log-loss only falls as the temperature falls, and fitting would make the head more sure, not less.
     */
    public record Fit(double temperature, double logLossBefore, double logLossAfter, String calibration) {}

    private final String uid;
    private final Param<String> rawPredictionCol;
    private final Param<String> probabilityCol;
    private final DoubleParam temperature;

    public TemperatureScaling() {
        this(Identifiable$.MODULE$.randomUID("temperatureScaling"));
    }

    public TemperatureScaling(String uid) {
        this.uid = uid;
        rawPredictionCol = new Param<>(this, "rawPredictionCol", "vector of logits (pre-softmax scores)");
        probabilityCol = new Param<>(this, "probabilityCol", "calibrated probability vector, written");
        temperature = new DoubleParam(this, "temperature", "logits are divided by this", ParamValidators.gt(0));
        setDefault(rawPredictionCol, "rawPrediction");
        setDefault(probabilityCol, "probability");
        setDefault(temperature, 1.0);
    }

    public TemperatureScaling setTemperature(double value) {
        set(temperature, value);
        return this;
    }

    public TemperatureScaling setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    public double getTemperature() {
        return (Double) $(temperature);
    }

    public Param<String> rawPredictionCol() {
        return rawPredictionCol;
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public DoubleParam temperature() {
        return temperature;
    }

    /**
     * The temperature minimizing the mean log-loss of {@code softmax(raw / T)} against {@code labelCol} (a
     * class index) over {@code heldOut}. Computed on the executors: each pass sums the loss at every grid
     * temperature in one aggregation.
     */
    public static Fit fit(Dataset<Row> heldOut, String rawCol, String labelCol) {
        JavaRDD<Row> rows = heldOut.select(rawCol, labelCol).toJavaRDD();
        double[] coarse = logSpaced(MIN_TEMPERATURE, MAX_TEMPERATURE, GRID_POINTS);
        Losses first = meanLogLoss(rows, withOne(coarse));
        double atOne = first.mean()[coarse.length];
        if (first.rows() == 0) {
            return new Fit(1.0, atOne, atOne, "skipped: no held-out rows");
        }
        if (first.correct() == first.rows()) {
            return new Fit(1.0, atOne, atOne, "skipped: every held-out row is predicted right");
        }
        int best = argMin(Arrays.copyOf(first.mean(), coarse.length));
        double[] fine =
                logSpaced(coarse[Math.max(best - 1, 0)], coarse[Math.min(best + 1, coarse.length - 1)], GRID_POINTS);
        double[] candidates = withOne(fine);
        double[] loss = meanLogLoss(rows, candidates).mean();
        int chosen = argMin(loss);
        return new Fit(candidates[chosen], atOne, loss[chosen], "fitted");
    }

    /** Mean log-loss per temperature, and how many rows there were and how many the logits get right. */
    private record Losses(double[] mean, long rows, long correct) {}

    private static double[] withOne(double[] temperatures) {
        double[] all = Arrays.copyOf(temperatures, temperatures.length + 1);
        all[temperatures.length] = 1.0;
        return all;
    }

    private static Losses meanLogLoss(JavaRDD<Row> rows, double[] temperatures) {
        int n = temperatures.length;
        // Slots: the loss sum per temperature, then the row count, then the rows whose argmax is the label.
        double[] sums = rows.treeAggregate(
                new double[n + 2],
                (acc, row) -> {
                    double[] logits = ((Vector) row.get(0)).toArray();
                    int label = (int) ((Number) row.get(1)).doubleValue();
                    for (int t = 0; t < n; t++) {
                        acc[t] += logLoss(logits, label, temperatures[t]);
                    }
                    acc[n]++;
                    acc[n + 1] += Vectors.dense(logits).argmax() == label ? 1 : 0;
                    return acc;
                },
                (a, b) -> {
                    for (int i = 0; i < a.length; i++) {
                        a[i] += b[i];
                    }
                    return a;
                });
        double count = Math.max(sums[n], 1);
        return new Losses(
                IntStream.range(0, n).mapToDouble(t -> sums[t] / count).toArray(), (long) sums[n], (long) sums[n + 1]);
    }

    /** −ln softmax(logits / T)[label], computed stably. */
    static double logLoss(double[] logits, int label, double temperature) {
        double max = Arrays.stream(logits).max().orElse(0) / temperature;
        double sum = 0;
        for (double z : logits) {
            sum += Math.exp(z / temperature - max);
        }
        return max + Math.log(sum) - logits[label] / temperature;
    }

    static double[] softmax(double[] logits, double temperature) {
        double max = Arrays.stream(logits).max().orElse(0);
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp((logits[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    private static double[] logSpaced(double from, double to, int points) {
        double step = (Math.log(to) - Math.log(from)) / (points - 1);
        return IntStream.range(0, points)
                .mapToDouble(i -> Math.exp(Math.log(from) + i * step))
                .toArray();
    }

    private static int argMin(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] < values[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        String raw = $(rawPredictionCol);
        List<String> names = Arrays.asList(schema.fieldNames());
        if (!names.contains(raw) || !(schema.apply(raw).dataType() instanceof VectorUDT)) {
            throw Errors.noLogitsColumn(raw, schema.fieldNames());
        }
        StructField probability = new StructField($(probabilityCol), SQLDataTypes.VectorType(), true, Metadata.empty());
        if (!names.contains($(probabilityCol))) {
            return schema.add(probability);
        }
        // withColumn replaces an existing column where it stands; the declared schema does the same.
        return new StructType(Arrays.stream(schema.fields())
                .map(field -> field.name().equals($(probabilityCol)) ? probability : field)
                .toArray(StructField[]::new));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        double t = getTemperature();
        UserDefinedFunction calibrated = org.apache.spark.sql.functions.udf(
                (UDF1<Vector, Vector>) raw -> raw == null ? null : Vectors.dense(softmax(raw.toArray(), t)),
                SQLDataTypes.VectorType());
        return dataset.withColumn($(probabilityCol), calibrated.apply(dataset.col($(rawPredictionCol))));
    }

    @Override
    public TemperatureScaling copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public MLWriter write() {
        return new DefaultParamsWriter(this);
    }

    public static MLReader<TemperatureScaling> read() {
        return new DefaultParamsReader<>();
    }

    public static TemperatureScaling load(String path) {
        return read().load(path);
    }
}
