package org.transferlake.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a JVM's {@code -Xlog:gc} file: each pause line gives the heap before and after it, e.g.
 * {@code GC(3) Pause Young (Normal) (G1 Evacuation Pause) 29M->7M(64M) 11.426ms}. The largest
 * "after" is the peak of what the heap held once garbage was gone: what the heap limit has to fit.
 */
final class GcLog {
    private static final Pattern PAUSE =
            Pattern.compile("\\bPause\\b.*?\\s(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    /** The largest heap after a pause, in MB (rounded up), and how many pauses the log has. */
    record Peak(long megabytes, int pauses) {}

    private GcLog() {}

    static Peak peakAfterGc(Path log) {
        try {
            return peakAfterGc(Files.readAllLines(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Peak peakAfterGc(List<String> lines) {
        long peakKb = 0;
        int pauses = 0;
        for (String line : lines) {
            Matcher pause = PAUSE.matcher(line);
            if (pause.find()) {
                pauses++;
                peakKb = Math.max(peakKb, kilobytes(pause.group(3), pause.group(4)));
            }
        }
        return new Peak((peakKb + 1023) / 1024, pauses);
    }

    private static long kilobytes(String amount, String unit) {
        long value = Long.parseLong(amount);
        return switch (unit) {
            case "K" -> value;
            case "M" -> value * 1024;
            default -> value * 1024 * 1024;
        };
    }
}
