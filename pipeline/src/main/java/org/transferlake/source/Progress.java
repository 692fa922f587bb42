package org.transferlake.source;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A console progress line: {@code <what>: done/total (pct) at N/s}, redrawn in place at most a few
 * times a second on a terminal; in logs (no console: cron, schedulers, CI) one plain line every
 * few seconds instead. Thread-safe; {@link #silent()} for callers that want no output.
 */
public final class Progress {
    private static final long REDRAW_NANOS = 250_000_000L;
    private static final long LOG_LINE_NANOS = 10_000_000_000L;
    private static final boolean INTERACTIVE = System.console() != null;

    private final String what;
    private final long total;
    private final PrintStream out;
    private final long startNanos = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong lastDrawNanos = new AtomicLong(System.nanoTime());

    private Progress(String what, long total, PrintStream out) {
        this.what = what;
        this.total = total;
        this.out = out;
    }

    /** Draws to {@code out} (usually {@code System.err}, so piped stdout stays clean). */
    public static Progress console(String what, long total, PrintStream out) {
        return new Progress(what, total, out);
    }

    public static Progress silent() {
        return new Progress("", 0, null);
    }

    /** Records {@code count} more items done. */
    public void advance(long count) {
        draw(done.addAndGet(count));
    }

    /** Records that {@code count} items are done in all (for counters read from elsewhere). */
    public void update(long count) {
        done.set(count);
        draw(count);
    }

    private void draw(long current) {
        long now = System.nanoTime();
        long last = lastDrawNanos.get();
        long interval = INTERACTIVE ? REDRAW_NANOS : LOG_LINE_NANOS;
        if (out != null && now - last > interval && lastDrawNanos.compareAndSet(last, now)) {
            out.print(
                    INTERACTIVE ? "\r" + line(current, now) : line(current, now).strip() + "\n");
            out.flush();
        }
    }

    /** Ends the line; call once when the work is over. */
    public void finish() {
        if (out != null) {
            out.println((INTERACTIVE ? "\r" : "")
                    + line(done.get(), System.nanoTime()).strip());
        }
    }

    private String line(long current, long now) {
        double seconds = Math.max(1e-9, (now - startNanos) / 1e9);
        double percent = total == 0 ? 100.0 : 100.0 * current / total;
        return String.format(
                Locale.ROOT, "%s: %d/%d (%.0f%%) at %.1f/s   ", what, current, total, percent, current / seconds);
    }
}
