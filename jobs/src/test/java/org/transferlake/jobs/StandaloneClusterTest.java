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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.ConfigLoader;
import org.transferlake.lake.EmbeddedS3Server;
import org.transferlake.lake.Lake;

/**
 * The job jar run the way a cluster runs it: a standalone master and worker in their own JVMs, a
 * Spark home whose {@code jars/} holds only Spark, Hadoop, Delta and hadoop-aws (the spark-dist
 * module), and {@code SparkSubmit --master spark://…} of the shaded jar, which must bring
 * everything else (a class or service file missing from it fails here). The lake is an S3 server
 * outside the job, as on a cluster.
 */
@Tag("cluster")
class StandaloneClusterTest {
    private static final Path WORK = Path.of("target/standalone").toAbsolutePath();
    private static final String ROOT = "s3a://lake/standalone/";

    @Test
    void nightlySubmittedToAStandaloneClusterFillsTheTables() throws Exception {
        JobTests.deleteTree(WORK);
        Path sparkHome = sparkHome();
        Path jobJar = Path.of(System.getProperty("transferlake.job.jar"));
        assertThat(jobJar).as("the shaded job jar (mvn package builds it)").isRegularFile();
        int masterPort = JobTests.freePort();
        String master = "spark://127.0.0.1:" + masterPort;
        List<ChildJvm> daemons = new ArrayList<>();
        try (EmbeddedS3Server server = EmbeddedS3Server.start(WORK.resolve("lake"), 0, "lake")) {
            daemons.add(daemon(
                    sparkHome,
                    "org.apache.spark.deploy.master.Master",
                    List.of("--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port", "0")));
            assertThat(daemons.get(0).waitFor("I have been elected leader! New state: ALIVE"))
                    .as(daemons.get(0).output())
                    .isTrue();
            daemons.add(daemon(
                    sparkHome,
                    "org.apache.spark.deploy.worker.Worker",
                    List.of(
                            "--host",
                            "127.0.0.1",
                            "--cores",
                            "2",
                            "--memory",
                            "3g",
                            "--webui-port",
                            "0",
                            "--work-dir",
                            WORK.resolve("worker").toString(),
                            master)));
            assertThat(daemons.get(1).waitFor("Successfully registered with master " + master))
                    .as(daemons.get(1).output())
                    .isTrue();

            ChildJvm demo = submit(sparkHome, jobJar, master, server, "demo-data");
            assertThat(demo.finish()).as(demo.output()).isZero();
            ChildJvm nightly = submit(sparkHome, jobJar, master, server, "nightly");
            assertThat(nightly.finish()).as(nightly.output()).isZero();

            assertThat(nightly.output())
                    .as("the driver ran against the standalone master")
                    .contains("(Spark 3.5.9 on " + master + ")");
            List<String> workerLines = daemons.get(1).lines();
            assertThat(workerLines.stream().filter(line -> line.contains("Asked to launch executor")))
                    .as("executors of both submissions ran in the worker's JVMs")
                    .hasSizeGreaterThanOrEqualTo(2);
            System.out.printf(
                    "spark-submit of nightly printed %d lines (demo-data: %d)%n",
                    nightly.lines().size(), demo.lines().size());
            assertThat(nightly.lines())
                    .as("the job jar's logging keeps Spark at WARN under spark-submit")
                    .hasSizeLessThan(150);

            try (Lake lake = Lake.open(ConfigLoader.load(
                    null,
                    Map.of("lake.endpoint", server.endpoint(), "lake.root", ROOT),
                    JobTests.keysInEnvironment(server.credentials())))) {
                SparkSession spark = lake.spark();
                assertThat(count(spark, "features")).isEqualTo(40);
                assertThat(count(spark, "predictions")).isEqualTo(40);
                List<Row> heads = spark.read()
                        .format("delta")
                        .load(ROOT + "heads")
                        .select("status")
                        .collectAsList();
                assertThat(heads).extracting(row -> row.getString(0)).contains("champion");
                Row run = spark.read()
                        .format("delta")
                        .load(ROOT + "runs")
                        .where("job = 'nightly'")
                        .select("status", "child_run_ids")
                        .head();
                assertThat(run.getString(0)).isEqualTo("succeeded");
                assertThat(run.getList(1)).hasSize(3);
            }
        } finally {
            for (ChildJvm daemon : daemons) {
                daemon.process.destroy();
                daemon.process.waitFor();
            }
        }
    }

    private static long count(SparkSession spark, String table) {
        return spark.read().format("delta").load(ROOT + table).count();
    }

    /** {@code SparkSubmit} of the job jar with one CLI command, in client mode, on a small demo sample. */
    private static ChildJvm submit(Path sparkHome, Path jobJar, String master, EmbeddedS3Server server, String command)
            throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                master,
                "--deploy-mode",
                "client",
                "--class",
                TransferlakeCli.class.getName(),
                "--conf",
                "spark.executor.memory=1g",
                "--conf",
                "spark.executor.cores=1",
                "--conf",
                "spark.cores.max=2",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.executorEnv.TF_CPP_MIN_LOG_LEVEL=2",
                jobJar.toString(),
                command));
        for (String setting : List.of(
                "lake.endpoint=" + server.endpoint(),
                "lake.root=" + ROOT,
                "backbone.cache-dir=" + WORK.resolve("model-cache"),
                "demo.train-per-class=3",
                "demo.test-per-class=1",
                "heads.algorithms=[logistic_regression]",
                "heads.logistic-regression.reg-params=[0.01]",
                "nightly.retrain-min-new-labels=20")) {
            args.addAll(List.of("--conf", setting));
        }
        ProcessBuilder builder = sparkProcess(sparkHome, "2g", args);
        builder.environment().putAll(JobTests.keysInEnvironment(server.credentials()));
        return ChildJvm.start(builder);
    }

    private static ChildJvm daemon(Path sparkHome, String mainClass, List<String> args) throws IOException {
        List<String> all = new ArrayList<>(List.of(mainClass));
        all.addAll(args);
        return ChildJvm.start(sparkProcess(sparkHome, "512m", all));
    }

    /** A JVM on the Spark home's jars, as {@code bin/spark-class} starts one. */
    private static ProcessBuilder sparkProcess(Path sparkHome, String heap, List<String> mainAndArgs) {
        List<String> command = ChildJvm.java(heap);
        command.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*"));
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command).directory(WORK.toFile());
        builder.environment().put("SPARK_HOME", sparkHome.toString());
        builder.environment().put("SPARK_SCALA_VERSION", "2.12");
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        return builder;
    }

    /** A Spark home with a distribution's layout: {@code jars/} links to the spark-dist module's classpath. */
    private static Path sparkHome() throws IOException {
        Path classpathFile = Path.of(System.getProperty("transferlake.spark.classpath"));
        assertThat(classpathFile)
                .as("spark-dist's classpath (mvn package writes it)")
                .isRegularFile();
        Path jars = Files.createDirectories(WORK.resolve("spark-home/jars"));
        for (String jar : Files.readString(classpathFile).trim().split(java.io.File.pathSeparator)) {
            Path source = Path.of(jar);
            Files.createSymbolicLink(jars.resolve(source.getFileName()), source);
        }
        return WORK.resolve("spark-home");
    }
}
