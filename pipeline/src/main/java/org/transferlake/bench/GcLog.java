package org.transferlake.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.transferlake.config.Errors;

/**
 * Reads a JVM's {@code -Xlog:gc} file: each collecting pause (young, mixed, full) gives the heap before
 * and after it, e.g. {@code GC(3) Pause Young (Normal) (G1 Evacuation Pause) 29M->7M(64M) 11.426ms}.
 * The largest "after" is the peak of what the heap held once a collection was done: what the heap
 * limit has to fit. G1's Remark and Cleanup pauses collect nothing (their "after" is the occupancy
 * of the moment), so they do not count; a young collection's "after" still holds old garbage, so the
 * peak is an upper bound, and the largest "after" of a full collection is reported beside it.
 */
final class GcLog {
    private static final Pattern PAUSE = Pattern.compile(
            "\\bGC\\((\\d+)\\) Pause (Young|Full)\\b.*?\\s(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    /**
     * The largest heap after a collection, and after a full one (0 without any), in MB; and how many
     * collections the log has.
     */
    record Peak(long megabytes, long afterFullMegabytes, int collections) {}

    private GcLog() {}

    static Peak peakAfterGc(Path log) {
        try {
            return peakAfterGc(Files.readAllLines(log));
        } catch (IOException e) {
            throw Errors.benchLocalFileFailed(log, e);
        }
    }

    static Peak peakAfterGc(List<String> lines) {
        long peakKb = 0;
        long afterFullKb = 0;
        Set<String> collections = new HashSet<>();
        for (String line : lines) {
            Matcher pause = PAUSE.matcher(line);
            if (pause.find()) {
                collections.add(pause.group(1));
                long after = kilobytes(pause.group(5), pause.group(6));
                peakKb = Math.max(peakKb, after);
                if (pause.group(2).equals("Full")) {
                    afterFullKb = Math.max(afterFullKb, after);
                }
            }
        }
        return new Peak(megabytes(peakKb), megabytes(afterFullKb), collections.size());
    }

    private static long megabytes(long kilobytes) {
        return (kilobytes + 1023) / 1024;
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
