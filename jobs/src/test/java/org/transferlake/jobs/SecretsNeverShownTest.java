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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.transferlake.config.ConfigLoader;
import org.transferlake.config.Credentials;
import org.transferlake.lake.EmbeddedS3Server;
import org.transferlake.lake.Lake;

/**
 * The lake's keys, given the way a cluster gives them (environment variables), appear nowhere a
 * person or a tool can read: not in the output of {@code config show}, of a run or of a failed run
 * (logs and exception messages), not in the Spark UI's environment page while a run is live, not
 * in the {@code runs} table, and in no file the lake holds.
 */
@Tag("spark")
class SecretsNeverShownTest {
    private static final Path DATA = Path.of("target/secrets-lake").toAbsolutePath();
    private static final String ROOT = "s3a://lake/secrets/";

    @Test
    void theLakeKeysAppearInNoOutputUiPageTableOrLakeFile() throws Exception {
        JobTests.deleteTree(DATA);
        Map<String, String> seen = new LinkedHashMap<>();
        Credentials keys;
        try (EmbeddedS3Server server = EmbeddedS3Server.start(DATA, 0, "lake")) {
            keys = server.credentials();
            int uiPort = JobTests.freePort();
            seen.put("config show", cli(server, Map.of(), "config", "show").output());
            seen.put("demo-data", cli(server, Map.of(), "demo-data").output());

            ChildJvm extract = ChildJvm.start(builder(
                    server, Map.of("spark.ui.enabled", "true", "spark.ui.port", String.valueOf(uiPort)), "extract"));
            seen.put("Spark UI environment", environmentPage(extract, uiPort));
            assertThat(extract.finish()).as(extract.output()).isZero();
            seen.put("extract", extract.output());

            ChildJvm failed = cli(server, Map.of(), "score");
            assertThat(failed.process.exitValue())
                    .as("score without a champion fails")
                    .isNotZero();
            seen.put("a failed score", failed.output());

            try (Lake lake = Lake.open(ConfigLoader.load(
                    null,
                    Map.of("lake.endpoint", server.endpoint(), "lake.root", ROOT),
                    JobTests.keysInEnvironment(keys)))) {
                seen.put(
                        "runs table",
                        lake.spark().read().format("delta").load(ROOT + "runs").collectAsList().stream()
                                .map(Row::toString)
                                .reduce("", String::concat));
            }
        }
        seen.put("files in the lake", lakeFiles());

        assertThat(seen.get("config show")).contains("lake.secret-key = " + Credentials.mask(keys.secretKey()));
        assertThat(seen.get("Spark UI environment")).contains("spark.hadoop.fs.s3a.secret.key");
        assertThat(seen.get("runs table")).contains("extract-", "score-");
        assertThat(seen.get("a failed score")).contains("Cannot ");
        seen.forEach((where, text) ->
                assertThat(text).as(where).doesNotContain(keys.secretKey()).doesNotContain(keys.accessKey()));
    }

    /** Every file under the lake's buckets, concatenated (the server's own key files live outside them). */
    private static String lakeFiles() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(DATA.resolve("buckets"))) {
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

    private static ChildJvm cli(EmbeddedS3Server server, Map<String, String> properties, String... command)
            throws Exception {
        ChildJvm child = ChildJvm.start(builder(server, properties, command));
        child.finish();
        return child;
    }

    /** The CLI against the server as an external lake, with the keys in the environment only. */
    private static ProcessBuilder builder(EmbeddedS3Server server, Map<String, String> properties, String... command) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("spark.ui.enabled", "false"));
        all.putAll(properties);
        List<String> args = new ArrayList<>(List.of(command));
        for (String setting : List.of(
                "lake.endpoint=" + server.endpoint(),
                "lake.root=" + ROOT,
                "backbone.cache-dir=" + Path.of("target/model-cache").toAbsolutePath(),
                "demo.train-per-class=2",
                "demo.test-per-class=1")) {
            args.addAll(List.of("--conf", setting));
        }
        ProcessBuilder builder = ChildJvm.transferlake("2g", all, args);
        builder.environment().putAll(JobTests.keysInEnvironment(server.credentials()));
        return builder;
    }
}
