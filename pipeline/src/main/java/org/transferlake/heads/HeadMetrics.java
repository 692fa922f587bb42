package org.transferlake.heads;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A head's quality on held-out images.
 *
 * @param labels class names, in the order of {@code confusion}'s rows (true) and columns (predicted)
 * @param logLoss mean −ln p(true class), with p clipped to 1e-15
 */
public record HeadMetrics(
        long rows,
        double accuracy,
        double macroF1,
        double logLoss,
        List<String> labels,
        long[][] confusion,
        double[] precision,
        double[] recall,
        long[] support) {

    /**
     * Scores predictions with columns {@code label} (truth), {@code predicted_label} and
     * {@code probability} (a vector in {@code modelLabels} order). Aggregated on the executors: the
     * driver receives one row per (truth, predicted) pair seen, never the held-out rows.
     */
    public static HeadMetrics of(Dataset<Row> predictions, List<String> modelLabels) {
        List<Column> indexEntries = new ArrayList<>();
        for (int i = 0; i < modelLabels.size(); i++) {
            indexEntries.add(lit(modelLabels.get(i)));
            indexEntries.add(lit(i + 1));
        }
        // p(true class); 0 for a class the model never saw.
        Column truthIndex = element_at(map(indexEntries.toArray(Column[]::new)), col("label"));
        Column pTruth = coalesce(element_at(vector_to_array(col("probability"), "float64"), truthIndex), lit(0.0));
        List<Row> cells = predictions
                .groupBy("label", "predicted_label")
                .agg(count(lit(1)), sum(negate(log(greatest(pTruth, lit(1e-15))))))
                .collectAsList();

        TreeMap<String, Integer> index = new TreeMap<>();
        modelLabels.forEach(label -> index.putIfAbsent(label, 0));
        cells.forEach(cell -> index.putIfAbsent(cell.getString(0), 0));
        List<String> labels = new ArrayList<>(index.keySet());
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        int k = labels.size();
        long[][] confusion = new long[k][k];
        double logLoss = 0;
        long correct = 0;
        long n = 0;
        for (Row cell : cells) {
            String truth = cell.getString(0);
            String predicted = cell.getString(1);
            long cellCount = cell.getLong(2);
            confusion[index.get(truth)][index.get(predicted)] += cellCount;
            correct += truth.equals(predicted) ? cellCount : 0;
            n += cellCount;
            logLoss += cell.getDouble(3);
        }
        double[] precision = new double[k];
        double[] recall = new double[k];
        long[] support = new long[k];
        double f1Sum = 0;
        for (int c = 0; c < k; c++) {
            long predictedAs = 0;
            for (int t = 0; t < k; t++) {
                predictedAs += confusion[t][c];
                support[c] += confusion[c][t];
            }
            precision[c] = predictedAs == 0 ? 0 : (double) confusion[c][c] / predictedAs;
            recall[c] = support[c] == 0 ? 0 : (double) confusion[c][c] / support[c];
            f1Sum += precision[c] + recall[c] == 0 ? 0 : 2 * precision[c] * recall[c] / (precision[c] + recall[c]);
        }
        return new HeadMetrics(
                n,
                n == 0 ? 0 : (double) correct / n,
                k == 0 ? 0 : f1Sum / k,
                n == 0 ? 0 : logLoss / n,
                List.copyOf(labels),
                confusion,
                precision,
                recall,
                support);
    }
}
