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
import org.apache.spark.sql.SparkSession;
import org.transferlake.config.Errors;
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

    public Optional<HeadRecord> find(String headId) {
        return first(tables.read(LakeTable.HEADS).where(col("head_id").equalTo(headId)));
    }

    public Optional<HeadRecord> champion(String backboneId) {
        return champion(tables.read(LakeTable.HEADS), backboneId);
    }

    /** The champion of {@code backboneId} among {@code heads}: for readers that must not migrate the table. */
    public static Optional<HeadRecord> champion(Dataset<Row> heads, String backboneId) {
        return first(heads.where(
                col("backbone_id").equalTo(backboneId).and(col("status").equalTo(CHAMPION))));
    }

    /** When the latest head of {@code backboneId} was trained, champion or not; empty when none was. */
    public Optional<Timestamp> lastTrainedAt(String backboneId) {
        Row latest = tables.read(LakeTable.HEADS)
                .where(col("backbone_id").equalTo(backboneId))
                .agg(org.apache.spark.sql.functions.max("created_at"))
                .head();
        return Optional.ofNullable(latest.getTimestamp(0));
    }

    /**
     * Records a train run's heads as candidates and, if {@code promoted} names one of them, makes it the
     * champion (the previous one retired): one commit, so a run killed midway leaves no head behind
     * and its re-run trains again, as if it had never run.
     */
    public void register(List<HeadRecord> candidates, Optional<String> promoted) {
        List<HeadRecord> changes = new ArrayList<>();
        for (HeadRecord head : candidates) {
            if (promoted.isPresent() && promoted.get().equals(head.headId())) {
                champion(head.backboneId())
                        .ifPresent(current -> changes.add(current.withStatus(RETIRED, current.promotedAt())));
                changes.add(head.withStatus(CHAMPION, Timestamp.from(Instant.now())));
            } else {
                changes.add(head);
            }
        }
        tables.upsert(LakeTable.HEADS, HeadRecord.frame(spark, changes), Map.of());
    }

    /** Makes {@code headId} the champion of its backbone; the previous champion is retired. One commit. */
    public void promote(String headId) {
        HeadRecord head = find(headId).orElseThrow(() -> Errors.noSuchHead(headId));
        List<HeadRecord> changes = new ArrayList<>();
        champion(head.backboneId())
                .filter(current -> !current.headId().equals(headId))
                .ifPresent(current -> changes.add(current.withStatus(RETIRED, current.promotedAt())));
        changes.add(head.withStatus(CHAMPION, Timestamp.from(Instant.now())));
        tables.upsert(LakeTable.HEADS, HeadRecord.frame(spark, changes), Map.of());
    }

    /**
     * Gives the championship back to the head promoted before the current champion. One commit.
     *
     * @return the head that is champion again
     */
    public String rollback(String backboneId) {
        HeadRecord current = champion(backboneId).orElseThrow(() -> Errors.noChampionToRollBack(backboneId));
        HeadRecord previous = first(tables.read(LakeTable.HEADS)
                        .where(col("backbone_id")
                                .equalTo(backboneId)
                                .and(col("status").equalTo(RETIRED))
                                .and(col("promoted_at").isNotNull()))
                        .orderBy(col("promoted_at").desc())
                        .limit(1))
                .orElseThrow(() -> Errors.noEarlierChampion(backboneId, current.headId()));
        tables.upsert(
                LakeTable.HEADS,
                HeadRecord.frame(
                        spark,
                        List.of(
                                current.withStatus(RETIRED, null),
                                previous.withStatus(CHAMPION, Timestamp.from(Instant.now())))),
                Map.of());
        return previous.headId();
    }

    private static Optional<HeadRecord> first(Dataset<Row> heads) {
        return heads.limit(1).collectAsList().stream().findFirst().map(HeadRecord::fromRow);
    }
}
