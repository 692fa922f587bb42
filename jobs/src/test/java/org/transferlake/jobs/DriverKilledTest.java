package org.transferlake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
        deleteTree(DATA);
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
            Child run = start("s3a://lake/killed/", List.of("nightly"));
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
        Child last = start("s3a://lake/killed/", List.of("nightly"));
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

    /** A child JVM running the CLI against the embedded lake in {@link #DATA}, its output read as it comes. */
    private static final class Child {
        final Process process;
        final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread reader;

        Child(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // The process was killed.
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** Waits until a log line names {@code stage}; false if the run ended first. */
        boolean waitFor(String stage) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (System.nanoTime() < deadline) {
                synchronized (lines) {
                    if (lines.stream().anyMatch(line -> line.endsWith(stage))) {
                        return true;
                    }
                }
                if (!process.isAlive()) {
                    return false;
                }
                Thread.sleep(20);
            }
            return false;
        }

        int finish() throws InterruptedException {
            process.waitFor(10, TimeUnit.MINUTES);
            reader.join(10_000);
            return process.exitValue();
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }

    private record Finished(int exitCode, String output) {}

    private static Finished cli(String root, List<String> args) throws Exception {
        Child child = start(root, args);
        int code = child.finish();
        killServersOf(DATA);
        return new Finished(code, child.output());
    }

    private static Child start(String root, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g"));
        // The same --add-opens as this JVM (Spark on Java 17).
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(argument -> argument.startsWith("--add-opens"))
                .forEach(command::add);
        command.addAll(List.of(
                "-Dtransferlake.s3proxy.jar=" + System.getProperty("transferlake.s3proxy.jar"),
                "-Dspark.ui.enabled=false",
                "-cp",
                System.getProperty("java.class.path"),
                TransferlakeCli.class.getName()));
        command.addAll(args);
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
            command.addAll(List.of("--conf", setting));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("TF_ENABLE_ONEDNN_OPTS", "1");
        builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        return new Child(builder.start());
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

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
