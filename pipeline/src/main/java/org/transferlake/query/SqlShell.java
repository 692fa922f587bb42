package org.transferlake.query;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.transferlake.config.Errors;
import org.transferlake.config.TransferlakeException;

/**
 * A Spark SQL shell on the lake, like {@code spark-sql}: scripts run statement by statement and stop
 * at the first that fails; interactively, a statement runs once a line ends it with {@code ;}.
 * Results go to {@code out}; timings and errors, one line each, to {@code err}, so that
 * {@code --output csv > file} holds only the rows.
 */
public final class SqlShell {
    static final String PROMPT = "transferlake> ";
    static final String CONTINUATION = "           > ";

    private final SparkSession spark;
    private final ResultFormat format;
    private final int maxRows;
    private final PrintWriter out;
    private final PrintWriter err;

    public SqlShell(SparkSession spark, ResultFormat format, int maxRows, PrintWriter out, PrintWriter err) {
        this.spark = spark;
        this.format = format;
        this.maxRows = maxRows;
        this.out = out;
        this.err = err;
    }

    /** Runs every statement of {@code script} in order; false, after printing why, at the first that fails. */
    public boolean runScript(String script) {
        int number = 0;
        for (SqlScript.Statement statement : SqlScript.split(script)) {
            if (!run(++number, statement)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads statements from {@code terminal} until {@code quit}, {@code exit} or end of input, with line
     * editing and the history kept in {@code historyFile} (null: none). A failed statement is reported
     * and the shell goes on; Ctrl-C drops the statement being typed, or cancels the running one's Spark
     * jobs.
     */
    public void interactive(Terminal terminal, Path historyFile) {
        org.jline.reader.impl.DefaultParser parser = new org.jline.reader.impl.DefaultParser();
        // The line as typed: no escape characters (a SQL string's backslash is Spark's), no quote tracking.
        parser.setEscapeChars(new char[0]);
        parser.setQuoteChars(new char[0]);
        LineReaderBuilder builder = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("transferlake sql")
                .parser(parser)
                // No !-history expansion: "!=" and "!" are SQL.
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION);
        if (historyFile != null) {
            builder.variable(LineReader.HISTORY_FILE, historyFile);
        }
        LineReader reader = builder.build();
        Terminal.SignalHandler previous = terminal.handle(
                Terminal.Signal.INT, signal -> spark.sparkContext().cancelAllJobs());
        try {
            StringBuilder typed = new StringBuilder();
            int number = 0;
            int line = 0;
            int firstLine = 1;
            while (true) {
                // Blank lines and comments alone start nothing: quit still quits after them.
                boolean fresh = SqlScript.split(typed.toString()).isEmpty();
                String input;
                try {
                    input = reader.readLine(fresh ? PROMPT : CONTINUATION);
                } catch (UserInterruptException e) {
                    typed.setLength(0);
                    continue;
                } catch (EndOfFileException e) {
                    return;
                }
                line++;
                if (fresh) {
                    if (isQuit(input)) {
                        return;
                    }
                    typed.setLength(0);
                    firstLine = line;
                }
                typed.append(input).append('\n');
                if (!SqlScript.endsStatement(typed.toString())) {
                    continue;
                }
                for (SqlScript.Statement statement : SqlScript.split(typed.toString())) {
                    run(++number, new SqlScript.Statement(statement.text(), firstLine + statement.line() - 1));
                }
                typed.setLength(0);
            }
        } finally {
            terminal.handle(Terminal.Signal.INT, previous);
        }
    }

    private static boolean isQuit(String input) {
        String word = input.strip().toLowerCase(Locale.ROOT);
        return word.equals("quit") || word.equals("exit") || word.equals("quit;") || word.equals("exit;");
    }

    private boolean run(int number, SqlScript.Statement statement) {
        long start = System.nanoTime();
        try {
            Dataset<Row> result = spark.sql(statement.text());
            String summary;
            if (result.columns().length == 0) {
                // DDL and the like: run by spark.sql itself, nothing to print.
                summary = "OK";
            } else {
                ResultFormat.Printed printed = format.print(result, out, maxRows);
                summary = printed.rows()
                        + (printed.rows() == 1 ? " row" : " rows")
                        + (printed.truncated() ? " shown, more not (--max-rows " + maxRows + ")" : "");
            }
            out.flush();
            err.printf(Locale.ROOT, "%s in %.2f s%n", summary, (System.nanoTime() - start) / 1e9);
            err.flush();
            return true;
        } catch (Exception e) { // Spark throws AnalysisException, a checked exception, undeclared
            out.flush();
            err.println(oneLine(number, statement.line(), e));
            err.flush();
            return false;
        }
    }

    /**
     * What failed, on one line: ours as it is (from a task, say cosine_similarity's), Spark's as a
     * statement that failed, without the plan or the SQL echo its message carries.
     */
    static String oneLine(int number, int line, Exception e) {
        java.util.Optional<TransferlakeException> ours = TransferlakeException.within(e);
        if (ours.isPresent()) {
            return ours.get().getMessage();
        }
        String message;
        if (e instanceof AnalysisException analysis) {
            message = analysis.getSimpleMessage();
        } else {
            // A task's failure: Spark's message carries the executor's stack trace, its root cause says what.
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            message = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        }
        int echo = message.indexOf("== SQL");
        if (echo >= 0) {
            message = message.substring(0, echo);
        }
        return Errors.sqlStatementFailed(number, line, message.strip().replaceAll("\\s+", " "))
                .getMessage();
    }
}
