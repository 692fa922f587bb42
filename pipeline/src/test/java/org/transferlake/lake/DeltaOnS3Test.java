package org.transferlake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.testing.SharedLake;

@Tag("spark")
class DeltaOnS3Test {
    @Test
    void createMergeHistoryAndTimeTravelOnS3a() {
        SparkSession spark = SharedLake.get().spark();
        URI table = SharedLake.freshRoot(getClass()).resolve("things");
        String delta = "delta.`" + table + "`";

        spark.sql("CREATE TABLE " + delta + " (id INT, name STRING) USING delta");
        spark.sql("INSERT INTO " + delta + " VALUES (1, 'one'), (2, 'two'), (3, 'three')");
        spark.sql("SELECT * FROM VALUES (2, 'TWO'), (3, 'THREE'), (4, 'four') AS t(id, name)")
                .createOrReplaceTempView("updates");
        spark.sql("MERGE INTO " + delta + " AS target USING updates AS source ON target.id = source.id "
                + "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");

        List<Row> now =
                spark.sql("SELECT id, name FROM " + delta + " ORDER BY id").collectAsList();
        assertThat(now).extracting(Row::toString).containsExactly("[1,one]", "[2,TWO]", "[3,THREE]", "[4,four]");
        assertThat(spark.sql("SELECT id FROM " + delta + " GROUP BY id HAVING count(*) > 1")
                        .count())
                .isZero();

        List<Row> history =
                spark.sql("DESCRIBE HISTORY " + delta).orderBy("version").collectAsList();
        assertThat(history)
                .extracting(row -> row.getAs("operation").toString())
                .containsExactly("CREATE TABLE", "WRITE", "MERGE");

        List<Row> beforeMerge = spark.sql("SELECT id, name FROM " + delta + " VERSION AS OF 1 ORDER BY id")
                .collectAsList();
        assertThat(beforeMerge).extracting(Row::toString).containsExactly("[1,one]", "[2,two]", "[3,three]");
    }
}
