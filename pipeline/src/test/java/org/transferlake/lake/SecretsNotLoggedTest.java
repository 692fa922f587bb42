package org.transferlake.lake;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.Credentials;
import org.transferlake.testing.LogCapture;
import org.transferlake.testing.SharedLake;

@Tag("spark")
class SecretsNotLoggedTest {
    @Test
    void generatedKeysNeverReachTheLogOrSparkUiConf() {
        Lake lake = SharedLake.get();
        SparkSession spark = lake.spark();
        spark.range(10).selectExpr("sum(id)").collect();
        Credentials keys = lake.server().orElseThrow().credentials();

        String log = LogCapture.text();

        assertThat(log).as("the lake start is logged").contains("Embedded S3 server on http://127.0.0.1:");
        assertThat(log).contains(Credentials.mask(keys.accessKey()));
        assertThat(log).doesNotContain(keys.accessKey(), keys.secretKey());
        // The Spark UI's environment page hides values whose key matches spark.redaction.regex.
        java.util.regex.Pattern redaction = spark.sparkContext()
                .conf()
                .get(org.apache.spark.internal.config.package$.MODULE$.SECRET_REDACTION_PATTERN())
                .pattern();
        java.util.List<String> keysHoldingSecrets = java.util.Arrays.stream(
                        spark.sparkContext().conf().getAll())
                .filter(entry ->
                        entry._2().contains(keys.accessKey()) || entry._2().contains(keys.secretKey()))
                .map(scala.Tuple2::_1)
                .toList();
        assertThat(keysHoldingSecrets)
                .containsExactlyInAnyOrder("spark.hadoop.fs.s3a.access.key", "spark.hadoop.fs.s3a.secret.key");
        assertThat(keysHoldingSecrets)
                .allSatisfy(
                        key -> assertThat(redaction.matcher(key).find()).as(key).isTrue());
    }
}
