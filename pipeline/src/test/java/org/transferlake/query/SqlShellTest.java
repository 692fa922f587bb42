package org.transferlake.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.transferlake.testing.SharedLake;

/** The shell's output formats, its one-line errors and its interactive loop, on a real session. */
@Tag("spark")
class SqlShellTest {
    private static SparkSession spark;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void session() {
        spark = SharedLake.get().spark();
    }

    private SqlShell shell(ResultFormat format, int maxRows) {
        return new SqlShell(spark, format, maxRows, new PrintWriter(out), new PrintWriter(err));
    }

    private static final String ROWS = "SELECT * FROM VALUES (1, 'plain', array(1.5f, 2f)), (22, 'a, \"quoted\" one',"
            + " NULL) AS t(n, s, v) ORDER BY n";

    @Test
    void aTableAlignsColumnsAndRightAlignsNumbers() {
        assertThat(shell(ResultFormat.TABLE, 1000).runScript(ROWS)).isTrue();

        assertThat(out.toString())
                .isEqualTo(String.join(
                        "\n",
                        "+----+-----------------+------------+",
                        "| n  | s               | v          |",
                        "+----+-----------------+------------+",
                        "|  1 | plain           | [1.5, 2.0] |",
                        "| 22 | a, \"quoted\" one | NULL       |",
                        "+----+-----------------+------------+",
                        ""));
        assertThat(err.toString()).matches("2 rows in \\d+\\.\\d\\d s\n");
    }

    @Test
    void csvQuotesWhatNeedsQuotingAndJsonKeepsNulls() {
        assertThat(shell(ResultFormat.CSV, 1000).runScript(ROWS)).isTrue();
        assertThat(out.toString()).isEqualTo("n,s,v\n1,plain,\"[1.5, 2.0]\"\n22,\"a, \"\"quoted\"\" one\",\n");

        out.getBuffer().setLength(0);
        assertThat(shell(ResultFormat.JSON, 1000).runScript(ROWS)).isTrue();
        assertThat(out.toString())
                .isEqualTo(
                        "{\"n\":1,\"s\":\"plain\",\"v\":[1.5,2.0]}\n{\"n\":22,\"s\":\"a, \\\"quoted\\\" one\",\"v\":null}\n");
    }

    @Test
    void aLongCellIsCutAndRowsBeyondTheLimitAreSaidToBeLeftOut() {
        assertThat(shell(ResultFormat.TABLE, 2).runScript("SELECT id, repeat('x', 150) AS text FROM range(5)"))
                .isTrue();

        assertThat(out.toString()).contains("|  0 | " + "x".repeat(99) + "… |").doesNotContain("|  2 ");
        assertThat(err.toString()).matches("2 rows shown, more not \\(--max-rows 2\\) in \\d+\\.\\d\\d s\n");
    }

    @Test
    void aSingleColumnIsShownWholeLineByLine() {
        assertThat(shell(ResultFormat.TABLE, 1000).runScript("SELECT concat(repeat('y', 150), '\\n', 'z') AS one"))
                .isTrue();

        assertThat(out.toString()).contains("| " + "y".repeat(150) + " |\n| z" + " ".repeat(149) + " |\n");
    }

    @Test
    void aScriptStopsAtItsFirstFailedStatementWithOneLine() {
        boolean succeeded = shell(ResultFormat.CSV, 1000)
                .runScript("SELECT 1 AS a;\n\n-- the next one fails\nSELECT * FROM no_such_table;\nSELECT 3 AS c;");

        assertThat(succeeded).isFalse();
        assertThat(out.toString()).isEqualTo("a\n1\n");
        String[] lines = err.toString().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[1])
                .isEqualTo("Cannot run statement 2 (line 4): [TABLE_OR_VIEW_NOT_FOUND] The table or view"
                        + " `no_such_table` cannot be found. Verify the spelling and correctness of the schema and"
                        + " catalog. If you did not qualify the name with a schema, verify the current_schema()"
                        + " output, or qualify the name with the correct schema and catalog. To tolerate the error on"
                        + " drop use DROP VIEW IF EXISTS or DROP TABLE IF EXISTS.; line 1 pos 14. Fix it and run it"
                        + " again.");
    }

    @Test
    void aSyntaxErrorIsOneLineWithoutTheEchoedStatement() {
        assertThat(shell(ResultFormat.TABLE, 1000).runScript("SELEC 1")).isFalse();

        assertThat(err.toString())
                .isEqualTo("Cannot run statement 1 (line 1): [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'.;"
                        + " line 1 pos 0. Fix it and run it again.\n");
    }

    @Test
    void ourErrorFromATaskIsShownAsItIs() {
        assertThat(shell(ResultFormat.TABLE, 1000).runScript("SELECT cosine_similarity(array(1f), array(1f, 2f))"))
                .isFalse();

        assertThat(err.toString())
                .isEqualTo("Cannot compute cosine_similarity: the arrays have 1 and 2 elements. Compare embeddings"
                        + " of one backbone_id (transferlake.features_current holds one).\n");
    }

    @Test
    void interactivelyAStatementRunsOnceALineEndsItAndTheShellGoesOnAfterAnError(@TempDir Path home) throws Exception {
        // A backslash reaches Spark as typed; after a blank line and a comment, quit still quits.
        String typed = "SELECT\n  41 + 1 AS answer;\nSELECT * FROM nope;\nSELECT 'still here' AS s,"
                + " 'a1' rlike '\\\\d' AS digit, 1 != 2 AS differs;\n\n-- done\nquit\nSELECT 'never run';\n";
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        Path history = home.resolve("history");
        try (Terminal terminal = new org.jline.terminal.impl.DumbTerminal(
                new ByteArrayInputStream(typed.getBytes(StandardCharsets.UTF_8)), screen)) {
            new SqlShell(spark, ResultFormat.TABLE, 1000, terminal.writer(), new PrintWriter(err))
                    .interactive(terminal, history);
        }

        String shown = screen.toString(StandardCharsets.UTF_8);
        assertThat(shown)
                .contains("| answer |", "|     42 |", "| still here | true  | true    |")
                .doesNotContain("never run");
        assertThat(err.toString().split("\n"))
                .hasSize(3)
                .satisfies(lines -> assertThat(lines[1]).startsWith("Cannot run statement 2 (line 3): "));
        assertThat(Files.readString(history)).contains("SELECT * FROM nope;");
    }
}
