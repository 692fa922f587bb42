package org.transferlake.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** deploy/ holds what a cluster runs: every file parses and calls the nightly the way the CLI expects. */
@Tag("unit")
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("../deploy");
    private static final String MAIN_CLASS = TransferlakeCli.class.getName();
    private static final String JAR = "transferlake-jobs-0.1.0-spark.jar";
    private static final String SCHEDULE = "15 2 * * *";

    private static String read(String relative) throws IOException {
        return Files.readString(DEPLOY.resolve(relative), StandardCharsets.UTF_8);
    }

    @Test
    void theSparkOperatorScheduleRunsTheNightlyOfTheJobJarOneAtATime() throws IOException {
        Map<String, Object> app = new Yaml().load(read("kubernetes/scheduled-nightly.yaml"));

        assertThat(app).containsEntry("kind", "ScheduledSparkApplication");
        Map<String, Object> spec = map(app.get("spec"));
        assertThat(spec).containsEntry("schedule", SCHEDULE).containsEntry("concurrencyPolicy", "Forbid");
        Map<String, Object> template = map(spec.get("template"));
        assertThat(template)
                .containsEntry("mainClass", MAIN_CLASS)
                .containsEntry("mainApplicationFile", "local:///opt/transferlake/" + JAR)
                .containsEntry("arguments", List.of("nightly", "--config", "/etc/transferlake/cluster.conf"));
        assertThat(map(template.get("sparkConf")))
                .containsEntry("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .containsEntry("spark.executor.resource.gpu.discoveryScript", "/opt/transferlake/get-gpus.sh");
    }

    @Test
    void theAirflowDagSubmitsTheNightlyOfTheJobJar() throws Exception {
        // Python's own parser: the DAG file must at least be valid Python, and its operator call is read from the AST.
        String script = String.join(
                "\n",
                "import ast, json, sys",
                "tree = ast.parse(open(sys.argv[1]).read())",
                "out = {}",
                "for node in ast.walk(tree):",
                "    if isinstance(node, ast.Call) and getattr(node.func, 'id', '') in ('SparkSubmitOperator', 'DAG'):",
                "        for k in node.keywords:",
                "            try: out[node.func.id + '.' + k.arg] = ast.literal_eval(k.value)",
                "            except ValueError: out[node.func.id + '.' + k.arg] = ast.unparse(k.value)",
                "print(json.dumps(out))");
        String parsed = run(
                "python3",
                "-c",
                script,
                DEPLOY.resolve("airflow/transferlake_nightly.py").toString());

        Map<String, Object> calls = new Yaml().load(parsed);
        assertThat(calls)
                .containsEntry("DAG.schedule", SCHEDULE)
                .containsEntry("DAG.max_active_runs", 1)
                .containsEntry("SparkSubmitOperator.java_class", MAIN_CLASS)
                .containsEntry("SparkSubmitOperator.application", "JAR")
                .containsEntry(
                        "SparkSubmitOperator.application_args",
                        List.of("nightly", "--config", "/etc/transferlake/cluster.conf"));
        assertThat(read("airflow/transferlake_nightly.py")).contains("JAR = \"/opt/transferlake/" + JAR + "\"");
    }

    @Test
    void cronRunsTheNightlyThroughTheSubmitWrapper() throws IOException {
        List<String> entries = read("nightly.cron")
                .lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .toList();

        assertThat(entries).hasSize(1);
        assertThat(entries.get(0))
                .startsWith(SCHEDULE + "  transferlake  /opt/transferlake/deploy/spark-submit.sh nightly --config ");
    }

    @Test
    void theSubmitWrapperCallsTheCliMainClassAndEveryShellScriptParses() throws Exception {
        assertThat(read("spark-submit.sh"))
                .contains("--class " + MAIN_CLASS, "jobs/target/" + JAR, "spark.sql.extensions=");
        List<Path> scripts;
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            scripts = files.filter(f -> f.toString().endsWith(".sh")).sorted().toList();
        }
        assertThat(scripts)
                .extracting(Path::getFileName)
                .extracting(Path::toString)
                .containsExactly("get-gpus.sh", "spark-submit.sh");
        for (Path script : scripts) {
            run("bash", "-n", script.toString());
            if (onPath("shellcheck")) {
                run("shellcheck", script.toString());
            }
        }
    }

    @Test
    void theExecutorImageShipsTheJobJarAndTheGpuDiscoveryScriptOnJre17() throws IOException {
        String dockerfile = read("docker/Dockerfile");

        assertThat(dockerfile)
                .contains(
                        "openjdk-17-jre-headless",
                        "COPY jobs/target/" + JAR + " /opt/transferlake/",
                        "COPY deploy/gpu/get-gpus.sh /opt/transferlake/get-gpus.sh",
                        "libcudnn8=8.9");
        assertThat(dockerfile.lines().filter(line -> line.startsWith("FROM ")))
                .containsExactly("FROM nvidia/cuda:12.3.2-runtime-ubuntu22.04");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private static boolean onPath(String command) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    /** Runs a command and returns its standard output; fails the test on a non-zero exit. */
    private static String run(String... command) throws Exception {
        assumeThat(onPath(command[0])).as(command[0] + " on PATH").isTrue();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor())
                .as(String.join(" ", command) + ":\n" + output)
                .isZero();
        return output;
    }
}
