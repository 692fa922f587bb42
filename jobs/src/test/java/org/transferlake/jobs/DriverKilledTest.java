package org.transferlake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.ConfigLoader;
import org.transferlake.lake.Lake;

/**
 * The driver (a child JVM running {@code transferlake nightly}) is killed with SIGKILL at each stage
 * in turn; the re-runs must converge to exactly the tables one clean nightly gives.
 */
@Tag("spark")
class DriverKilledTest {
    private static final Path DATA = Path.of("target/driver-killed-lake").toAbsolutePath();
    private static final String IMAGES = "s3a://lake/source/images/";
    /** Log lines of the stages to kill at, in the order a nightly reaches them (Stages logs each). */
    private static final List<String> KILL_AT = List.of(
            "extract [6/7] embed",
            "extract [7/7] write features and quarantine",
            "train [3/4] train logistic_regression",
            "train [4/4] compare with the champion",
            "score [3/4] merge into predictions");

    @BeforeAll
    static void freshLakeWithDemoImages() throws Exception {
        JobTests.deleteTree(DATA);
        Files.createDirectories(DATA);
        assertThat(cli("s3a://lake/source/", List.of("demo-data")).exitCode).isZero();
    }

    @AfterAll
    static void noServerLeftBehind() {
        killServersOf(DATA);
    }

    @Test
    void reRunsAfterTheDriverIsKilledAtEachStageConvergeToOneCleanRun() throws Exception {
        assertThat(cli("s3a://lake/clean/", List.of("nightly")).exitCode).isZero();

        List<String> killedAt = new ArrayList<>();
        for (String stage : KILL_AT) {
            ChildJvm run = start("s3a://lake/killed/", List.of("nightly"));
            if (run.waitFor(stage)) {
                run.process.destroyForcibly().waitFor();
                killedAt.add(stage);
            }
            killServersOf(DATA);
            // What the takeover does once the dead driver's heartbeat has been silent for
            // runs.lock-expiry-minutes (RunLockTest): here without waiting for it.
            Files.deleteIfExists(DATA.resolve("buckets/lake/killed/_transferlake/run.lock"));
        }
        assertThat(killedAt).as("every stage was reached and killed").isEqualTo(KILL_AT);
        ChildJvm last = start("s3a://lake/killed/", List.of("nightly"));
        assertThat(last.finish()).as(last.output()).isZero();
        killServersOf(DATA);

        try (Lake lake = Lake.open(ConfigLoader.load(
                null, Map.of("lake.embedded.data-dir", DATA.toString(), "lake.root", "s3a://lake/clean/"), Map.of()))) {
            SparkSession spark = lake.spark();
            assertThat(table(spark, "killed", "features", "path, backbone_id, content_sha256, label, embedding"))
                    .isEqualTo(table(spark, "clean", "features", "path, backbone_id, content_sha256, label, embedding"))
                    .hasSize(40);
            assertThat(table(spark, "killed", "quarantine", "path, reason"))
                    .isEqualTo(table(spark, "clean", "quarantine", "path, reason"));
            assertThat(table(spark, "killed", "heads", "algorithm, status, train_rows, test_rows, accuracy"))
                    .isEqualTo(table(spark, "clean", "heads", "algorithm, status, train_rows, test_rows, accuracy"));
            assertThat(table(spark, "killed", "predictions", "path, label, probability"))
                    .isEqualTo(table(spark, "clean", "predictions", "path, label, probability"))
                    .hasSize(40);
            List<Row> killedRuns = table(spark, "killed", "runs", "status");
            assertThat(killedRuns).extracting(row -> row.getString(0)).doesNotContain("running");
            assertThat(killedRuns).extracting(row -> row.getString(0)).contains("abandoned", "succeeded");
        }
    }

    private static List<Row> table(SparkSession spark, String lake, String table, String columns) {
        return spark.read()
                .format("delta")
                .load("s3a://lake/" + lake + "/" + table)
                .selectExpr(columns.split(", "))
                .orderBy(java.util.Arrays.stream(columns.split(", "))
                        .filter(column -> !column.equals("embedding"))
                        .map(org.apache.spark.sql.functions::col)
                        .toArray(org.apache.spark.sql.Column[]::new))
                .collectAsList();
    }

    private record Finished(int exitCode, String output) {}

    private static Finished cli(String root, List<String> args) throws Exception {
        ChildJvm child = start(root, args);
        int code = child.finish();
        killServersOf(DATA);
        return new Finished(code, child.output());
    }

    /** A child JVM running the CLI against the embedded lake in {@link #DATA}. */
    private static ChildJvm start(String root, List<String> args) throws IOException {
        List<String> all = new ArrayList<>(args);
        for (String setting : List.of(
                "lake.embedded.data-dir=" + DATA,
                "lake.root=" + root,
                "extract.roots=[\"" + IMAGES + "\"]",
                "backbone.cache-dir=" + Path.of("target/model-cache").toAbsolutePath(),
                "demo.train-per-class=3",
                "demo.test-per-class=1",
                "heads.algorithms=[logistic_regression]",
                "heads.logistic-regression.reg-params=[0.01]",
                "nightly.retrain-min-new-labels=20")) {
            all.addAll(List.of("--conf", setting));
        }
        return ChildJvm.start(ChildJvm.transferlake("2g", Map.of("spark.ui.enabled", "false"), all));
    }

    /** The embedded S3 server is a grandchild JVM: a SIGKILL of its parent leaves it running. */
    private static void killServersOf(Path dataDir) {
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("s3proxy"))
                .filter(p -> p.info().commandLine().orElse("").contains(dataDir.toString()))
                .forEach(p -> {
                    p.destroyForcibly();
                    p.onExit().join();
                });
    }
}
