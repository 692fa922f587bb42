package org.transferlake.heads;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.transferlake.lake.LakeTable;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/**
 * One row of the {@code heads} table, typed: a trained head, its held-out metrics, where its model
 * is, and its status ({@link HeadRegistry#CANDIDATE}, {@link HeadRegistry#CHAMPION} or
 * {@link HeadRegistry#RETIRED}).
 *
 * @param confusion counts by true label (rows) and predicted label (columns), in {@code labels} order
 * @param promotedAt when it last became champion; null if never
 */
public record HeadRecord(
        String headId,
        String backboneId,
        String algorithm,
        Map<String, String> params,
        long trainRows,
        long testRows,
        double accuracy,
        double macroF1,
        double logLoss,
        List<ClassMetrics> perClass,
        List<String> labels,
        List<List<Long>> confusion,
        String modelUri,
        String status,
        Timestamp createdAt,
        Timestamp promotedAt,
        String runId) {

    /** Held-out precision, recall and support of one class. */
    public record ClassMetrics(String label, double precision, double recall, long support) {}

    /** A newly trained head, registered as a candidate now. */
    public static HeadRecord candidate(
            String headId,
            String backboneId,
            HeadTrainer.Trained head,
            long trainRows,
            long testRows,
            String modelUri,
            String runId) {
        HeadMetrics m = head.metrics();
        List<ClassMetrics> perClass = new ArrayList<>();
        for (int c = 0; c < m.labels().size(); c++) {
            perClass.add(new ClassMetrics(m.labels().get(c), m.precision()[c], m.recall()[c], m.support()[c]));
        }
        List<List<Long>> confusion = Arrays.stream(m.confusion())
                .map(line -> Arrays.stream(line).boxed().toList())
                .toList();
        return new HeadRecord(
                headId,
                backboneId,
                head.algorithm(),
                ordered(head.params()),
                trainRows,
                testRows,
                m.accuracy(),
                m.macroF1(),
                m.logLoss(),
                List.copyOf(perClass),
                m.labels(),
                confusion,
                modelUri,
                HeadRegistry.CANDIDATE,
                Timestamp.from(Instant.now()),
                null,
                runId);
    }

    /** The same head with another status and promotion time. */
    HeadRecord withStatus(String newStatus, Timestamp newPromotedAt) {
        return new HeadRecord(
                headId,
                backboneId,
                algorithm,
                params,
                trainRows,
                testRows,
                accuracy,
                macroF1,
                logLoss,
                perClass,
                labels,
                confusion,
                modelUri,
                newStatus,
                createdAt,
                newPromotedAt,
                runId);
    }

    /** A row in the {@code heads} table's column order. */
    Row toRow() {
        List<Row> classRows = perClass.stream()
                .map(c -> RowFactory.create(c.label(), c.precision(), c.recall(), c.support()))
                .toList();
        return RowFactory.create(
                headId,
                backboneId,
                algorithm,
                params,
                trainRows,
                testRows,
                accuracy,
                macroF1,
                logLoss,
                classRows,
                labels,
                confusion,
                modelUri,
                status,
                createdAt,
                promotedAt,
                runId);
    }

    /** Reads a row of the {@code heads} table. */
    static HeadRecord fromRow(Row row) {
        List<ClassMetrics> perClass = row.<Row>getList(row.fieldIndex("per_class")).stream()
                .map(c -> new ClassMetrics(c.getString(0), c.getDouble(1), c.getDouble(2), c.getLong(3)))
                .toList();
        List<List<Long>> confusion = row.<Seq<Object>>getList(row.fieldIndex("confusion")).stream()
                .map(line -> JavaConverters.seqAsJavaList(line).stream()
                        .map(count -> (Long) count)
                        .toList())
                .toList();
        return new HeadRecord(
                row.getAs("head_id"),
                row.getAs("backbone_id"),
                row.getAs("algorithm"),
                ordered(row.<String, String>getJavaMap(row.fieldIndex("params"))),
                row.getAs("train_rows"),
                row.getAs("test_rows"),
                row.getAs("accuracy"),
                row.getAs("macro_f1"),
                row.getAs("log_loss"),
                perClass,
                List.copyOf(row.<String>getList(row.fieldIndex("labels"))),
                confusion,
                row.getAs("model_uri"),
                row.getAs("status"),
                row.getAs("created_at"),
                row.getAs("promoted_at"),
                row.getAs("run_id"));
    }

    /** Kept in the order they were recorded (algorithm first), as {@code heads list} and SQL show them. */
    private static Map<String, String> ordered(Map<String, String> params) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** The records as a DataFrame with the {@code heads} table's schema. */
    static Dataset<Row> frame(SparkSession spark, List<HeadRecord> heads) {
        return spark.createDataFrame(heads.stream().map(HeadRecord::toRow).toList(), LakeTable.HEADS.schema());
    }
}
