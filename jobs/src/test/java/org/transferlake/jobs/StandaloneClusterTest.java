package org.transferlake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.Credentials;
import org.transferlake.lake.EmbeddedS3Server;
import org.transferlake.lake.Lake;

/**
 * The job jar run the way a cluster runs it: a standalone master and worker in their own JVMs, a
 * Spark home whose {@code jars/} holds only Spark, Hadoop, Delta and hadoop-aws (the spark-dist
 * module), and {@code SparkSubmit --master spark://…} of the shaded jar, which must bring
 * everything else (a class or service file missing from it fails here). The lake is an S3 server
 * outside the job, its keys given as a cluster gives them (environment variables).
 *
 * <p>The keys must then appear nowhere a person or a tool reads: not in {@code config show}, the
 * output of the runs or of a failed one (logs and exception messages), the Spark UI's environment
 * page while the nightly is live, the {@code runs} table, or any file in the lake.
 */
@Tag("cluster")
class StandaloneClusterTest {
    private static final Path WORK = Path.of("target/standalone").toAbsolutePath();
    private static final String ROOT = "s3a://lake/standalone/";

    @Test
    void nightlySubmittedToAStandaloneClusterFillsTheTablesAndShowsNoKey() throws Exception {
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

            Map<String, String> seen = new LinkedHashMap<>();
            // These two on the local launcher: what they print does not depend on the master, and it is quicker.
            ChildJvm configShow = ChildJvm.start(local(server, "config", "show"));
            assertThat(configShow.finish()).as(configShow.output()).isZero();
            seen.put("config show", configShow.output());
            ChildJvm noChampion = ChildJvm.start(local(server, "score"));
            assertThat(noChampion.finish())
                    .as("score before any head: " + noChampion.output())
                    .isEqualTo(1);
            seen.put("a failed score", noChampion.output());
            ChildJvm demo = ChildJvm.start(submit(sparkHome, jobJar, master, server, Map.of(), "demo-data"));
            assertThat(demo.finish()).as(demo.output()).isZero();
            seen.put("demo-data", demo.output());
            int uiPort = JobTests.freePort();
            ChildJvm nightly = ChildJvm.start(submit(
                    sparkHome,
                    jobJar,
                    master,
                    server,
                    Map.of("spark.ui.enabled", "true", "spark.ui.port", String.valueOf(uiPort)),
                    "nightly"));
            seen.put("Spark UI environment", environmentPage(nightly, uiPort));
            assertThat(nightly.finish()).as(nightly.output()).isZero();
            seen.put("nightly", nightly.output());

            assertThat(nightly.output())
                    .as("the driver ran against the standalone master")
                    .contains("(Spark 3.5.9 on " + master + ")");
            List<String> workerLines = daemons.get(1).lines();
            assertThat(workerLines.stream().filter(line -> line.contains("Asked to launch executor")))
                    .as("executors of both submissions ran in the worker's JVMs")
                    .hasSizeGreaterThanOrEqualTo(2);
            System.out.println(nightly.output());
            System.out.printf(
                    "spark-submit of nightly printed %d lines (demo-data: %d)%n",
                    nightly.lines().size(), demo.lines().size());
            assertThat(nightly.lines())
                    .as("the job jar's logging keeps Spark at WARN under spark-submit")
                    .hasSizeLessThan(150);

            try (Lake lake = Lake.open(ConfigLoader.load(
                    null,
                    Map.of("lake.endpoint", server.endpoint(), "lake.root", ROOT),
                    ConfigLoader.secretEnvironment(server.credentials())))) {
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
                seen.put(
                        "runs table",
                        spark.read().format("delta").load(ROOT + "runs").collectAsList().stream()
                                .map(Row::toString)
                                .collect(java.util.stream.Collectors.joining("\n")));
            }
            seen.put("files in the lake", lakeFiles());

            Credentials keys = server.credentials();
            assertThat(seen.get("config show")).contains("lake.secret-key = " + Credentials.mask(keys.secretKey()));
            assertThat(seen.get("a failed score")).contains("Cannot score");
            assertThat(seen.get("Spark UI environment")).contains("spark.hadoop.fs.s3a.secret.key");
            assertThat(seen.get("runs table")).contains("nightly-", "score-");
            seen.forEach((where, text) ->
                    assertThat(text).as(where).doesNotContain(keys.secretKey()).doesNotContain(keys.accessKey()));
        } finally {
            for (ChildJvm daemon : daemons) {
                daemon.process.destroy();
                daemon.process.waitFor();
            }
        }
    }

    /** Every file under the lake's buckets, concatenated (the server's own key files live outside them). */
    private static String lakeFiles() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(WORK.resolve("lake/buckets"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                all.append(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(all).as("the lake has files to scan").isNotEmpty();
        return all.toString();
    }

    /** The Spark UI's environment page (its REST form), fetched while the run is live. */
    private static String environmentPage(ChildJvm run, int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI applications = URI.create("http://127.0.0.1:" + port + "/api/v1/applications");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(3);
        while (run.process.isAlive() && System.nanoTime() < deadline) {
            try {
                String apps = http.send(
                                HttpRequest.newBuilder(applications).build(), HttpResponse.BodyHandlers.ofString())
                        .body();
                java.util.regex.Matcher id =
                        java.util.regex.Pattern.compile("\"id\" : \"([^\"]+)\"").matcher(apps);
                if (id.find()) {
                    return http.send(
                                    HttpRequest.newBuilder(
                                                    URI.create(applications + "/" + id.group(1) + "/environment"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body();
                }
            } catch (java.net.ConnectException notYet) {
                // The UI is not up yet.
            }
            Thread.sleep(100);
        }
        throw new AssertionError("The Spark UI never answered on port " + port + ":\n" + run.output());
    }

    private static long count(SparkSession spark, String table) {
        return spark.read().format("delta").load(ROOT + table).count();
    }

    /**
     * {@code SparkSubmit} of the job jar with one CLI command, in client mode, on a small demo sample,
     * with {@code sparkConf} over the submission's own (the UI is off unless it says otherwise).
     */
    private static ProcessBuilder submit(
            Path sparkHome,
            Path jobJar,
            String master,
            EmbeddedS3Server server,
            Map<String, String> sparkConf,
            String... command) {
        Map<String, String> conf = new LinkedHashMap<>(Map.of(
                "spark.executor.memory", "1g",
                "spark.executor.cores", "1",
                "spark.cores.max", "2",
                "spark.ui.enabled", "false",
                "spark.executorEnv.TF_CPP_MIN_LOG_LEVEL", "2"));
        conf.putAll(sparkConf);
        List<String> args = new ArrayList<>(List.of(
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                master,
                "--deploy-mode",
                "client",
                "--class",
                TransferlakeCli.class.getName()));
        conf.forEach((key, value) -> args.addAll(List.of("--conf", key + "=" + value)));
        args.add(jobJar.toString());
        args.addAll(List.of(command));
        args.addAll(settings(server));
        ProcessBuilder builder = sparkProcess(sparkHome, "2g", args);
        builder.environment().putAll(ConfigLoader.secretEnvironment(server.credentials()));
        return builder;
    }

    /** {@code transferlake <command>} on the local launcher (local mode), with the same settings and keys. */
    private static ProcessBuilder local(EmbeddedS3Server server, String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(settings(server));
        ProcessBuilder builder = ChildJvm.transferlake("2g", Map.of("spark.ui.enabled", "false"), args);
        builder.environment().putAll(ConfigLoader.secretEnvironment(server.credentials()));
        return builder;
    }

    /** The CLI's {@code --conf} settings: the external lake, a small demo sample, one quick head. */
    private static List<String> settings(EmbeddedS3Server server) {
        List<String> args = new ArrayList<>();
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
        return args;
    }

    private static ChildJvm daemon(Path sparkHome, String mainClass, List<String> args) throws IOException {
        List<String> all = new ArrayList<>(List.of(mainClass));
        all.addAll(args);
        return ChildJvm.start(sparkProcess(sparkHome, "512m", all));
    }

    /** A JVM on the Spark home's jars, as {@code bin/spark-class} starts one. */
    private static ProcessBuilder sparkProcess(Path sparkHome, String heap, List<String> mainAndArgs) {
        List<String> command = org.transferlake.bench.JavaCommand.java(heap);
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
