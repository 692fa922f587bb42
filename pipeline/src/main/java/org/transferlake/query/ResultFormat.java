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
        StructField[] fields = rows.schema().fields();
        // Renamed by position first: a join's output may repeat a name.
        String[] positions = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            positions[i] = "c" + i;
        }
        Dataset<Row> positional = rows.toDF(positions);
        if (this == JSON) {
            // Keys made unique (path, path_2, …); options given to the expression, as tasks may not see the
            // session's conf.
            java.util.Map<String, Integer> seen = new java.util.HashMap<>();
            Column[] keyed = new Column[names.length];
            for (int i = 0; i < names.length; i++) {
                int count = seen.merge(names[i], 1, Integer::sum);
                keyed[i] = col(positions[i]).as(count == 1 ? names[i] : names[i] + "_" + count);
            }
            Dataset<Row> json = positional.select(
                    functions.to_json(functions.struct(keyed), java.util.Map.of("ignoreNullFields", "false")));
            return print(json, maxRows, line -> out.println(line[0]));
        }
        Column[] asText = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            asText[i] = col(positions[i]).cast("string");
        }
        Dataset<Row> text = positional.select(asText);
        if (this == CSV) {
            out.println(csvLine(names));
            return print(text, maxRows, values -> out.println(csvLine(values)));
        }
        List<String[]> table = new ArrayList<>();
        Printed printed = print(text, maxRows, table::add);
        printTable(names, fields, table, out);
        return printed;
    }

    /** Rows printed, and whether the query had more than were printed. */
    public record Printed(long rows, boolean truncated) {}

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

    private static String csvLine(String[] values) {
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

    private static void printTable(String[] names, StructField[] fields, List<String[]> rows, PrintWriter out) {
        boolean whole = names.length == 1;
        List<String[]> cells = new ArrayList<>();
        cells.add(names);
        for (String[] row : rows) {
            String[] shown = new String[row.length];
            for (int i = 0; i < row.length; i++) {
                String value = row[i] == null ? "NULL" : row[i];
                if (!whole) {
                    value = value.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
                    value = value.length() > MAX_CELL ? value.substring(0, MAX_CELL - 1) + "…" : value;
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
