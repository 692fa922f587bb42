package org.transferlake.jobs;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.transferlake.config.Errors;
import org.transferlake.lake.Lake;
import org.transferlake.query.QuerySession;
import org.transferlake.query.ResultFormat;
import org.transferlake.query.SqlShell;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "sql",
        description = "A Spark SQL shell on the lake: the transferlake.* tables and views by name, and the functions"
                + " cosine_similarity and l2_normalize. Interactive (line editing, history) unless -e or -f is given;"
                + " a script stops at its first failed statement and exits 1.")
final class SqlCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true)
    Script script;

    static final class Script {
        @Option(names = "-e", paramLabel = "SQL", description = "Run these statements (separated by ;) and exit.")
        String statements;

        @Option(
                names = "-f",
                paramLabel = "FILE",
                description = "Run the statements of FILE (- for standard input) and exit.")
        Path file;
    }

    @Option(
            names = "--output",
            defaultValue = "table",
            description = "table, csv or json (one object per line) (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(
            names = "--max-rows",
            defaultValue = "1000",
            description = "Print at most this many rows per statement; 0 prints all (default: ${DEFAULT-VALUE}).")
    int maxRows;

    @Override
    public Integer call() throws IOException {
        // Checked before Spark starts: a typo must not cost a session.
        ResultFormat format = ResultFormat.of(output);
        if (maxRows < 0) {
            throw Errors.negativeMaxRows(maxRows);
        }
        String text = script == null ? null : script.file != null ? readScript(script.file) : script.statements;
        if (text != null && org.transferlake.query.SqlScript.split(text).isEmpty()) {
            throw Errors.noStatements(script.file == null ? "-e" : script.file.toString());
        }
        PrintWriter err = spec.commandLine().getErr();
        try (Lake lake = Lake.open(common.loadConfig())) {
            QuerySession.attach(lake);
            if (text != null) {
                return new SqlShell(
                                        lake.spark(),
                                        format,
                                        maxRows,
                                        spec.commandLine().getOut(),
                                        err)
                                .runScript(text)
                        ? 0
                        : TransferlakeCli.EXIT_FAILED;
            }
            try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
                new SqlShell(lake.spark(), format, maxRows, terminal.writer(), err)
                        .interactive(terminal, historyFile(err));
                return 0;
            }
        }
    }

    /** ~/.transferlake/sql_history, or none (with a warning) where the home directory is not writable. */
    private static Path historyFile(PrintWriter err) {
        Path history = Path.of(System.getProperty("user.home"), ".transferlake", "sql_history");
        try {
            Files.createDirectories(history.getParent());
            return history;
        } catch (IOException e) {
            err.println("No history: cannot create " + history.getParent() + " (" + e.getMessage() + ").");
            return null;
        }
    }

    /** The file's text; {@code -} is standard input, for piped scripts. */
    private static String readScript(Path file) {
        try {
            return file.toString().equals("-")
                    ? new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    : Files.readString(file);
        } catch (IOException e) {
            throw Errors.sqlFileUnreadable(file, e);
        }
    }
}
