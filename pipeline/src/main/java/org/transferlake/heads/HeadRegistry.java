package org.transferlake.heads;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.transferlake.config.TransferlakeException;
import org.transferlake.lake.LakeTable;
import org.transferlake.lake.Tables;

/**
 * The {@code heads} table: candidates, one champion per backbone, retired heads. Every change is one
 * MERGE, so {@code DESCRIBE HISTORY transferlake.heads} is the audit trail.
 */
public final class HeadRegistry {
    public static final String CANDIDATE = "candidate";
    public static final String CHAMPION = "champion";
    public static final String RETIRED = "retired";

    private final SparkSession spark;
    private final Tables tables;

    public HeadRegistry(SparkSession spark, Tables tables) {
        this.spark = spark;
        this.tables = tables;
    }

    /** Every head, newest first. */
    public Dataset<Row> list() {
        return tables.read(LakeTable.HEADS).orderBy(col("created_at").desc());
    }

    public Optional<Row> find(String headId) {
        List<Row> rows = tables.read(LakeTable.HEADS)
                .where(col("head_id").equalTo(headId))
                .collectAsList();
        return rows.stream().findFirst();
    }

    public Optional<Row> champion(String backboneId) {
        return tables
                .read(LakeTable.HEADS)
                .where(col("backbone_id").equalTo(backboneId).and(col("status").equalTo(CHAMPION)))
                .collectAsList()
                .stream()
                .findFirst();
    }

    /** Records a newly trained head as a candidate. */
    public void register(Row head) {
        tables.upsert(LakeTable.HEADS, spark.createDataFrame(List.of(head), LakeTable.HEADS.schema()), Map.of());
    }

    /** Makes {@code headId} the champion of its backbone; the previous champion is retired. One commit. */
    public void promote(String headId) {
        Row head = find(headId)
                .orElseThrow(() -> TransferlakeException.cannot(
                        "promote head " + headId,
                        "there is no such head",
                        "List the heads with 'transferlake heads list'."));
        String backboneId = head.getAs("backbone_id");
        List<Row> changes = new ArrayList<>();
        champion(backboneId)
                .filter(current -> !current.getAs("head_id").equals(headId))
                .ifPresent(current -> changes.add(withStatus(current, RETIRED, current.getAs("promoted_at"))));
        changes.add(withStatus(head, CHAMPION, Timestamp.from(Instant.now())));
        tables.upsert(LakeTable.HEADS, spark.createDataFrame(changes, LakeTable.HEADS.schema()), Map.of());
    }

    /**
     * Gives the championship back to the head promoted before the current champion. One commit.
     *
     * @return the head that is champion again
     */
    public String rollback(String backboneId) {
        Row current = champion(backboneId)
                .orElseThrow(() -> TransferlakeException.cannot(
                        "roll back the champion of " + backboneId,
                        "there is no champion",
                        "Train and promote a head first."));
        Row previous = tables
                .read(LakeTable.HEADS)
                .where(col("backbone_id")
                        .equalTo(backboneId)
                        .and(col("status").equalTo(RETIRED))
                        .and(col("promoted_at").isNotNull()))
                .orderBy(col("promoted_at").desc())
                .limit(1)
                .collectAsList()
                .stream()
                .findFirst()
                .orElseThrow(() -> TransferlakeException.cannot(
                        "roll back the champion of " + backboneId,
                        "no earlier champion exists (" + current.getAs("head_id") + " is the first)",
                        "Promote another head by id instead."));
        tables.upsert(
                LakeTable.HEADS,
                spark.createDataFrame(
                        List.of(
                                withStatus(current, RETIRED, null),
                                withStatus(previous, CHAMPION, Timestamp.from(Instant.now()))),
                        LakeTable.HEADS.schema()),
                Map.of());
        return previous.getAs("head_id");
    }

    private static Row withStatus(Row head, String status, Timestamp promotedAt) {
        Object[] values = new Object[head.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = head.get(i);
        }
        values[head.fieldIndex("status")] = status;
        values[head.fieldIndex("promoted_at")] = promotedAt;
        return RowFactory.create(values);
    }
}
