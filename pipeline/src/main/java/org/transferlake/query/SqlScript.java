package org.transferlake.query;

import java.util.ArrayList;
import java.util.List;

/**
 * Spark SQL text split into statements at the semicolons that end them: not those inside quotes
 * ({@code '…'}, {@code "…"}, {@code `…`}) or comments (line and block comments), as spark-sql
 * splits a file.
 */
public final class SqlScript {
    private SqlScript() {}

    /**
     * One statement: its text from its first code (comments before it left out) to before its ending
     * semicolon, and the line (from 1) that code is on.
     */
    public record Statement(String text, int line) {}

    /** The statements of {@code script}, in order; a part holding only comments or blanks is none. */
    public static List<Statement> split(String script) {
        List<Statement> statements = new ArrayList<>();
        Scanner scanner = new Scanner(script);
        int start = 0;
        while (true) {
            int end = scanner.nextTerminator();
            int stop = end < 0 ? script.length() : end;
            // From its first code: comments before it are the script's, and Spark counts lines from there.
            int offset = scanner.firstCode(start, stop);
            if (offset >= 0) {
                statements.add(new Statement(script.substring(offset, stop).strip(), lineOf(script, offset)));
            }
            if (end < 0) {
                return statements;
            }
            start = end + 1;
        }
    }

    /**
     * Whether {@code text} ends a statement: its last code (outside quotes and comments) is a
     * semicolon. What an interactive shell waits for before it runs what was typed.
     */
    public static boolean endsStatement(String text) {
        Scanner scanner = new Scanner(text);
        int lastTerminator = -1;
        for (int end = scanner.nextTerminator(); end >= 0; end = scanner.nextTerminator()) {
            lastTerminator = end;
        }
        boolean onlyCommentsAfter = scanner.firstCode(lastTerminator + 1, text.length()) < 0;
        return lastTerminator >= 0 && !scanner.open() && onlyCommentsAfter;
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** Walks the text once, tracking quotes and comments. */
    private static final class Scanner {
        private final String text;
        private int position;
        private char quote;
        private boolean unclosedComment;

        Scanner(String text) {
            this.text = text;
        }

        /** Whether the text ends inside a quote or a block comment: a statement cannot end there. */
        boolean open() {
            return quote != 0 || unclosedComment;
        }

        /** The offset of the next statement-ending semicolon, or -1 at the end of the text. */
        int nextTerminator() {
            while (position < text.length()) {
                char c = text.charAt(position);
                if (quote != 0) {
                    if (c == '\\' && quote != '`') {
                        position += 2;
                        continue;
                    }
                    if (c == quote) {
                        quote = 0;
                    }
                    position++;
                } else if (c == '\'' || c == '"' || c == '`') {
                    quote = c;
                    position++;
                } else if (startsComment(position)) {
                    position = commentEnd(position);
                } else if (c == ';') {
                    return position++;
                } else {
                    position++;
                }
            }
            return -1;
        }

        /** The offset of the first character in [from, to) that is neither blank nor comment, or -1. */
        int firstCode(int from, int to) {
            int i = from;
            while (i < to) {
                if (startsComment(i)) {
                    i = commentEnd(i);
                } else if (Character.isWhitespace(text.charAt(i))) {
                    i++;
                } else {
                    return i;
                }
            }
            return -1;
        }

        private boolean startsComment(int i) {
            return text.startsWith("--", i) || text.startsWith("/*", i);
        }

        private int commentEnd(int i) {
            if (text.startsWith("--", i)) {
                int newline = text.indexOf('\n', i);
                return newline < 0 ? text.length() : newline + 1;
            }
            // Nested, as Spark's lexer reads them: /* a /* b */ c */ is one comment.
            int depth = 0;
            for (int j = i; j < text.length() - 1; j++) {
                if (text.startsWith("/*", j)) {
                    depth++;
                    j++;
                } else if (text.startsWith("*/", j)) {
                    depth--;
                    j++;
                    if (depth == 0) {
                        return j + 1;
                    }
                }
            }
            unclosedComment = true;
            return text.length();
        }
    }
}
