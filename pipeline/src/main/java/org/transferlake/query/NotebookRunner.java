package org.transferlake.query;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.transferlake.config.Errors;

/**
 * Runs a Jupyter notebook whose code cells are Spark SQL, as {@code jupyter nbconvert --execute}
 * would: every statement of every code cell in order, each result written into the cell's outputs as
 * an HTML table and aligned text, and a PNG chart where the cell's metadata asks for one
 * ({@code "transferlake": {"chart": {"type": "bar", "x": "label", "y": ["images"]}}}). The first
 * failing cell gets an error output and ends the run; cells after it are left without outputs, so
 * nothing stale reads as current. A cell whose metadata says {@code "expect_rows": true} and whose
 * last result is empty is reported.
 */
public final class NotebookRunner {
    /** Rows kept per result in the notebook: it is for reading, not for exporting. */
    public static final int MAX_ROWS = 50;

    private static final ObjectMapper JSON = new ObjectMapper();

    private NotebookRunner() {}

    /**
     * What a run did.
     *
     * @param failedCell the number (from 1, counting code cells) of the cell that failed, or 0
     * @param error that cell's error, on one line; empty when none failed
     * @param emptyCells cells that expected rows and got none
     */
    public record Outcome(int cellsRun, int failedCell, String error, List<Integer> emptyCells) {
        public boolean succeeded() {
            return failedCell == 0 && emptyCells.isEmpty();
        }
    }

    /** Runs {@code notebook} on {@code spark} and writes it, with its outputs, to {@code output}. */
    public static Outcome run(SparkSession spark, Path notebook, Path output) {
        ObjectNode document = read(notebook);
        JsonNode cells = document.get("cells");
        int number = 0;
        int run = 0;
        int failed = 0;
        String error = "";
        List<Integer> empty = new ArrayList<>();
        for (JsonNode node : cells) {
            if (!"code".equals(node.path("cell_type").asText())) {
                continue;
            }
            ObjectNode cell = (ObjectNode) node;
            number++;
            ArrayNode outputs = cell.putArray("outputs");
            if (failed > 0) {
                cell.putNull("execution_count");
                continue;
            }
            cell.put("execution_count", number);
            run++;
            JsonNode settings = cell.path("metadata").path("transferlake");
            ResultFormat.Collected last = null;
            int statementNumber = 0;
            int line = 1;
            try {
                for (SqlScript.Statement statement : SqlScript.split(source(cell))) {
                    statementNumber++;
                    line = statement.line();
                    Dataset<Row> result = spark.sql(statement.text());
                    if (result.columns().length == 0) {
                        continue;
                    }
                    last = ResultFormat.collect(result, MAX_ROWS);
                    outputs.add(result(last, number));
                }
                JsonNode chart = settings.path("chart");
                if (last != null && chart.isObject()) {
                    outputs.add(chart(last, chart));
                }
                if (settings.path("expect_rows").asBoolean(false)
                        && (last == null || last.rows().isEmpty())) {
                    empty.add(number);
                }
            } catch (Exception e) { // Spark throws AnalysisException, a checked exception, undeclared
                failed = number;
                error = "Cell " + number + ": " + SqlShell.oneLine(statementNumber, line, e);
                ObjectNode errorOutput = outputs.addObject();
                errorOutput.put("output_type", "error");
                errorOutput.put("ename", e.getClass().getSimpleName());
                errorOutput.put("evalue", error);
                errorOutput.putArray("traceback").add(error);
            }
        }
        write(document, output);
        return new Outcome(run, failed, error, List.copyOf(empty));
    }

    /** The source of every code cell of {@code notebook}, in order. */
    public static List<String> codeCells(Path notebook) {
        List<String> sources = new ArrayList<>();
        for (JsonNode cell : read(notebook).get("cells")) {
            if ("code".equals(cell.path("cell_type").asText())) {
                sources.add(source(cell));
            }
        }
        return sources;
    }

    private static ObjectNode read(Path notebook) {
        String text;
        try {
            text = Files.readString(notebook);
        } catch (IOException e) {
            throw Errors.sqlFileUnreadable(notebook, e);
        }
        JsonNode document;
        try {
            document = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw Errors.notebookUnreadable(
                    notebook,
                    "it is not JSON (" + e.getOriginalMessage() + " at line "
                            + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
        }
        if (!(document instanceof ObjectNode object)
                || document.path("nbformat").asInt() != 4
                || !document.path("cells").isArray()) {
            throw Errors.notebookUnreadable(notebook, "it is not an nbformat 4 notebook (no nbformat 4, or no cells)");
        }
        return object;
    }

    /** A cell's source: nbformat stores it as one string or as a list of lines. */
    private static String source(JsonNode cell) {
        JsonNode source = cell.path("source");
        if (source.isTextual()) {
            return source.asText();
        }
        StringBuilder text = new StringBuilder();
        source.forEach(line -> text.append(line.asText()));
        return text.toString();
    }

    private static ObjectNode result(ResultFormat.Collected table, int executionCount) {
        ObjectNode output = JSON.createObjectNode();
        output.put("output_type", "execute_result");
        output.put("execution_count", executionCount);
        output.putObject("metadata");
        ObjectNode data = output.putObject("data");
        String more = table.truncated() ? "(first " + MAX_ROWS + " rows)\n" : "";
        data.set("text/html", lines(ResultFormat.html(table) + (more.isEmpty() ? "" : "<p>" + more + "</p>\n")));
        data.set("text/plain", lines(ResultFormat.text(table) + more));
        return output;
    }

    private static ObjectNode chart(ResultFormat.Collected table, JsonNode spec) {
        List<String> y = new ArrayList<>();
        spec.path("y").forEach(column -> y.add(column.asText()));
        byte[] png = ResultChart.png(
                table,
                new ResultChart.Spec(
                        spec.path("type").asText("bar"), spec.path("x").asText(), y),
                spec.path("title").asText(""));
        ObjectNode output = JSON.createObjectNode();
        output.put("output_type", "display_data");
        output.putObject("metadata");
        ObjectNode data = output.putObject("data");
        data.put("image/png", Base64.getEncoder().encodeToString(png));
        data.set(
                "text/plain",
                lines("<chart: " + spec.path("type").asText("bar") + " of " + y + " by "
                        + spec.path("x").asText() + ">"));
        return output;
    }

    /** Text as nbformat's list of lines, each but the last ending in a newline. */
    private static ArrayNode lines(String text) {
        ArrayNode lines = JSON.createArrayNode();
        int start = 0;
        for (int newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
            lines.add(text.substring(start, newline + 1));
            start = newline + 1;
        }
        if (start < text.length()) {
            lines.add(text.substring(start));
        }
        return lines;
    }

    private static void write(ObjectNode document, Path output) {
        try {
            Files.writeString(output, JSON.writer(new JupyterStyle()).writeValueAsString(document) + "\n");
        } catch (IOException e) {
            throw Errors.notebookUnwritable(output, e);
        }
    }

    /**
     * JSON as Jupyter writes a notebook: one space of indent, {@code "key": value}, {@code []} and
     * {@code {}} for empty ones, so diffs against a notebook saved by Jupyter stay small.
     */
    private static final class JupyterStyle extends DefaultPrettyPrinter {
        private static final long serialVersionUID = 1L;

        JupyterStyle() {
            _objectIndenter = new DefaultIndenter(" ", "\n");
            _arrayIndenter = new DefaultIndenter(" ", "\n");
        }

        JupyterStyle(JupyterStyle base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            // Jackson asks for a fresh copy per document: a plain DefaultPrettyPrinter would lose the overrides.
            return new JupyterStyle(this);
        }

        @Override
        public void writeObjectFieldValueSeparator(com.fasterxml.jackson.core.JsonGenerator generator)
                throws IOException {
            generator.writeRaw(": ");
        }

        @Override
        public void writeEndArray(com.fasterxml.jackson.core.JsonGenerator generator, int values) throws IOException {
            if (values == 0) {
                _nesting--;
                generator.writeRaw(']');
            } else {
                super.writeEndArray(generator, values);
            }
        }

        @Override
        public void writeEndObject(com.fasterxml.jackson.core.JsonGenerator generator, int entries) throws IOException {
            if (entries == 0) {
                _nesting--;
                generator.writeRaw('}');
            } else {
                super.writeEndObject(generator, entries);
            }
        }
    }
}
