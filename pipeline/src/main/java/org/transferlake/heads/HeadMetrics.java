package org.transferlake.heads;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.ml.linalg.Vector;
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
     * {@code probability} (a vector in {@code modelLabels} order).
     */
    public static HeadMetrics of(Dataset<Row> predictions, List<String> modelLabels) {
        List<Row> rows =
                predictions.select("label", "predicted_label", "probability").collectAsList();
        TreeMap<String, Integer> index = new TreeMap<>();
        modelLabels.forEach(label -> index.putIfAbsent(label, 0));
        rows.forEach(row -> index.putIfAbsent(row.getString(0), 0));
        List<String> labels = new ArrayList<>(index.keySet());
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        int k = labels.size();
        long[][] confusion = new long[k][k];
        double logLoss = 0;
        long correct = 0;
        for (Row row : rows) {
            String truth = row.getString(0);
            String predicted = row.getString(1);
            confusion[index.get(truth)][index.get(predicted)]++;
            correct += truth.equals(predicted) ? 1 : 0;
            int modelIndex = modelLabels.indexOf(truth);
            double p = modelIndex < 0 ? 0 : ((Vector) row.get(2)).apply(modelIndex);
            logLoss -= Math.log(Math.max(p, 1e-15));
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
        int n = rows.size();
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
