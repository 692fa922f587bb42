package org.transferlake.runs;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A console progress line: {@code <what>: done/total (pct) at N/s}, redrawn in place at most a few
 * times a second on a terminal; in logs (no console: cron, schedulers, CI) one plain line every
 * few seconds instead. Work reports to it through {@link #track} (items it finishes) or
 * {@link #follow} (a counter updated elsewhere); a null stream draws nothing.
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

    /** Draws to {@code out} (usually {@code System.err}, so piped stdout stays clean); null draws nothing. */
    private static Progress console(String what, long total, PrintStream out) {
        return new Progress(what, total, out);
    }

    /**
     * Runs {@code work}, which reports each item it finishes to the consumer it is given; the line
     * ends with it. Work of zero items (nothing to write, say) prints nothing.
     */
    public static <T> T track(String what, long total, PrintStream out, Function<LongConsumer, T> work) {
        Progress progress = console(what, total, total == 0 ? null : out);
        try {
            return work.apply(progress::advance);
        } finally {
            progress.finish();
        }
    }

    /**
     * Runs {@code work} while the line follows {@code done}, a counter that others update (e.g. a
     * Spark accumulator, which the driver sees grow as tasks finish).
     */
    public static <T> T follow(String what, long total, PrintStream out, LongSupplier done, Supplier<T> work) {
        Progress progress = console(what, total, out);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "transferlake-progress");
            thread.setDaemon(true);
            return thread;
        });
        ticker.scheduleAtFixedRate(() -> progress.update(done.getAsLong()), 500, 500, TimeUnit.MILLISECONDS);
        try {
            return work.get();
        } finally {
            ticker.shutdownNow();
            awaitTicks(ticker);
            progress.update(done.getAsLong());
            progress.finish();
        }
    }

    /** A tick still drawing must not print after the final line. */
    private static void awaitTicks(ScheduledExecutorService ticker) {
        try {
            ticker.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records {@code count} more items done. */
    private void advance(long count) {
        draw(done.addAndGet(count));
    }

    /** Records that {@code count} items are done in all (for counters read from elsewhere). */
    private void update(long count) {
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
    private void finish() {
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
