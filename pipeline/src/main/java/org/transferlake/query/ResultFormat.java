package org.transferlake.query;

import static org.apache.spark.sql.functions.col;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.transferlake.config.Errors;

/**
 * How a query's rows are printed: an aligned table for people, CSV or JSON lines for scripts. Values
 * are rendered by Spark's own cast to string (arrays as {@code [1.0, 2.0]}, maps as
 * {@code {a -> 1}}), so they read as Spark shows them; JSON keeps their types.
 */
public enum ResultFormat {
    /**
     * Aligned columns between rules; with several columns, cells wider than {@value #MAX_CELL} characters
     * are cut and line breaks shown as spaces. A single column (EXPLAIN, SHOW CREATE TABLE) is shown whole,
     * line by line.
     */
    TABLE,
    /**
     * RFC 4180: a header row, fields quoted where they hold a comma, quote or line break, or are empty;
     * null is an empty field.
     */
    CSV,
    /** One JSON object per row, one row per line; null values kept. */
    JSON;

    /** Widest table cell; an embedding of 1,280 floats would otherwise be one 10,000-character line. */
    static final int MAX_CELL = 100;

    public static ResultFormat of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Errors.unknownResultFormat(name);
        }
    }

    /**
     * Prints {@code rows}, at most {@code maxRows} of them (0: all, streamed from the executors a
     * partition at a time, except in a table, which measures its rows first).
     *
     * @return rows printed, and whether there were more
     */
    public Printed print(Dataset<Row> rows, PrintWriter out, int maxRows) {
        String[] names = rows.columns();
        if (this == JSON) {
            // By position, then keys made unique (path, path_2, …): a join's output may repeat a name. Options
            // are given to the expression, as tasks may not see the session's conf.
            java.util.Map<String, Integer> seen = new java.util.HashMap<>();
            Column[] keyed = new Column[names.length];
            String[] positions = new String[names.length];
            for (int i = 0; i < names.length; i++) {
                positions[i] = "c" + i;
                int count = seen.merge(names[i], 1, Integer::sum);
                keyed[i] = col(positions[i]).as(count == 1 ? names[i] : names[i] + "_" + count);
            }
            Dataset<Row> json = rows.toDF(positions)
                    .select(functions.to_json(functions.struct(keyed), java.util.Map.of("ignoreNullFields", "false")));
            return print(json, maxRows, line -> out.println(line[0]));
        }
        if (this == CSV) {
            out.println(csvLine(names));
            return print(asText(rows), maxRows, values -> out.println(csvLine(values)));
        }
        Collected table = collect(rows, maxRows);
        printTable(table, out);
        return new Printed(table.rows().size(), table.truncated());
    }

    /** Rows printed, and whether the query had more than were printed. */
    public record Printed(long rows, boolean truncated) {}

    /** A query's rows as Spark shows its values, at most a limit of them: for tables and notebook outputs. */
    public record Collected(String[] names, StructField[] fields, List<String[]> rows, boolean truncated) {}

    /** Up to {@code maxRows} (0: all) of {@code rows}, each value cast to string by Spark (null stays null). */
    public static Collected collect(Dataset<Row> rows, int maxRows) {
        List<String[]> values = new ArrayList<>();
        Printed printed = print(asText(rows), maxRows, values::add);
        return new Collected(rows.columns(), rows.schema().fields(), values, printed.truncated());
    }

    /** Every column cast to string, renamed by position first: a join's output may repeat a name. */
    private static Dataset<Row> asText(Dataset<Row> rows) {
        int width = rows.columns().length;
        String[] positions = new String[width];
        Column[] asText = new Column[width];
        for (int i = 0; i < width; i++) {
            positions[i] = "c" + i;
            asText[i] = col(positions[i]).cast("string");
        }
        return rows.toDF(positions).select(asText);
    }

    /**
     * {@code table} as an HTML table (values escaped), as Jupyter shows a result; a single column
     * (EXPLAIN, SHOW CREATE TABLE) whole and preformatted, as the text table shows it.
     */
    public static String html(Collected table) {
        if (table.names().length == 1) {
            StringBuilder pre =
                    new StringBuilder("<pre>").append(escape(table.names()[0])).append("\n\n");
            for (String[] row : table.rows()) {
                pre.append(row[0] == null ? "NULL" : escape(row[0])).append('\n');
            }
            return pre.append("</pre>\n").toString();
        }
        StringBuilder html = new StringBuilder("<table>\n<thead><tr>");
        for (String name : table.names()) {
            html.append("<th>").append(escape(name)).append("</th>");
        }
        html.append("</tr></thead>\n<tbody>\n");
        for (String[] row : table.rows()) {
            html.append("<tr>");
            for (int i = 0; i < row.length; i++) {
                boolean number = table.fields()[i].dataType() instanceof NumericType;
                html.append(number ? "<td style=\"text-align: right\">" : "<td>")
                        .append(row[i] == null ? "<i>NULL</i>" : escape(cut(row[i])))
                        .append("</td>");
            }
            html.append("</tr>\n");
        }
        return html.append("</tbody>\n</table>\n").toString();
    }

    /** {@code text} safe inside HTML text and attribute values. */
    public static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private static String cut(String value) {
        // On a code point, not a char: half a surrogate pair is not text.
        return value.codePointCount(0, value.length()) > MAX_CELL
                ? value.substring(0, value.offsetByCodePoints(0, MAX_CELL - 1)) + "…"
                : value;
    }

    /** {@code table} as the aligned text {@link #TABLE} prints. */
    public static String text(Collected table) {
        java.io.StringWriter text = new java.io.StringWriter();
        try (PrintWriter out = new PrintWriter(text)) {
            printTable(table, out);
        }
        return text.toString();
    }

    private static Printed print(Dataset<Row> text, int maxRows, java.util.function.Consumer<String[]> sink) {
        Iterator<Row> rows = (maxRows > 0 ? text.limit(maxRows + 1) : text).toLocalIterator();
        long count = 0;
        while (rows.hasNext()) {
            Row row = rows.next();
            if (maxRows > 0 && count == maxRows) {
                return new Printed(count, true);
            }
            String[] values = new String[row.length()];
            for (int i = 0; i < values.length; i++) {
                values[i] = row.isNullAt(i) ? null : row.getString(i);
            }
            sink.accept(values);
            count++;
        }
        return new Printed(count, false);
    }

    /** One CSV line of {@code values} (RFC 4180 quoting; null as an empty field). */
    public static String csvLine(String[] values) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            String value = values[i];
            if (value == null) {
                continue;
            }
            if (value.indexOf(',') >= 0
                    || value.indexOf('"') >= 0
                    || value.indexOf('\n') >= 0
                    || value.indexOf('\r') >= 0) {
                line.append('"').append(value.replace("\"", "\"\"")).append('"');
            } else {
                line.append(value);
            }
        }
        return line.toString();
    }

    private static void printTable(Collected table, PrintWriter out) {
        String[] names = table.names();
        StructField[] fields = table.fields();
        boolean whole = names.length == 1;
        List<String[]> cells = new ArrayList<>();
        cells.add(names);
        for (String[] row : table.rows()) {
            String[] shown = new String[row.length];
            for (int i = 0; i < row.length; i++) {
                String value = row[i] == null ? "NULL" : row[i];
                if (!whole) {
                    value = value.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
                    value = cut(value);
                }
                shown[i] = value;
            }
            cells.add(shown);
        }
        int[] widths = new int[names.length];
        for (String[] row : cells) {
            for (int i = 0; i < row.length; i++) {
                for (String line : row[i].split("\n", -1)) {
                    widths[i] = Math.max(widths[i], line.length());
                }
            }
        }
        StringBuilder rule = new StringBuilder("+");
        for (int width : widths) {
            rule.append("-".repeat(width + 2)).append('+');
        }
        out.println(rule);
        for (int r = 0; r < cells.size(); r++) {
            // Numbers right-aligned, as a reader compares their magnitudes; the header always left.
            String[] row = cells.get(r);
            String[][] lines = new String[row.length][];
            int height = 1;
            for (int i = 0; i < row.length; i++) {
                lines[i] = row[i].split("\n", -1);
                height = Math.max(height, lines[i].length);
            }
            for (int l = 0; l < height; l++) {
                StringBuilder line = new StringBuilder("|");
                for (int i = 0; i < widths.length; i++) {
                    String value = l < lines[i].length ? lines[i][l] : "";
                    String padding = " ".repeat(widths[i] - value.length());
                    boolean right = r > 0 && fields[i].dataType() instanceof NumericType;
                    line.append(' ')
                            .append(right ? padding + value : value + padding)
                            .append(" |");
                }
                out.println(line);
            }
            if (r == 0) {
                out.println(rule);
            }
        }
        out.println(rule);
    }
}
