package org.transferlake.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class SqlScriptTest {
    @Test
    void statementsEndAtSemicolonsOutsideQuotesAndComments() {
        String script = String.join(
                "\n",
                "-- a comment; not a statement end",
                "SELECT 'a;b' AS s, \"c;d\" AS t, `e;f` FROM x;",
                "/* block; comment */ SELECT 'it\\'s;' AS quoted;",
                "",
                "SELECT 3 -- trailing; comment",
                ";",
                "-- only a comment at the end;");

        assertThat(SqlScript.split(script))
                .containsExactly(
                        new SqlScript.Statement("SELECT 'a;b' AS s, \"c;d\" AS t, `e;f` FROM x", 2),
                        new SqlScript.Statement("SELECT 'it\\'s;' AS quoted", 3),
                        new SqlScript.Statement("SELECT 3 -- trailing; comment", 5));
    }

    @Test
    void aLastStatementWithoutItsSemicolonStillRuns() {
        assertThat(SqlScript.split("SELECT 1;\n\nSELECT\n  2"))
                .containsExactly(new SqlScript.Statement("SELECT 1", 1), new SqlScript.Statement("SELECT\n  2", 3));
        assertThat(SqlScript.split(" ;; -- nothing\n")).isEmpty();
    }

    @Test
    void aShellRunsWhatWasTypedOnlyOnceALineEndsAStatement() {
        assertThat(List.of(
                        SqlScript.endsStatement("SELECT 1;"),
                        SqlScript.endsStatement("SELECT 1; -- done\n"),
                        SqlScript.endsStatement("SELECT 1;\nSELECT 2"),
                        SqlScript.endsStatement("SELECT ';"),
                        SqlScript.endsStatement("SELECT 1 /* ; */"),
                        SqlScript.endsStatement("")))
                .containsExactly(true, true, false, false, false, false);
    }
}
