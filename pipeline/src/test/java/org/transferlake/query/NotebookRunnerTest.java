package org.transferlake.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.testing.SharedLake;

/** A notebook run on literal queries: outputs, a chart, an empty result, the first failure and after it. */
@Tag("spark")
class NotebookRunnerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static SparkSession spark;

    @BeforeAll
    static void session() {
        spark = SharedLake.get().spark();
    }

    private static Map<String, Object> code(String source, Map<String, Object> settings) {
        return Map.of(
                "cell_type",
                "code",
                "metadata",
                settings.isEmpty() ? Map.of() : Map.of("transferlake", settings),
                "execution_count",
                7,
                "outputs",
                List.of(Map.of("output_type", "stream", "name", "stdout", "text", "stale")),
                "source",
                List.of(source));
    }

    private static Path notebook(Path dir, List<Map<String, Object>> cells) throws java.io.IOException {
        Path notebook = dir.resolve("in.ipynb");
        JSON.writeValue(
                notebook.toFile(), Map.of("nbformat", 4, "nbformat_minor", 5, "metadata", Map.of(), "cells", cells));
        return notebook;
    }

    @Test
    void cellsRunInOrderUntilOneFailsAndTheirResultsBecomeOutputs(@TempDir Path dir) throws Exception {
        Path notebook = notebook(
                dir,
                List.of(
                        Map.of("cell_type", "markdown", "metadata", Map.of(), "source", List.of("# Title")),
                        code(
                                "SELECT * FROM VALUES ('a', 2), ('b<', 3) AS t(label, images)",
                                Map.of(
                                        "expect_rows",
                                        true,
                                        "chart",
                                        Map.of("type", "bar", "x", "label", "y", List.of("images")))),
                        code(
                                "CREATE OR REPLACE TEMPORARY VIEW nothing AS SELECT 1 AS one WHERE false;\n"
                                        + "SELECT * FROM nothing",
                                Map.of("expect_rows", true)),
                        code("SELECT 1 AS fine;\nSELECT * FROM no_such_table", Map.of()),
                        code("SELECT 'after'", Map.of())));
        Path written = dir.resolve("out.ipynb");

        NotebookRunner.Outcome outcome = NotebookRunner.run(spark, notebook, written);

        assertThat(outcome.cellsRun()).isEqualTo(3);
        assertThat(outcome.failedCell()).isEqualTo(3);
        assertThat(outcome.emptyCells()).containsExactly(2);
        assertThat(outcome.error())
                .startsWith("Cell 3: Cannot run statement 2 (line 2): [TABLE_OR_VIEW_NOT_FOUND] The table or view"
                        + " `no_such_table` cannot be found.")
                .doesNotContain("\n");
        JsonNode cells = JSON.readTree(written.toFile()).get("cells");
        assertThat(cells.get(0).get("source").get(0).asText()).isEqualTo("# Title");

        JsonNode first = cells.get(1).get("outputs");
        assertThat(cells.get(1).get("execution_count").asInt()).isEqualTo(1);
        assertThat(first).hasSize(2);
        assertThat(text(first.get(0).get("data").get("text/html")))
                .contains("<th>label</th><th>images</th>", "<td>b&lt;</td><td style=\"text-align: right\">3</td>");
        assertThat(text(first.get(0).get("data").get("text/plain"))).contains("| b<    |      3 |");
        BufferedImage chart = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder()
                .decode(first.get(1).get("data").get("image/png").asText())));
        assertThat(chart.getWidth()).isEqualTo(720);
        // The first series is JFreeChart's red: an empty chart (axes, labels, legend box) has almost none.
        int red = 0;
        for (int x = 0; x < chart.getWidth(); x++) {
            for (int y = 0; y < chart.getHeight(); y++) {
                java.awt.Color pixel = new java.awt.Color(chart.getRGB(x, y));
                if (pixel.getRed() > 180 && pixel.getGreen() < 140 && pixel.getBlue() < 140) {
                    red++;
                }
            }
        }
        assertThat(red).as("pixels of the bars").isGreaterThan(2000);

        assertThat(cells.get(3).get("outputs").get(1).get("output_type").asText())
                .isEqualTo("error");
        assertThat(cells.get(4).get("outputs"))
                .as("nothing stale after the failure")
                .isEmpty();
        assertThat(cells.get(4).get("execution_count").isNull()).isTrue();
    }

    @Test
    void aChartOfAColumnThatHoldsNoNumbersFailsItsCellWithWhy(@TempDir Path dir) throws Exception {
        Path notebook = notebook(
                dir,
                List.of(code(
                        "SELECT 'a' AS label, 'x' AS images",
                        Map.of("chart", Map.of("type", "bar", "x", "label", "y", List.of("images"))))));

        NotebookRunner.Outcome outcome = NotebookRunner.run(spark, notebook, dir.resolve("out.ipynb"));

        assertThat(outcome.error())
                .isEqualTo("Cell 1: Cannot draw the chart: column images is string, not a number. Chart a numeric"
                        + " column, or cast it in the query.");
    }

    @Test
    void theNotebookIsWrittenAsJupyterWritesIt(@TempDir Path dir) throws Exception {
        Path notebook = dir.resolve("in.ipynb");
        Files.writeString(
                notebook,
                "{\"nbformat\": 4, \"nbformat_minor\": 5, \"metadata\": {}, \"cells\": [{\"cell_type\": \"code\","
                        + " \"id\": \"c1\", \"metadata\": {}, \"execution_count\": null, \"outputs\": [],"
                        + " \"source\": [\"CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1 AS one\"]}]}");

        NotebookRunner.run(spark, notebook, notebook);

        assertThat(Files.readString(notebook))
                .isEqualTo(String.join(
                        "\n",
                        "{",
                        " \"nbformat\": 4,",
                        " \"nbformat_minor\": 5,",
                        " \"metadata\": {},",
                        " \"cells\": [",
                        "  {",
                        "   \"cell_type\": \"code\",",
                        "   \"id\": \"c1\",",
                        "   \"metadata\": {},",
                        "   \"execution_count\": 1,",
                        "   \"outputs\": [],",
                        "   \"source\": [",
                        "    \"CREATE OR REPLACE TEMPORARY VIEW v AS SELECT 1 AS one\"",
                        "   ]",
                        "  }",
                        " ]",
                        "}",
                        ""));
    }

    @Test
    void aFileThatIsNoNotebookIsRefused(@TempDir Path dir) throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.ipynb"), "{\"cells\": []}");

        assertThatThrownBy(() -> NotebookRunner.run(spark, notes, notes))
                .hasMessage(
                        "Cannot run notebook " + notes + ": it is not an nbformat 4 notebook (no nbformat 4, or"
                                + " no cells). Give it a Jupyter notebook (.ipynb, nbformat 4) whose code cells are Spark SQL.");
    }

    private static String text(JsonNode lines) {
        StringBuilder text = new StringBuilder();
        lines.forEach(line -> text.append(line.asText()));
        return text.toString();
    }
}
